// Property 6, conditional strategy: over thousands of turns, collection keeps the objects under
// `{name}.turn.` and `{name}.done.` (checkpoints aside) bounded by what it may not take yet —
// listings paged (caps below 1000 entries per page), contenders crashing, the shortest retention.
// The long run (`npm run sim`, SIM_RUNS) takes more cases; each case is thousands of turns.
import { afterAll, describe, it } from 'vitest';
import { checkCollection } from './checks.js';
import { collectionArb } from './findings.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('10-collection'));

/** Turns per case: past 2000 a bottom-up page of 1000 entries with checkpoints every 2 holds only checkpoints. */
const TURNS = Number(process.env.SIM_TURNS ?? 3000);

describe('property 6: collection keeps up over thousands of turns (conditional strategy)', () => {
  it('turn and done objects other than checkpoints stay bounded', async () => {
    // each case is thousands of turns: a thousandth of the long run's count
    await assertSim(
      collectionArb({ turns: TURNS }),
      checkCollection,
      process.env.SIM_RUNS ? Math.ceil(runs(2) / 1000) : 2,
    );
  });
});
