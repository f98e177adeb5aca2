/**
 * Running simulation properties with fast-check: case counts, replay from `SIM_SEED`/`SIM_PATH`,
 * readable failures, and the per-file statistics the project's global teardown sums up.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { inject } from 'vitest';
import { describeResult } from './checks.js';
import type { SimConfig } from './config.js';
import { US } from './scheduler.js';
import { type SimResult, simulate } from './world.js';

const stats = { cases: 0, virtualMs: 0, wallMs: 0 };

/** Runs one case and counts it. */
export async function runCase(config: SimConfig): Promise<SimResult> {
  const started = performance.now();
  const result = await simulate(config);
  stats.cases++;
  // the janitor's 2 h wait for the age gate is one timer: it is not counted as time covered
  stats.virtualMs += result.endUs / US - result.ageGateWaitMs;
  stats.wallMs += performance.now() - started;
  return result;
}

/** Writes this file's statistics for the global teardown (call from `afterAll`). */
export async function saveStats(name: string): Promise<void> {
  const dir = inject('simStatsDir');
  await writeFile(join(dir, `${name}.json`), JSON.stringify({ name, ...stats }));
}

/** Case count of a property: `SIM_RUNS` when set (the long `npm run sim`), else `defaultRuns`. */
export function runs(defaultRuns: number): number {
  const env = process.env.SIM_RUNS;
  return env === undefined || env === '' ? defaultRuns : Number(env);
}

/** fast-check parameters: replay from `SIM_SEED` (and `SIM_PATH`) when given. */
export function replayParams(): { seed?: number; path?: string } {
  const seed = process.env.SIM_SEED;
  const path = process.env.SIM_PATH;
  return {
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

/** A property: simulate the case, fail with the violations and the case's trace. */
export function simProperty(
  arb: fc.Arbitrary<SimConfig>,
  check: (result: SimResult) => string[],
): fc.IAsyncPropertyWithHooks<[SimConfig]> {
  return fc.asyncProperty(arb, async (config) => {
    const result = await runCase(config);
    const violations = check(result);
    if (violations.length > 0) {
      throw new Error(`${violations.slice(0, 8).join('\n')}\n--- trace ---\n${describeResult(result)}`);
    }
  });
}

/**
 * Asserts a property over `numRuns` cases; a failure prints the shrunk case, its trace, seed and
 * path. `noShrink` reports the first failing case as it is: for cases of thousands of turns, where
 * shrinking would try dozens of cases of tens of seconds each and outlast the test's timeout.
 */
export async function assertSim(
  arb: fc.Arbitrary<SimConfig>,
  check: (result: SimResult) => string[],
  numRuns: number,
  options: { noShrink?: boolean } = {},
): Promise<void> {
  await fc.assert(simProperty(arb, check), {
    numRuns,
    ...(options.noShrink ? { endOnFailure: true } : {}),
    ...replayParams(),
  });
}

/**
 * For mutants: checks that fast-check finds a counterexample within `numRuns` cases (a count, so the
 * verdict does not depend on the machine's load), then shrinks it for at most `shrinkTimeLimitMs`,
 * and returns the report (shrunk case, seed, path) to print.
 */
export async function findCounterexample(
  arb: fc.Arbitrary<SimConfig>,
  check: (result: SimResult) => string[],
  options: {
    numRuns: number;
    shrinkTimeLimitMs?: number;
    /** A fixed seed, and the case to start from (`SIM_SEED`/`SIM_PATH` override both). */
    seed?: number | undefined;
    from?: number | undefined;
  },
): Promise<{ failed: boolean; report: string }> {
  const property = simProperty(arb, check);
  const fixed = {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.from ? { path: String(options.from) } : {}),
  };
  const found = await fc.check(property, {
    numRuns: options.numRuns,
    ...fixed,
    ...replayParams(),
    endOnFailure: true,
  });
  if (!found.failed) return { failed: false, report: `no counterexample in ${found.numRuns} cases` };
  // shrink from the failing case (replaying its path), within the time limit
  const shrunk = await fc.check(property, {
    seed: found.seed,
    path: found.counterexamplePath ?? '0',
    ...(options.shrinkTimeLimitMs === undefined
      ? {}
      : { interruptAfterTimeLimit: options.shrinkTimeLimitMs }),
  });
  const details = shrunk.failed ? shrunk : found;
  const report =
    `counterexample after ${found.numRuns} cases, shrunk ${details.numShrinks} times; ` +
    `replay: SIM_SEED=${details.seed} SIM_PATH="${details.counterexamplePath}"\n` +
    `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`;
  return { failed: true, report };
}
