/**
 * A conditional-strategy lock seen from outside: the turns that are not over, lowest first, who
 * holds (by the entry rule on what the listings show) and their leases.
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import { LeaseObserver, type ListedLease } from '../lease-observer.js';
import { type BreakOptions, type InspectOptions, leaseInfo, type TicketStatus } from '../lock-status.js';
import { deleteRefs, listLeases, listLeasesTimed } from '../lock-store.js';
import type { LockKeys } from '../names.js';
import { LeaseWatch } from './lease-watch.js';
import { createDoneOfLiveTurn, headTurn, listQueue, type TurnInfo } from './turn-store.js';

/** The running turns of `keys` (see the module). Listings are hints: a status, never a decision. */
export async function inspectTurns(
  store: ObjectStore,
  keys: LockKeys,
  options: InspectOptions = {},
): Promise<TicketStatus[]> {
  const [queue, leases] = await Promise.all([
    listQueue(store, keys, 1, Number.MAX_SAFE_INTEGER, options.signal),
    listLeases(store, keys, options.signal),
  ]);
  const now = options.wallNowMs ?? Date.now();
  const running = [...queue.turns].filter(([n]) => !queue.done.has(n)).sort(([a], [b]) => a - b);
  let exclusiveBefore = false;
  let anyBefore = false;
  const out: TicketStatus[] = [];
  for (const [turn, listed] of running) {
    const facts = await headTurn(store, keys, turn, options.signal);
    if (!facts) continue; // collected meanwhile
    const holding = facts.mode === 'exclusive' ? !anyBefore : !exclusiveBefore;
    anyBefore = true;
    if (facts.mode === 'exclusive') exclusiveBefore = true;
    const lease = facts.lockId === undefined ? undefined : leases.get(facts.lockId);
    out.push({
      lockId: facts.lockId ?? `turn ${turn}`,
      mode: facts.mode,
      recognised: facts.lockId !== undefined,
      complete: true,
      timestamp: listed.lastModified,
      ageMs: Math.max(0, now - listed.lastModified.getTime()),
      holding,
      lease: await leaseInfo(store, lease, now, options),
      turn,
    });
  }
  return out;
}

/**
 * `breakLocks` for a conditional-strategy name: ends the running turns older than `olderThanMs`
 * (by the turn's listing timestamp) whose contender is dead by the waiters' rule — its lease, read
 * by HEAD, stays unchanged (or missing) for the lease's full duration on our monotonic clock while
 * this call watches it — with a done marker saying so, and deletes their leases; and deletes lease
 * objects as old that belong to no running turn (a release whose lease delete failed, a contender
 * that died between its lease and its turn) once they stand unchanged as long. A turn whose lease
 * is renewed is never ended, however old (findings T2 and C4 of issue 14). Returns the lock ids
 * whose turns or leases were removed.
 */
export async function breakOldTurns(
  store: ObjectStore,
  keys: LockKeys,
  options: BreakOptions,
): Promise<string[]> {
  const { signal, runtime } = options;
  const [queue, first] = await Promise.all([
    listQueue(store, keys, 1, Number.MAX_SAFE_INTEGER, signal),
    listLeasesTimed(store, keys, runtime, signal),
  ]);
  const old = (d: Date) => options.wallNowMs - d.getTime() > options.olderThanMs;
  const running = new Set<string>();
  const candidates: TurnInfo[] = [];
  for (const [turn, listed] of queue.turns) {
    if (queue.done.has(turn)) continue;
    const facts = await headTurn(store, keys, turn, signal);
    if (!facts?.lockId) continue; // collected meanwhile, or not written by s3func: never broken
    running.add(facts.lockId);
    if (facts.lockId !== options.exceptLockId && old(listed.lastModified)) candidates.push(facts);
  }
  const orphans = [...first.leases.values()].filter(
    (l) => !running.has(l.lockId) && l.lockId !== options.exceptLockId && old(l.lastModified),
  );
  if (candidates.length === 0 && orphans.length === 0) return [];

  const watch = new LeaseWatch();
  const observer = new LeaseObserver();
  await Promise.all(candidates.map((f) => watch.expired(store, keys, f, runtime, signal as AbortSignal)));
  observer.observe(first.leases, first.times);
  await runtime.sleep(
    Math.max(options.staleMs, ...candidates.map((f) => f.leaseMs ?? 0), ...orphans.map((l) => l.leaseMs)),
    signal,
  );
  const [verdicts, second] = await Promise.all([
    Promise.all(candidates.map((f) => watch.expired(store, keys, f, runtime, signal as AbortSignal))),
    listLeasesTimed(store, keys, runtime, signal),
  ]);
  observer.observe(second.leases, second.times);

  const broken: string[] = [];
  for (const [i, facts] of candidates.entries()) {
    if (!verdicts[i]) continue;
    const lockId = facts.lockId as string;
    const ended = await createDoneOfLiveTurn(
      store,
      keys,
      facts.turn,
      { floor: 0, entered: false, broken: true, by: 'breakLocks' },
      signal,
    );
    if (!ended) continue; // it ended meanwhile (released, or broken by a waiter; or collected since)
    await deleteRefs(store, leaseRefs(second.leases.get(lockId) ?? first.leases.get(lockId)), signal);
    broken.push(lockId);
  }
  for (const lease of orphans) {
    if (!second.leases.has(lease.lockId) || observer.state(lease.lockId) !== 'expired') continue;
    await deleteRefs(store, leaseRefs(lease), signal);
    broken.push(lease.lockId);
  }
  return broken;
}

/** Every lease key a listing showed for one contender. */
function leaseRefs(lease: ListedLease | undefined): { key: string; versionId: undefined }[] {
  return (lease?.keys ?? []).map((key) => ({ key, versionId: undefined }));
}
