// Teeth, election: configurations outside the assumptions must produce counterexamples, which
// fast-check finds, shrinks and prints with a replayable seed and path. Each test asserts that a
// failure IS found.
import { afterAll, describe, it } from 'vitest';
import { legacy, SAFETY as MODERN_SAFETY } from './arbitraries.js';

/** The shape these mutants were written for (the dimensions of issue 14 have mutants-14.test.ts). */
const SAFETY = legacy(MODERN_SAFETY);

import { checkSafety } from './checks.js';
import { saveStats } from './harness.js';
import { expectCounterexample } from './mutants.js';

afterAll(() => saveStats('6-mutants-election'));

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
