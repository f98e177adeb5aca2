/**
 * Replaying a recorded counterexample (fast-check seed + path over a case arbitrary), or, with
 * `SIM_DISCOVER=1`, searching for one afresh and printing its seed and path (needed when an
 * arbitrary or the simulation changes).
 *
 * @module
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { SimConfig } from './config.js';
import { findCounterexample, simProperty } from './harness.js';
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
  await fc.assert(simProperty(bug.arb, bug.check), { seed: bug.seed, path: bug.path, endOnFailure: true });
}
