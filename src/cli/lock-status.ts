/**
 * `s3func lock status <name>`, `s3func lock break <name>` and `s3func lock reset <name>`.
 *
 * @module
 */
import type { TicketStatus } from '../lock/lock-status.js';
import { formatDuration } from './durations.js';
import { type CliIo, line } from './io.js';
import type { CliSession } from './store-url.js';

/** Prints the tickets of a lock as a table (or JSON). */
export async function lockStatus(
  session: CliSession,
  name: string,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const tickets = await session.lockStatus(name, { readOwners: true });
  if (json) {
    line(io.stdout, JSON.stringify({ name, tickets }, null, 2));
    return 0;
  }
  if (tickets.length === 0) {
    line(io.stdout, `lock ${JSON.stringify(name)} is free (no tickets)`);
    return 0;
  }
  const rows = [['ID', 'MODE', 'STATE', 'AGE', 'LEASE', 'HOLDER'], ...tickets.map(row)];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows)
    line(
      io.stdout,
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  return 0;
}

function row(t: TicketStatus): string[] {
  const lease = t.lease
    ? `${formatDuration(t.lease.leaseMs)}${t.lease.stale ? ' (stale)' : ''}`
    : 'none (age gate only)';
  const state = t.holding ? 'holding' : t.complete ? 'waiting' : 'writing';
  return [
    t.lockId,
    t.recognised ? t.mode : `${t.mode}?`,
    state,
    formatDuration(t.ageMs),
    lease,
    t.lease?.owner ?? '-',
  ];
}

/** Breaks tickets older than `olderThanMs`; prints what was broken. */
export async function lockBreak(
  session: CliSession,
  name: string,
  olderThanMs: number,
  io: CliIo,
): Promise<number> {
  const broken = await session.breakLocks(name, { olderThanMs });
  if (broken.length === 0)
    line(
      io.stdout,
      `no dead contender of ${JSON.stringify(name)} is older than ${formatDuration(olderThanMs)}`,
    );
  for (const id of broken) line(io.stdout, `broke ${id}`);
  return 0;
}

/** Gives a conditional-strategy lock back to tickets; prints what it did. */
export async function lockReset(session: CliSession, name: string, io: CliIo): Promise<number> {
  const result = await session.resetLock(name);
  if (!result.reset)
    line(io.stdout, `lock ${JSON.stringify(name)} is not a conditional-strategy lock: nothing to reset`);
  else
    line(
      io.stdout,
      `reset ${JSON.stringify(name)}: ${result.deleted} object(s) deleted; ticket tokens continue above ${result.tokenFloor}`,
    );
  return 0;
}
