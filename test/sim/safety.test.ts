// Property 1: no two conflicting holders at any virtual instant while both believe they hold, within
// the assumptions: bounded staleness, settle delay and margin derived from the store's parameters,
// pauses within the margin's pause budget; with crashes, 503s, lost responses and retries.
import { afterAll, describe, it } from 'vitest';
import { configArb, SAFETY } from './arbitraries.js';
import { checkSafety } from './checks.js';
import { assertSim, runs, saveStats } from './harness.js';
import { SNAPSHOTS_OF_ANY_AGE } from './shapes.js';

afterAll(() => saveStats('1-safety'));

describe('property 1: safety', () => {
  it('no two conflicting holders at any instant (TypeScript contenders, within the assumptions)', async () => {
    await assertSim(configArb(SAFETY), checkSafety, runs(400));
  });

  it('… also on listings that are consistent snapshots of any age, thanks to self-visibility alone', async () => {
    await assertSim(configArb(SNAPSHOTS_OF_ANY_AGE), checkSafety, runs(150));
  });
});
