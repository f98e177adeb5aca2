import fc from 'fast-check';
import { it } from 'vitest';
import {
  type CaseShape,
  CLEANUP,
  configArb,
  FENCING,
  LIVENESS,
  MIXED,
  mixedCleanupArb,
  SAFETY,
} from './arbitraries.js';
import {
  checkCleanup,
  checkConditionalCleanup,
  checkFencing,
  checkLiveness,
  checkSafety,
  describeResult,
} from './checks.js';
import type { SimConfig } from './config.js';
import { SNAPSHOTS_OF_ANY_AGE } from './shapes.js';
import { type SimResult, simulate } from './world.js';

const atomic = (shape: CaseShape): CaseShape => ({
  ...shape,
  storeMap: (s) => ({ ...s, conditionalPut: 'atomic' }),
});
const cond = (c: SimConfig): SimConfig => ({ ...c, strategy: 'conditional' });
const props: Record<string, [fc.Arbitrary<SimConfig>, (r: SimResult) => string[]]> = {
  safety: [configArb(SAFETY), checkSafety],
  snap: [configArb(SNAPSHOTS_OF_ANY_AGE), checkSafety],
  fencing: [configArb(FENCING), checkFencing],
  liveness: [configArb(LIVENESS), checkLiveness],
  cleanup: [configArb(CLEANUP), (r) => checkCleanup(r)],
  mixed: [configArb(MIXED), checkSafety],
  mixedCleanup: [mixedCleanupArb(), (r) => checkCleanup(r)],
  cSafety: [configArb(atomic(SAFETY)).map(cond), checkSafety],
  cFencing: [configArb(atomic(FENCING)).map(cond), checkFencing],
  cLiveness: [configArb(atomic(LIVENESS)).map(cond), checkLiveness],
  cCleanup: [configArb(atomic(CLEANUP)).map(cond), checkConditionalCleanup],
};

it('survey', async () => {
  for (const name of (process.env.WHICH ?? Object.keys(props).join(',')).split(',')) {
    const [arb, check] = props[name]!;
    const cases = fc.sample(arb, {
      seed: Number(process.env.SEED ?? 5),
      numRuns: Number(process.env.N ?? 100),
    });
    const t0 = performance.now();
    let bad = 0;
    for (const [i, c] of cases.entries()) {
      const r = await simulate(c);
      const v = check(r);
      if (v.length) {
        bad++;
        if (bad <= Number(process.env.SHOW ?? 1))
          console.log(`[${name} #${i}]`, v.slice(0, 3).join('\n'), '\n', describeResult(r));
      }
    }
    console.log(
      `== ${name}: ${bad} of ${cases.length} bad, ${((performance.now() - t0) / cases.length).toFixed(1)} ms/case`,
    );
  }
}, 3_600_000);
