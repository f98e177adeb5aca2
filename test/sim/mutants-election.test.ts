// Teeth, election: configurations outside the assumptions must produce counterexamples, which
// fast-check finds, shrinks and prints with a replayable seed and path. Each test asserts that a
// failure IS found.
import { afterAll, describe, expect, it } from 'vitest';
import { type CaseShape, configArb, SAFETY } from './arbitraries.js';
import { checkSafety } from './checks.js';
import type { SimConfig } from './config.js';
import { findCounterexample, saveStats } from './harness.js';

afterAll(() => saveStats('6-mutants-election'));

/** Cases a mutant may take to be caught, and time to shrink the counterexample. */
const SEARCH = { numRuns: 2000, shrinkTimeLimitMs: Number(process.env.SIM_SHRINK_MS ?? 8_000) };

async function expectCounterexample(
  name: string,
  shape: CaseShape,
  check: typeof checkSafety,
  tweak: (c: SimConfig) => SimConfig = (c) => c,
): Promise<void> {
  const { failed, report } = await findCounterexample(configArb(shape).map(tweak), check, SEARCH);
  console.log(`[mutant ${name}] ${report}`);
  expect(failed, `${name}: no counterexample found`).toBe(true);
}

describe('mutants of the election: outside the assumptions, safety must fail', () => {
  it('settle delay below the timestamp granularity (1 s granularity, settleDelayMs 0 or 100) breaks safety', async () => {
    await expectCounterexample(
      'settle-below-granularity',
      { ...SAFETY, violation: 'settle-below-granularity', crashes: false, pauses: false },
      checkSafety,
    );
  });

  it('unbounded listing staleness breaks safety', async () => {
    await expectCounterexample(
      'unbounded-staleness',
      {
        ...SAFETY,
        violation: 'unbounded-staleness',
        crashes: false,
        pauses: false,
        requestFaults: false,
        // a listing that shows our own fresh ticket but omits an older one: keys go stale independently
        storeMap: (s) => ({ ...s, staleMode: 'perKey' }),
      },
      checkSafety,
    );
  });
});
