/**
 * What a lock's status shows of its contenders (tickets or turns, and their leases), and the
 * options of inspecting and breaking them, shared by both strategies.
 *
 * @module
 */
import type { ObjectStore } from '../store/types.js';
import type { TicketInfo } from './events.js';
import type { ListedLease } from './lease-observer.js';
import type { LockRuntime } from './runtime.js';

/** What the store shows of one contender's lease. */
export interface LeaseInfo {
  /** The lease duration its holder declared. */
  leaseMs: number;
  /** When the lease object was last written, by the store's clock. */
  lastModified: Date;
  /** True when the last renewal is older than the lease by our clock: a hint, not a verdict. */
  stale: boolean;
  /** Who holds it (host:pid or the `owner` option), when read. */
  owner?: string | undefined;
  /** The value the contender published (the `value` option), when read. */
  value?: unknown;
}

/** One ticket (or, for the conditional strategy, one running turn) in a lock's status. */
export interface TicketStatus extends TicketInfo {
  /** This ticket wins the election on this listing (it holds the lock, or is about to). */
  holding: boolean;
  /** Undefined for tickets without a lease (Python s3func contenders, or a lease not yet listed). */
  lease: LeaseInfo | undefined;
  /** Conditional strategy: the turn number (the fencing token, less the name's token base). */
  turn?: number | undefined;
}

/** Options of an inspection (`wallNowMs`: our wall clock, for ages shown). */
export interface InspectOptions {
  readOwners?: boolean | undefined;
  signal?: AbortSignal | undefined;
  wallNowMs?: number | undefined;
}

/** Options of breaking old contenders. */
export interface BreakOptions {
  olderThanMs: number;
  exceptLockId?: string | undefined;
  signal?: AbortSignal | undefined;
  wallNowMs: number;
  /** The clock the leases of old contenders are watched on, and how the watch waits. */
  runtime: LockRuntime;
  /**
   * How long a lease missing from a listing must stay missing before its contender counts as
   * having none: at least the store's listing staleness (the settle delay is sized to cover it).
   */
  staleMs: number;
}

/** What the store shows of a contender's lease; with `readOwners`, who holds it and its value. */
export async function leaseInfo(
  store: ObjectStore,
  lease: ListedLease | undefined,
  now: number,
  options: { readOwners?: boolean | undefined; signal?: AbortSignal | undefined },
): Promise<LeaseInfo | undefined> {
  if (!lease) return undefined;
  const info: LeaseInfo = {
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
      if (typeof body.owner === 'string') info.owner = body.owner;
      if (body.value !== undefined) info.value = body.value;
    } catch {
      // a lease deleted meanwhile, or not ours to parse: the owner stays unknown
    }
  }
  return info;
}
