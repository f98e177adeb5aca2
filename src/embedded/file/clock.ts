/**
 * Timestamps of `FileSession` writes: wall-clock milliseconds that never go backwards within a
 * process, so a write never lists as older than an earlier write of the same process, even if
 * the system clock is stepped back.
 *
 * @module
 */

let lastIssuedMs = 0;

/** The timestamp for a write committing now: `Date.now()`, or the previous one if that is later. */
export function nextTimestampMs(): number {
  lastIssuedMs = Math.max(lastIssuedMs, Date.now());
  return lastIssuedMs;
}
