// The conditional strategy (src/lock/conditional/) on the simulated store whose create-only puts
// are atomic, within the assumptions: safety (property 1), fencing with pauses up to three leases
// (property 2) and liveness (property 3), with crashes, pauses, 503s, lost responses and retries,
// stale listings of every mode, versioned or not, and turn collection (checkpoints every 3 turns,
// the shortest retention the argument allows, see config.ts).
//
// Teeth: the same cases on a store whose create-only check reads a stale view ("racy": two
// writers can win one turn) must break safety — the store the qualification race refuses.
import { afterAll, describe, expect, it } from 'vitest';
import { type CaseShape, CLEANUP, configArb, FENCING, LIVENESS, legacy, SAFETY } from './arbitraries.js';
import { checkConditionalCleanup, checkFencing, checkLiveness, checkSafety } from './checks.js';
import type { SimConfig } from './config.js';
import { assertSim, runs, saveStats } from './harness.js';
import { expectCounterexample } from './mutants.js';
import type { SimResult } from './world.js';

afterAll(() => saveStats('9-conditional'));

const atomic = (shape: CaseShape): CaseShape => ({
  ...shape,
  storeMap: (s) => ({ ...s, conditionalPut: 'atomic' }),
});
const conditional = (c: SimConfig): SimConfig => ({ ...c, strategy: 'conditional' });

describe('conditional strategy', () => {
  it('property 1: no two conflicting holders at any instant (turns collected along the way)', async () => {
    let collected = 0;
    const counting = (r: SimResult) => {
      collected += r.turnsCollected;
      return checkSafety(r);
    };
    await assertSim(configArb(atomic(SAFETY)).map(conditional), counting, runs(200));
    // the cases exercise collection, not only the queue
    expect(collected).toBeGreaterThan(0);
    console.log(`[sim] conditional safety: ${collected} turns collected`);
  });

  it('property 2: tokens rise in acquisition order, the fenced resource takes no stale write', async () => {
    await assertSim(configArb(atomic(FENCING)).map(conditional), checkFencing, runs(120));
  });

  it('property 3: every waiter acquires within the bound once faults stop', async () => {
    await assertSim(configArb(atomic(LIVENESS)).map(conditional), checkLiveness, runs(120));
  });

  it('property 4: nothing left behind once the janitor let the retention pass and collected', async () => {
    // no orphan done marker either: K26 (a collector that stopped after a turn's delete) and K29 (a
    // contender paused past the retention ending a turn collected meanwhile) are fixed
    await assertSim(configArb(atomic(CLEANUP)).map(conditional), checkConditionalCleanup, runs(80));
  });

  it('mutant: on a store whose create-only writes are not atomic, safety fails', async () => {
    await expectCounterexample(
      'racy-conditional-put',
      {
        ...legacy(SAFETY),
        crashes: false,
        pauses: false,
        requestFaults: false,
        minContenders: 3,
        storeMap: (s) => ({ ...s, conditionalPut: 'racy', staleP: 1, staleMs: Math.max(200, s.staleMs) }),
      },
      checkSafety,
      (c) => ({
        ...conditional(c),
        contenders: c.contenders.map((x) => ({
          ...x,
          steps: x.steps.map((st) => ({ ...st, gapMs: 0, holdMs: 2000 })),
        })),
      }),
    );
  });
});
