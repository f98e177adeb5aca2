/**
 * The lock core's I/O: listing tickets and leases, writing tickets, deleting exact versions.
 * Thin shells over `ObjectStore`; every decision is made by the pure modules.
 *
 * @module
 */
import { TicketLostError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';
import { type ListedLease, type ListingTimes, parseLeases } from './lease-observer.js';
import { type LockKeys, type TicketSeq, ticketKey } from './names.js';
import type { LockRuntime } from './runtime.js';
import {
  type ListingEntry,
  type LockMode,
  parseTickets,
  TICKET_BODY,
  type Ticket,
  type TicketPin,
} from './ticket.js';

/** One listed object version to delete (versionId undefined: the key as a whole). */
export interface ObjectRef {
  key: string;
  versionId: string | undefined;
}

/**
 * Lists everything under `prefix`: all versions where the store lists versions (callers skip
 * non-latest ones and delete markers), else the current objects.
 */
export async function listEntries(
  store: ObjectStore,
  prefix: string,
  signal?: AbortSignal,
): Promise<ListingEntry[]> {
  const entries: ListingEntry[] = [];
  if (store.capabilities.listVersions) {
    for await (const v of store.listObjectVersions({ prefix, signal })) entries.push(v);
  } else {
    for await (const o of store.listObjects({ prefix, signal })) entries.push(o);
  }
  return entries;
}

/** The tickets of a lock as one listing shows them. */
export async function listTickets(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
): Promise<Map<string, Ticket>> {
  return parseTickets(keys, await listEntries(store, keys.ticketPrefix, signal));
}

/** One contender's ticket (by listing only its own prefix: cheap however many others wait). */
export async function listOwnTicket(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  signal?: AbortSignal,
): Promise<{ ticket: Ticket | undefined; versions: ObjectRef[]; markers: ObjectRef[] }> {
  const entries = await listEntries(store, `${keys.ticketPrefix}${lockId}-`, signal);
  const ticket = parseTickets(keys, entries).get(lockId);
  const ref = (e: ListingEntry) => ({ key: e.key, versionId: e.versionId });
  const versions = entries.filter((e) => e.isDeleteMarker !== true).map(ref);
  const markers = entries.filter((e) => e.isDeleteMarker === true).map(ref);
  return { ticket, versions, markers };
}

/**
 * The lease objects of a lock, with when the listing was sent and when it arrived on `runtime`'s
 * monotonic clock (what a `LeaseObserver` needs: see lease-observer.ts).
 */
export async function listLeasesTimed(
  store: ObjectStore,
  keys: LockKeys,
  runtime: LockRuntime,
  signal?: AbortSignal,
): Promise<{ leases: Map<string, ListedLease>; times: ListingTimes }> {
  const sentMs = runtime.now();
  const leases = await listLeases(store, keys, signal);
  return { leases, times: { sentMs, receivedMs: runtime.now() } };
}

/** The lease objects of a lock (current versions only). */
export async function listLeases(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
): Promise<Map<string, ListedLease>> {
  const listed = [];
  for await (const o of store.listObjects({ prefix: keys.leasePrefix, signal })) listed.push(o);
  return parseLeases(keys, listed);
}

/** Writes of seq-1 tried before giving up on pinning it (each retried write is written again). */
const MAX_PIN_WRITES = 4;

/** Where ticket writes are recorded, for release to delete what may have landed (`OwnObjects`). */
export interface WriteRecorder {
  /** Before a PUT of `key`. */
  attempt(key: string): void;
  /** After a PUT of `key` answered, with the version it made and the attempts it took. */
  wrote(key: string, versionId: string | undefined, attempts: number | undefined): void;
  /** After a PUT of `key` failed (it may still have landed). */
  failed(key: string): void;
}

/**
 * Writes seq-0 then seq-1 of a ticket, recording each key in `own` before its PUT (a failed PUT may
 * still have landed) and each answer after it. Resolves with the pin of seq-1 (see `TicketPin`): on
 * a store that keeps versions, the version the last write made; elsewhere, if the write was retried
 * (so an earlier attempt may have landed too), it is written again, `settleDelayMs` later — more than
 * the timestamp granularity — until a write lands on its first attempt, and that write's timestamp,
 * read back by HEAD, is the pin: no earlier landing can show a timestamp that late.
 */
export async function writeTicket(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  mode: LockMode,
  own: WriteRecorder,
  options: { runtime: LockRuntime; settleDelayMs: number; signal?: AbortSignal | undefined },
): Promise<TicketPin> {
  const { signal } = options;
  const write = async (seq: TicketSeq) => {
    const key = ticketKey(keys, lockId, seq);
    own.attempt(key);
    try {
      // plain puts: a duplicate from a retry is harmless (same body), release deletes every version
      const result = await store.putObject(key, TICKET_BODY[mode], { contentType: 'text/plain', signal });
      own.wrote(key, result.versionId, result.attempts);
      return result;
    } catch (error) {
      own.failed(key);
      throw error;
    }
  };
  await write(0);
  let last = await write(1);
  if (last.versionId !== undefined && last.versionId !== 'null') return { versionId: last.versionId };
  if ((last.attempts ?? 1) === 1) return {}; // one landing: listings show nothing else
  for (let writes = 1; (last.attempts ?? 1) > 1; writes++) {
    if (writes >= MAX_PIN_WRITES) {
      throw new TicketLostError(
        keys.name,
        lockId,
        `our ticket's writes kept needing retries (${writes} writes)`,
      );
    }
    await options.runtime.sleep(options.settleDelayMs, signal);
    last = await write(1);
  }
  const info = await store.headObject(ticketKey(keys, lockId, 1), { signal });
  return { notBeforeMs: info.lastModified.getTime() };
}

/** Deletes the given versions (or keys), all of them, in parallel. Rejects with the first failure after trying all. */
export async function deleteRefs(
  store: ObjectStore,
  refs: Iterable<ObjectRef>,
  signal?: AbortSignal,
): Promise<void> {
  const unique = new Map<string, ObjectRef>();
  for (const r of refs) unique.set(`${r.key}\u0000${r.versionId ?? ''}`, r);
  const results = await Promise.allSettled(
    [...unique.values()].map((r) =>
      store.deleteObject(r.key, r.versionId === undefined ? { signal } : { versionId: r.versionId, signal }),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Deletes another contender's ticket (every listed version, then its delete markers), then its lease. Tickets go first: a
 * crash in between leaves an orphan lease (harmless, collected by waiters), never a ticket without
 * a lease, which could only expire by the age gate.
 */
export async function deleteContender(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const own = await listOwnTicket(store, keys, lockId, options.signal);
  await deleteRefs(store, own.versions, options.signal);
  // then its delete markers (a contender that deleted a ticket key it never learnt the version of
  // leaves one, perhaps beneath a late landing of that write); after the versions, so that no
  // ticket reappears in between
  await deleteRefs(store, own.markers, options.signal);
  const lease = await listEntries(store, `${keys.leasePrefix}${lockId}.`, options.signal);
  await deleteRefs(
    store,
    lease.filter((e) => e.isDeleteMarker !== true).map((e) => ({ key: e.key, versionId: e.versionId })),
    options.signal,
  );
}
