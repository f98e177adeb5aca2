// Property 5: contenders following Python s3func 0.9.x's rules (no lease, same tickets, same
// election) and TypeScript contenders on the same lock stay safe together.
import { afterAll, describe, it } from 'vitest';
import { configArb, MIXED } from './arbitraries.js';
import { checkSafety } from './checks.js';
import { assertSim, runs, saveStats } from './harness.js';

afterAll(() => saveStats('5-mixed'));

describe('property 5: mixed Python-rule and TypeScript contenders', () => {
  it('no two conflicting holders at any instant', async () => {
    await assertSim(configArb(MIXED), checkSafety, runs(250));
  });
});
