// Property 6, conditional strategy: over thousands of turns, collection keeps the objects under
// `{name}.turn.` and `{name}.done.` (checkpoints aside) bounded by what it may not take yet, with
// contenders crashing and the shortest retention. Each case is thousands of turns: one on the
// direct view with whole pages, one through the S3 session with pages capped at a few entries (each
// page its own request). `npm run sim` (SIM_RUNS) takes a thousandth of its count of each.
import { afterAll, describe, it } from 'vitest';
import { checkCollection } from './checks.js';
import { collectionArb } from './findings.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('10-collection'));

const cases = process.env.SIM_RUNS ? Math.ceil(runs(1) / 1000) : 1;

describe('property 6: collection keeps up over thousands of turns (conditional strategy)', () => {
  it('turn and done objects other than checkpoints stay bounded (direct view, 3000 turns)', async () => {
    // past 2000 turns a bottom-up page of 1000 entries with checkpoints every 2 holds only checkpoints
    await assertSim(
      collectionArb({ turns: 3000, protocols: ['direct'], pageCaps: false }),
      checkCollection,
      cases,
      { noShrink: true },
    );
  });

  it('… and through the S3 session with capped pages (1200 turns)', async () => {
    await assertSim(
      collectionArb({ turns: 1200, protocols: ['s3'], pageCaps: true }),
      checkCollection,
      cases,
      { noShrink: true },
    );
  });
});
