/**
 * The critical-section log of the reliability suites and its checker.
 *
 * Contender processes append one line per event to a shared file (O_APPEND writes of one short line
 * are atomic, so the file's order is the order in which things happened):
 *
 *   enter <lock> <pid> <mode> <token|->   the process entered the critical section of <lock>
 *   exit <lock> <pid>                      it left (released, or learnt that the lock was lost)
 *   died <pid>                             the test saw the process end (SIGKILL: it left every lock)
 *
 * The checker replays the file and reports every entry while a conflicting holder of the same lock
 * was inside, and every exclusive entry whose fencing token is not above all earlier ones.
 */
import { readFileSync } from 'node:fs';

/** What a replay of the log found. */
export interface LockLogReport {
  /** `enter` lines. */
  entries: number;
  /** Exclusive and shared entries. */
  byMode: { exclusive: number; shared: number };
  /** One line per conflicting overlap; empty when the log is safe. */
  overlaps: string[];
  /** One line per exclusive entry whose token did not rise (per lock). */
  tokenViolations: string[];
  /** Distinct locks seen. */
  locks: number;
  /** Lines that are not in the format (a torn write would show here). */
  malformed: string[];
}

/** Replays log lines; see the module comment for the format. */
export function checkLockLog(lines: readonly string[]): LockLogReport {
  const inside = new Map<string, Map<string, string>>(); // lock → pid → mode
  const highest = new Map<string, number>();
  const report: LockLogReport = {
    entries: 0,
    byMode: { exclusive: 0, shared: 0 },
    overlaps: [],
    tokenViolations: [],
    locks: 0,
    malformed: [],
  };
  const seen = new Set<string>();
  for (const line of lines) {
    if (line === '') continue;
    const [kind, a, b, c, d] = line.split(' ');
    if (kind === 'enter' && a && b && (c === 'exclusive' || c === 'shared') && d) {
      const lock = a;
      const pid = b;
      const mode = c;
      seen.add(lock);
      report.entries++;
      report.byMode[mode]++;
      const holders = inside.get(lock) ?? new Map<string, string>();
      inside.set(lock, holders);
      for (const [other, otherMode] of holders) {
        if (other !== pid && (mode === 'exclusive' || otherMode === 'exclusive')) {
          report.overlaps.push(`${lock}: ${pid} (${mode}) entered while ${other} (${otherMode}) was inside`);
        }
      }
      holders.set(pid, mode);
      if (mode === 'exclusive') {
        const token = Number(d);
        const before = highest.get(lock) ?? 0;
        if (!Number.isSafeInteger(token) || token <= before) {
          report.tokenViolations.push(`${lock}: ${pid} entered with token ${d} after token ${before}`);
        } else highest.set(lock, token);
      }
    } else if (kind === 'exit' && a && b && c === undefined) {
      inside.get(a)?.delete(b);
    } else if (kind === 'died' && a && b === undefined) {
      for (const holders of inside.values()) holders.delete(a);
    } else {
      report.malformed.push(line);
    }
  }
  report.locks = seen.size;
  return report;
}

/** Reads and checks a log file (an absent file is an empty log). */
export function checkLockLogFile(path: string): LockLogReport {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return checkLockLog(text.split('\n'));
}
