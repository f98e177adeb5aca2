/**
 * What every mutant test does: search the case shape for a counterexample to `check`, print it,
 * and fail if none is found.
 *
 * @module
 */
import { expect } from 'vitest';
import { type CaseShape, configArb } from './arbitraries.js';
import type { SimConfig } from './config.js';
import { findCounterexample } from './harness.js';
import type { SimResult } from './world.js';

/** Cases a mutant may take to be caught, and time to shrink the counterexample. */
const SEARCH = { numRuns: 2000, shrinkTimeLimitMs: Number(process.env.SIM_SHRINK_MS ?? 8_000) };

export async function expectCounterexample(
  name: string,
  shape: CaseShape,
  check: (result: SimResult) => string[],
  tweak: (c: SimConfig) => SimConfig = (c) => c,
): Promise<void> {
  const { failed, report } = await findCounterexample(configArb(shape).map(tweak), check, SEARCH);
  console.log(`[mutant ${name}] ${report}`);
  expect(failed, `${name}: no counterexample found`).toBe(true);
}
