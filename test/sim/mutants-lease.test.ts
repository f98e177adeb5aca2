// Teeth, leases: a margin that does not cover clock drift, and pauses longer than the margin, must
// produce counterexamples to property 1 (safety); fencing (property 2) must still hold for the
// long pauses.
import { afterAll, describe, expect, it } from 'vitest';
import { configArb, legacy, FENCING as MODERN_FENCING, SAFETY as MODERN_SAFETY } from './arbitraries.js';

/** The shapes these mutants were written for (the dimensions of issue 14 have mutants-14.test.ts). */
const SAFETY = legacy(MODERN_SAFETY);
const FENCING = legacy(MODERN_FENCING);

import { checkFencing, checkSafety } from './checks.js';
import { findCounterexample, saveStats } from './harness.js';
import { expectCounterexample } from './mutants.js';

afterAll(() => saveStats('6-mutants-lease'));

describe('mutants of the lease: outside the assumptions, safety must fail', () => {
  it('lease margin 0 with clock drift breaks safety', async () => {
    // The margin must cover the drift between the holder's and the observer's clocks: here a
    // holder's renewals keep failing, its clock runs 1 % slow and the waiters' 1 % fast, so a waiter
    // breaks the lease up to 2 % of leaseMs before the holder stops trusting it. Everything else is
    // kept tight (no staleness, skew or settle slack) so the 2 % window is long enough to win in.
    await expectCounterexample(
      'margin-zero',
      {
        ...SAFETY,
        violation: 'margin-zero',
        crashes: false,
        pauses: false,
        requestFaults: false,
        storeMap: (s) => ({ ...s, granularityMs: 1, skewMs: 0, writeMs: 0, staleMs: 0, latencyMs: [1, 2] }),
      },
      checkSafety,
      (c) => ({
        ...c,
        lock: { ...c.lock, leaseMs: 6000, settleExtraMs: 0, pollIntervalMs: 50 },
        contenders: c.contenders.map((x, i) => ({
          ...x,
          renewalFailP: i === 0 ? 0.7 : 0,
          drift: i === 0 ? -0.01 : 0.01,
          steps: x.steps.map((st) => ({ ...st, holdMs: st.holdMs * 4 })),
        })),
      }),
    );
  });

  it('pauses longer than the margin break safety (property 1) …', async () => {
    await expectCounterexample('long-pauses', { ...FENCING, crashes: false }, checkSafety);
  });

  it('… while fencing still holds for them (property 2 over the same cases)', async () => {
    const { failed, report } = await findCounterexample(
      configArb({ ...FENCING, crashes: false }),
      checkFencing,
      {
        numRuns: 300,
      },
    );
    expect(failed, report).toBe(false);
  });
});
