/**
 * Replaying a recorded counterexample (fast-check seed + path over a case arbitrary), or, with
 * `SIM_DISCOVER=1`, searching for one afresh and printing its seed and path (needed when an
 * arbitrary or the simulation changes).
 *
 * @module
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { describeResult } from './checks.js';
import type { SimConfig } from './config.js';
import { findCounterexample, runCase } from './harness.js';
import type { SimResult } from './world.js';

export interface KnownBug {
  arb: fc.Arbitrary<SimConfig>;
  check: (r: SimResult) => string[];
  seed: number;
  path: string;
  /** Cases a discovery may take (SIM_DISCOVER). @default 5000 */
  discoverRuns?: number | undefined;
}

/** Replays the recorded counterexample: the property must hold on it (the bug is fixed). */
export async function replay(name: string, bug: KnownBug): Promise<void> {
  if (process.env.SIM_DISCOVER) {
    const { failed, report } = await findCounterexample(bug.arb, bug.check, {
      numRuns: bug.discoverRuns ?? 5000,
      shrinkTimeLimitMs: Number(process.env.SIM_SHRINK_MS ?? 60_000),
    });
    console.log(`[${name}] ${report}`);
    expect(failed).toBe(true);
    return;
  }
  const config = await recordedCase(bug);
  const result = await runCase(config);
  expect(bug.check(result), describeResult(result)).toEqual([]);
}

/**
 * The case at the recorded seed and path. Not replayed through `fc.assert`: past a passing value on
 * a shrink path, fast-check goes on with every other shrink candidate of its level, which for cases
 * of thousands of turns takes many minutes.
 */
async function recordedCase(bug: KnownBug): Promise<SimConfig> {
  let found: SimConfig | undefined;
  const stop = new Error('recorded case found');
  await fc.check(
    fc.asyncProperty(bug.arb, async (config) => {
      found = config;
      throw stop;
    }),
    { seed: bug.seed, path: bug.path, endOnFailure: true },
  );
  if (found === undefined) throw new Error(`no case at seed ${bug.seed} path ${bug.path}`);
  return found;
}
