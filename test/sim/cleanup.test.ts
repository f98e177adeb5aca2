// Property 4: after every contender released (or crashed), a janitor acquires and releases the lock
// (breaking crashed holders once their lease expired; Python tickets only by the 2 h age gate) and
// nothing is left under `{name}.lock.` or `{name}.lease.`.
import { afterAll, describe, it } from 'vitest';
import { CLEANUP, configArb, mixedCleanupArb } from './arbitraries.js';
import { checkCleanup } from './checks.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('4-cleanup'));

describe('property 4: cleanup', () => {
  it('nothing is left behind once everyone released and dead holders were broken ', async () => {
    await assertSim(configArb(CLEANUP), (r) => checkCleanup(r), runs(200));
  });

  it('… also with Python-rule contenders, whose crashed tickets go by the 2 h age gate', async () => {
    await assertSim(mixedCleanupArb(), (r) => checkCleanup(r), runs(100));
  });
});
