// Property 3: once faults stop (no 503s, lost responses, new pauses or crashes), every blocking
// acquire of a live contender resolves true within the bound of livenessBound() (world.ts): waiters
// break crashed holders after their lease, and tickets are served oldest first.
import { afterAll, describe, it } from 'vitest';
import { configArb, LIVENESS } from './arbitraries.js';
import { checkLiveness } from './checks.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('3-liveness'));

describe('property 3: liveness', () => {
  it('every waiter acquires within the bound once holders release and faults stop', async () => {
    await assertSim(configArb(LIVENESS), checkLiveness, runs(250));
  });
});
