// Property 2: fencing tokens strictly increase in the order exclusive holders acquired, and a
// fenced resource (accepts a token ≥ the highest seen) never accepts an older holder's write after a
// newer holder wrote — also with pauses up to three leases long, where property 1 does not hold.
import { afterAll, describe, it } from 'vitest';
import { configArb, FENCING } from './arbitraries.js';
import { checkFencing } from './checks.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('2-fencing'));

describe('property 2: fencing', () => {
  it('tokens strictly increase and the fenced resource never takes a stale write (pauses up to 3 leases)', async () => {
    await assertSim(configArb(FENCING), checkFencing, runs(250));
  });
});
