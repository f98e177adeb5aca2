/**
 * Looking at a lock from outside: who holds it, who waits, their leases; and breaking old tickets.
 *
 * @module
 */
import type { ObjectStore } from '../store/types.js';
import { breakOldTurns, inspectTurns } from './conditional/inspect-turns.js';
import { readMarker } from './conditional/marker.js';
import { LeaseObserver, type ListedLease, type ListingTimes } from './lease-observer.js';
import { type BreakOptions, type InspectOptions, leaseInfo, type TicketStatus } from './lock-status.js';
import {
  deleteContender,
  deleteRefs,
  listEntries,
  listLeases,
  listLeasesTimed,
  listTickets,
} from './lock-store.js';
import type { LockKeys } from './names.js';
import { evaluateElection } from './ticket/order.js';
import { describeTicket } from './ticket/ticket-core.js';
import type { ListingEntry } from './ticket.js';

/**
 * Inspects a lock: tickets oldest first, with lease state and who holds it; for a name of the
 * conditional strategy (its marker exists), the running turns in turn order.
 */
export async function inspectLock(
  store: ObjectStore,
  keys: LockKeys,
  options: InspectOptions = {},
): Promise<TicketStatus[]> {
  if (await readMarker(store, keys, options.signal)) return inspectTurns(store, keys, options);
  return inspectTickets(store, keys, options);
}

async function inspectTickets(
  store: ObjectStore,
  keys: LockKeys,
  options: InspectOptions = {},
): Promise<TicketStatus[]> {
  const [tickets, leases] = await Promise.all([
    listTickets(store, keys, options.signal),
    listLeases(store, keys, options.signal),
  ]);
  const now = options.wallNowMs ?? Date.now();
  const ordered = [...tickets.values()].sort(
    (a, b) => a.timestampMs - b.timestampMs || (a.lockId < b.lockId ? -1 : 1),
  );
  return Promise.all(
    ordered.map(async (ticket) => ({
      ...describeTicket(ticket, now),
      holding: evaluateElection(tickets, { lockId: ticket.lockId, mode: ticket.mode }).outcome === 'acquired',
      lease: await leaseInfo(store, leases.get(ticket.lockId), now, options),
    })),
  );
}

/**
 * Breaks the old contenders of `keys` (for a conditional-strategy name: see `breakOldTurns`) and
 * returns their lock ids. A ticket older than `olderThanMs` by its listing timestamp, except
 * `exceptLockId`'s, is broken only if it is dead by the waiters' own rule: its lease stays unchanged
 * for the lease's full duration on our monotonic clock, or it has no lease at all (Python s3func
 * tickets, remnants). A ticket's age says when its contender started, not whether it still lives, so
 * age alone never breaks a holder that renews its lease (finding T2 of issue 14). Leases as old that
 * belong to no ticket (a contender that died between writing its lease and its ticket, or between
 * deleting them) go by the same rule.
 */
export async function breakOldTickets(
  store: ObjectStore,
  keys: LockKeys,
  options: BreakOptions,
): Promise<string[]> {
  if (await readMarker(store, keys, options.signal)) return breakOldTurns(store, keys, options);
  return breakTickets(store, keys, options);
}

async function breakTickets(store: ObjectStore, keys: LockKeys, options: BreakOptions): Promise<string[]> {
  const { runtime, signal } = options;
  const [tickets, first] = await Promise.all([
    listTickets(store, keys, signal),
    listLeasesTimed(store, keys, runtime, signal),
  ]);
  const old = (ms: number) => options.wallNowMs - ms > options.olderThanMs;
  const candidates = [
    ...[...tickets.values()].filter((t) => t.lockId !== options.exceptLockId && old(t.timestampMs)),
    ...[...first.leases.values()].filter(
      (l) => !tickets.has(l.lockId) && l.lockId !== options.exceptLockId && old(l.lastModified.getTime()),
    ),
  ].map((c) => c.lockId);
  const dead = await deadAfterWatching(store, keys, candidates, first, options);
  for (const id of dead) await deleteContender(store, keys, id, { signal });
  await deleteStrayMarkers(store, keys.ticketPrefix, old, signal);
  return dead;
}

/**
 * Of `candidates`, those dead by the waiters' rule: watched from the listing `first` for as long as
 * their leases last, then listed again. Dead: the lease stood unchanged for its full duration on our
 * clock, or it was missing from both listings, which lie at least `staleMs` apart (a contender
 * writes its lease before its ticket, so a live one's lease shows once the listing is that fresh).
 */
async function deadAfterWatching(
  store: ObjectStore,
  keys: LockKeys,
  candidates: readonly string[],
  first: { leases: Map<string, ListedLease>; times: ListingTimes },
  options: BreakOptions,
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const { runtime, signal } = options;
  const observer = new LeaseObserver();
  observer.observe(first.leases, first.times);
  const watchMs = Math.max(options.staleMs, ...candidates.map((id) => first.leases.get(id)?.leaseMs ?? 0));
  await runtime.sleep(watchMs, signal);
  const second = await listLeasesTimed(store, keys, runtime, signal);
  observer.observe(second.leases, second.times);
  return candidates.filter((id) => {
    const before = first.leases.has(id);
    const after = second.leases.has(id);
    if (!before && !after) return true; // no lease: dead, or a contender that never had one
    return before && after && observer.state(id) === 'expired';
  });
}

/**
 * Deletes hidden leftovers: keys under `prefix` whose latest version is a delete marker, every
 * version of them old enough. A contender that deleted a ticket by key on a versioned bucket
 * (Python s3func does, when a PUT failed and it never learnt the version) leaves a marker, perhaps
 * over the version its failed PUT wrote after all. The versions beneath go first, then the markers,
 * so no ticket reappears in between.
 */
async function deleteStrayMarkers(
  store: ObjectStore,
  prefix: string,
  old: (ms: number) => boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!store.capabilities.listVersions) return;
  const byKey = new Map<string, ListingEntry[]>();
  for (const e of await listEntries(store, prefix, signal))
    byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  const hidden = [...byKey.values()].filter(
    (versions) =>
      versions.some((v) => v.isLatest === true && v.isDeleteMarker === true) &&
      versions.every((v) => old(v.lastModified.getTime())),
  );
  const ref = (v: ListingEntry) => ({ key: v.key, versionId: v.versionId });
  await deleteRefs(
    store,
    hidden
      .flat()
      .filter((v) => v.isDeleteMarker !== true)
      .map(ref),
    signal,
  );
  await deleteRefs(
    store,
    hidden
      .flat()
      .filter((v) => v.isDeleteMarker === true)
      .map(ref),
    signal,
  );
}
