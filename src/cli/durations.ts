/**
 * Durations on the command line: `500ms`, `30s`, `5m`, `2h`, `1d`; a bare number means seconds.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/** Parses a duration into milliseconds; `ConfigError` naming the option otherwise. */
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text.trim());
  if (!match)
    throw new ConfigError(
      `${option}: ${JSON.stringify(text)} is not a duration (e.g. 500ms, 30s, 5m, 2h)`,
      option,
    );
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] as number));
}

/** Formats milliseconds for people: `850 ms`, `12.3 s`, `4 m 05 s`, `2 h 03 m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}
