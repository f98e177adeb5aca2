/**
 * Short in `npm test`, long in `npm run soak`: the reliability suites size their runs with these
 * helpers and hand their figures to `recordFigures`, which scripts/soak.mjs collects.
 *
 *   SOAK_MINUTES         set by scripts/soak.mjs: the whole soak's length; each suite takes a share
 *   RELIABILITY_RESULTS  directory where each suite writes `<suite>.json` with its figures
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Minutes of the soak run, or undefined in a normal test run. */
export function soakMinutes(): number | undefined {
  const raw = process.env.SOAK_MINUTES;
  if (raw === undefined || raw === '') return undefined;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new Error(`SOAK_MINUTES must be a positive number, got '${raw}'`);
  return minutes;
}

/** `shortMs` in a test run; `share` of the soak's length in a soak (never less than `shortMs`). */
export function runLengthMs(shortMs: number, share: number): number {
  const minutes = soakMinutes();
  return minutes === undefined ? shortMs : Math.max(shortMs, Math.round(minutes * 60_000 * share));
}

/** True in a soak run. */
export const soaking = (): boolean => soakMinutes() !== undefined;

/** Prints a suite's figures and, when RELIABILITY_RESULTS names a directory, writes them there. */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = process.env.RELIABILITY_RESULTS;
  console.log(`[reliability] ${suite}: ${JSON.stringify(figures)}`);
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify({ suite, ...figures }, null, 2)}\n`);
}
