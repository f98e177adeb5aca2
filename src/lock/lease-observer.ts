/**
 * How a waiting contender judges other contenders' leases: a lease is dead once its object has
 * stayed unchanged for its full duration, measured on the observer's own monotonic clock. No clock
 * of another machine is ever compared with ours.
 *
 * @module
 */
import type { ListedObject } from '../store/types.js';
import { type LockKeys, parseLeaseSuffix } from './names.js';

/** A lease object as listed. */
export interface ListedLease {
  key: string;
  lockId: string;
  /** The lease duration its holder declared (part of the key). */
  leaseMs: number;
  etag: string;
  lastModified: Date;
}

/** Reads lease objects out of a listing under `{name}.lease.`. */
export function parseLeases(
  keys: LockKeys,
  entries: Iterable<Pick<ListedObject, 'key' | 'etag' | 'lastModified'>>,
): Map<string, ListedLease> {
  const leases = new Map<string, ListedLease>();
  for (const entry of entries) {
    if (!entry.key.startsWith(keys.leasePrefix)) continue;
    const parsed = parseLeaseSuffix(entry.key.slice(keys.leasePrefix.length));
    if (!parsed) continue;
    leases.set(parsed.lockId, {
      key: entry.key,
      ...parsed,
      etag: entry.etag,
      lastModified: entry.lastModified,
    });
  }
  return leases;
}

interface Sighting {
  etag: string;
  leaseMs: number;
  /** Our monotonic time when we first saw this etag. */
  sinceMs: number;
}

/** State of one contender's lease as this observer sees it. */
export type LeaseState = 'live' | 'expired' | 'none';

/** Tracks lease objects across listings. */
export class LeaseObserver {
  readonly #sightings = new Map<string, Sighting>();

  /** Records one listing of leases, taken at monotonic time `nowMs`. Leases not listed are forgotten. */
  observe(leases: ReadonlyMap<string, ListedLease>, nowMs: number): void {
    for (const lockId of this.#sightings.keys()) if (!leases.has(lockId)) this.#sightings.delete(lockId);
    for (const [lockId, lease] of leases) {
      const seen = this.#sightings.get(lockId);
      if (!seen || seen.etag !== lease.etag || seen.leaseMs !== lease.leaseMs) {
        this.#sightings.set(lockId, { etag: lease.etag, leaseMs: lease.leaseMs, sinceMs: nowMs });
      }
    }
  }

  /**
   * `expired` once the lease was seen unchanged for its full duration; `none` when the contender has
   * no lease object (Python s3func tickets): those never expire by lease, only by the age gate.
   */
  state(lockId: string, nowMs: number): LeaseState {
    const seen = this.#sightings.get(lockId);
    if (!seen) return 'none';
    return nowMs - seen.sinceMs >= seen.leaseMs ? 'expired' : 'live';
  }

  /** Milliseconds until `lockId`'s lease would expire if it stays unchanged (undefined without a lease). */
  remainingMs(lockId: string, nowMs: number): number | undefined {
    const seen = this.#sightings.get(lockId);
    return seen ? Math.max(0, seen.sinceMs + seen.leaseMs - nowMs) : undefined;
  }
}
