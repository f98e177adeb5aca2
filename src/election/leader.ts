/**
 * Reading who leads an election: the ticket that wins the election on a fresh listing, the value
 * its lease publishes, and its fencing token.
 *
 * @module
 */
import { readMarker } from '../lock/conditional/marker.js';
import { listFenceTokens } from '../lock/fencing.js';
import { inspectLock } from '../lock/inspect.js';
import { fenceKey, type LockKeys } from '../lock/names.js';
import type { ObjectStore } from '../store/types.js';

/** The leader of an election as the store shows it. */
export interface LeaderInfo {
  lockId: string;
  /** The value the leader published (`value` option), if any. */
  value: unknown;
  /** Who leads (host:pid or the `owner` option), when known. */
  owner: string | undefined;
  /** The leader's fencing token, once it has written it. */
  fencingToken: number | undefined;
  /** The leader's ticket timestamp (when it became a candidate). */
  since: Date;
}

/** Reads the current leader (undefined when nobody holds the election's lock). */
export async function readLeader(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
): Promise<LeaderInfo | undefined> {
  const tickets = await inspectLock(store, keys, { readOwners: true, signal });
  const holder = tickets.find((t) => t.holding && t.complete);
  if (!holder) return undefined;
  return {
    lockId: holder.lockId,
    value: holder.lease?.value,
    owner: holder.lease?.owner,
    fencingToken:
      holder.turn === undefined
        ? await tokenOf(store, keys, holder.lockId, signal)
        : ((await readMarker(store, keys, signal))?.tokenBase ?? 0) + holder.turn,
    since: holder.timestamp,
  };
}

/** The newest fence object's token, if it was written by `lockId`. */
async function tokenOf(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const tokens = await listFenceTokens(store, keys, signal);
  const newest = tokens[tokens.length - 1];
  if (newest === undefined) return undefined;
  try {
    const body = await (await store.getObject(fenceKey(keys, newest), { signal })).json<{
      lockId?: unknown;
    }>();
    return body.lockId === lockId ? newest : undefined;
  } catch {
    return undefined; // pruned meanwhile
  }
}
