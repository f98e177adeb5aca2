/**
 * A conditional-strategy lock seen from outside: the turns that are not over, lowest first, who
 * holds (by the entry rule on what the listings show) and their leases.
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import type { LeaseInfo, TicketStatus } from '../inspect.js';
import { listLeases } from '../lock-store.js';
import type { LockKeys } from '../names.js';
import { headTurn, listQueue } from './turn-store.js';

/** The running turns of `keys` (see the module). Listings are hints: a status, never a decision. */
export async function inspectTurns(
  store: ObjectStore,
  keys: LockKeys,
  options: {
    readOwners?: boolean | undefined;
    signal?: AbortSignal | undefined;
    wallNowMs?: number | undefined;
  } = {},
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
    let leaseInfo: LeaseInfo | undefined;
    if (lease) {
      leaseInfo = {
        leaseMs: lease.leaseMs,
        lastModified: lease.lastModified,
        stale: now - lease.lastModified.getTime() > lease.leaseMs,
      };
      if (options.readOwners) {
        try {
          const body = await (await store.getObject(lease.key, { signal: options.signal })).json<{
            owner?: unknown;
            value?: unknown;
          }>();
          if (typeof body.owner === 'string') leaseInfo.owner = body.owner;
          if (body.value !== undefined) leaseInfo.value = body.value;
        } catch {
          // released meanwhile
        }
      }
    }
    out.push({
      lockId: facts.lockId ?? `turn ${turn}`,
      mode: facts.mode,
      recognised: facts.lockId !== undefined,
      complete: true,
      timestamp: listed.lastModified,
      ageMs: Math.max(0, now - listed.lastModified.getTime()),
      holding,
      lease: leaseInfo,
      turn,
    });
  }
  return out;
}
