/**
 * A conditional-strategy lock seen from outside: the turns that are not over, lowest first, who
 * holds (by the entry rule on what the listings show) and their leases.
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import { type BreakOptions, type InspectOptions, leaseInfo, type TicketStatus } from '../inspect.js';
import { deleteRefs, listLeases } from '../lock-store.js';
import type { LockKeys } from '../names.js';
import { createDone, headTurn, listQueue } from './turn-store.js';

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
 * `breakLocks` for a conditional-strategy name: ends the running turns whose lease object is
 * missing or unchanged for longer than `olderThanMs` (never sooner than twice the turn's own lease:
 * a live contender rewrites it every third of one), with a done marker saying so, and deletes lease
 * objects as old that belong to no running turn (a release whose lease delete failed, a contender
 * that died between its lease and its turn). Ages are judged on the store's timestamps against our
 * wall clock. Returns the lock ids whose turns or leases were removed.
 */
export async function breakOldTurns(
  store: ObjectStore,
  keys: LockKeys,
  options: BreakOptions,
): Promise<string[]> {
  const { signal } = options;
  const [queue, leases] = await Promise.all([
    listQueue(store, keys, 1, Number.MAX_SAFE_INTEGER, signal),
    listLeases(store, keys, signal),
  ]);
  const old = (d: Date, leaseMs: number) =>
    options.wallNowMs - d.getTime() > Math.max(options.olderThanMs, 2 * leaseMs);
  const running = new Set<string>();
  const broken: string[] = [];
  for (const [turn, listed] of queue.turns) {
    if (queue.done.has(turn)) continue;
    const facts = await headTurn(store, keys, turn, signal);
    if (!facts?.lockId || facts.lockId === options.exceptLockId) continue;
    const lease = leases.get(facts.lockId);
    const leaseMs = facts.leaseMs ?? 0;
    const dead = lease ? old(lease.lastModified, leaseMs) : old(listed.lastModified, leaseMs);
    if (!dead) {
      running.add(facts.lockId);
      continue;
    }
    await createDone(store, keys, turn, { floor: 0, entered: false, broken: true, by: 'breakLocks' }, signal);
    if (lease) await deleteRefs(store, [{ key: lease.key, versionId: undefined }], signal);
    broken.push(facts.lockId);
  }
  for (const lease of leases.values()) {
    if (running.has(lease.lockId) || broken.includes(lease.lockId) || lease.lockId === options.exceptLockId)
      continue;
    if (!old(lease.lastModified, lease.leaseMs)) continue;
    await deleteRefs(store, [{ key: lease.key, versionId: undefined }], signal);
    broken.push(lease.lockId);
  }
  return broken;
}
