/**
 * How a waiting contender judges other contenders' leases: a lease is dead once its object has
 * stayed unchanged for its full duration, measured on the observer's own monotonic clock. No clock
 * of another machine is ever compared with ours.
 *
 * Both ends of the measurement are taken on the conservative side of the listing that showed the
 * lease: a lease version seen for the first time counts from *after* the response arrived (it was
 * written some time before), and a version still shown counts only up to *before* the request was
 * sent (the store answered some time after). So a stall anywhere between the store's answer and our
 * decision — a GC pause, a blocked event loop, a slow second page — never counts as time the lease
 * stayed unchanged (finding T1 of issue 14).
 *
 * @module
 */
import type { ListedObject } from '../store/types.js';
import { type LockKeys, parseLeaseSuffix } from './names.js';

/** A contender's lease as listed. */
export interface ListedLease {
  key: string;
  lockId: string;
  /** The lease duration its holder declared (part of the key). */
  leaseMs: number;
  /**
   * What changes at each renewal. A contender normally has one lease object; one recovered with
   * another `leaseMs` may briefly have two, and then this covers both (a renewal of either counts).
   */
  etag: string;
  lastModified: Date;
  /** Every lease key listed for this contender (usually one). */
  keys: string[];
}

/**
 * Reads lease objects out of a listing under `{name}.lease.`: one entry per contender, merging
 * several lease keys of one contender (the longest declared lease, the newest timestamp, every
 * ETag), so that an observer never times a dead key of a contender that renews another.
 */
export function parseLeases(
  keys: LockKeys,
  entries: Iterable<Pick<ListedObject, 'key' | 'etag' | 'lastModified'>>,
): Map<string, ListedLease> {
  const leases = new Map<string, ListedLease>();
  for (const entry of entries) {
    if (!entry.key.startsWith(keys.leasePrefix)) continue;
    const parsed = parseLeaseSuffix(entry.key.slice(keys.leasePrefix.length));
    if (!parsed) continue;
    const seen = leases.get(parsed.lockId);
    if (!seen) {
      leases.set(parsed.lockId, {
        key: entry.key,
        ...parsed,
        etag: entry.etag,
        lastModified: entry.lastModified,
        keys: [entry.key],
      });
      continue;
    }
    // listings come in key order, so the merged ETag is stable from one listing to the next
    seen.etag = `${seen.etag}|${entry.etag}`;
    seen.keys.push(entry.key);
    if (parsed.leaseMs > seen.leaseMs) {
      seen.leaseMs = parsed.leaseMs;
      seen.key = entry.key;
    }
    if (entry.lastModified > seen.lastModified) seen.lastModified = entry.lastModified;
  }
  return leases;
}

interface Sighting {
  etag: string;
  leaseMs: number;
  /** Our monotonic time just after the response that first showed this etag arrived. */
  sinceMs: number;
}

/** State of one contender's lease as this observer sees it. */
export type LeaseState = 'live' | 'expired' | 'none';

/** When one listing of leases was taken, on the observer's monotonic clock. */
export interface ListingTimes {
  /** Before the request (its first page) was sent. */
  sentMs: number;
  /** After the response (its last page) arrived. */
  receivedMs: number;
}

/** Tracks lease objects across listings. */
export class LeaseObserver {
  readonly #sightings = new Map<string, Sighting>();
  /** `sentMs` of the latest listing: the moment up to which an unchanged lease is known unchanged. */
  #asOfMs = Number.NEGATIVE_INFINITY;

  /** Records one listing of leases. Leases not listed are forgotten. */
  observe(leases: ReadonlyMap<string, ListedLease>, times: ListingTimes): void {
    for (const lockId of this.#sightings.keys()) if (!leases.has(lockId)) this.#sightings.delete(lockId);
    for (const [lockId, lease] of leases) {
      const seen = this.#sightings.get(lockId);
      if (!seen || seen.etag !== lease.etag || seen.leaseMs !== lease.leaseMs) {
        this.#sightings.set(lockId, { etag: lease.etag, leaseMs: lease.leaseMs, sinceMs: times.receivedMs });
      }
    }
    this.#asOfMs = times.sentMs;
  }

  /**
   * As of the latest listing: `expired` once the lease was seen unchanged for its full duration;
   * `none` when the contender has no lease object (Python s3func tickets): those never expire by
   * lease, only by the age gate.
   */
  state(lockId: string): LeaseState {
    const seen = this.#sightings.get(lockId);
    if (!seen) return 'none';
    return this.#asOfMs - seen.sinceMs >= seen.leaseMs ? 'expired' : 'live';
  }
}
