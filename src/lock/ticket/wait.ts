/**
 * Step 4 of an acquisition: list, decide (the pure `evaluateElection`), wait, break dead blockers,
 * and confirm a win with a second listing `settleDelayMs` later.
 *
 * @module
 */
import { isNotFound, isRetryableError, TicketLostError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { listFenceTokens } from '../fencing.js';
import { LeaseObserver, type ListedLease } from '../lease-observer.js';
import { deleteContender, listLeases, listLeasesTimed, listTickets } from '../lock-store.js';
import { type LockKeys, turnKey } from '../names.js';
import type { LockRuntime } from '../runtime.js';
import { type LockMode, matchesPin, type Ticket, type TicketPin } from '../ticket.js';
import { evaluateElection } from './order.js';

/** Jitter applied to the poll interval, so waiters do not list in lockstep. */
const POLL_JITTER = 0.2;

export interface ElectionContext {
  store: ObjectStore;
  keys: LockKeys;
  lockId: string;
  /** Our seq-1's last write (T4): a listing showing our ticket otherwise is stale for it. */
  ownPin?: TicketPin | undefined;
  mode: LockMode;
  runtime: LockRuntime;
  settleDelayMs: number;
  pollIntervalMs: number;
  visibilityTimeoutMs: number;
  breakExpired: boolean;
  blocking: boolean;
  /** Monotonic time after which a blocking election gives up (Infinity: never). */
  deadline: number;
  signal: AbortSignal;
  /** The listing that passed the visibility gate: the first election runs on it. */
  firstListing: Map<string, Ticket>;
  onWaiting(blockers: Ticket[]): void;
  onBroke(lockId: string, reason: string): void;
}

/** A won election; for exclusive locks on stores with create-only puts, the fence listing taken alongside the confirmation. */
export interface Won {
  fences: Promise<number[]> | undefined;
  /**
   * Whether the name's conditional-strategy marker exists, read beside the confirming listing,
   * hence at least `settleDelayMs` after our ticket was written (see ticket-core.ts).
   */
  conditionalMarker: Promise<boolean>;
}

/** Runs the election until won, or given up (false: contention with `blocking: false`, or the deadline). */
export async function runElection(ctx: ElectionContext): Promise<false | Won> {
  const { store, keys, lockId, mode, runtime, signal } = ctx;
  const observer = new LeaseObserver();
  /** Blockers we deleted: a listing that still shows them is stale, not a reason to wait. */
  const broken = new Set<string>();
  let provisional = false;
  let lastBlockers = '';
  let ownMissingSince: number | undefined;
  let listing: Map<string, Ticket> | undefined = ctx.firstListing;

  const pause = (ms: number) =>
    runtime.sleep(Math.max(0, Math.min(ms, ctx.deadline - runtime.now())), signal);
  const canWait = () => ctx.blocking && runtime.now() < ctx.deadline;

  for (;;) {
    let tickets: Map<string, Ticket>;
    let fences: Promise<number[]> | undefined;
    let leases: Promise<Map<string, ListedLease>> | undefined;
    let marker: Promise<boolean> | undefined;
    try {
      if (provisional) {
        marker = store.headObject(turnKey(keys, 0), { signal }).then(
          () => true,
          (error: unknown) => (isNotFound(error) ? false : Promise.reject(error)),
        );
        marker.catch(() => {}); // awaited only if the confirmation wins
        if (mode === 'exclusive' && store.capabilities.conditionalPut) {
          // the previous holder wrote its token before it released, hence before our first winning listing
          fences = listFenceTokens(store, keys, signal);
          fences.catch(() => {}); // awaited only if the confirmation wins
        }
        // alongside the confirming listing, at no cost in latency: leases to collect if orphaned
        leases = listLeases(store, keys, signal);
        leases.catch(() => {});
      }
      tickets = listing ?? (await listTickets(store, keys, signal));
      listing = undefined;
    } catch (error) {
      // a poll that failed after the client's own retries is skipped, not fatal, while time remains
      if (!isRetryableError(error) || signal.aborted || !canWait()) throw error;
      provisional = false;
      await pause(ctx.pollIntervalMs);
      continue;
    }
    for (const id of broken)
      if (tickets.has(id)) tickets.delete(id);
      else broken.delete(id);
    // a listing that shows our ticket before our last write of it is stale: as if it missed ours
    if (!matchesPin(tickets.get(lockId), ctx.ownPin)) tickets.delete(lockId);

    const result = evaluateElection(tickets, { lockId, mode });
    if (result.outcome === 'lost') {
      // our ticket passed the gate, so a listing without it is stale (a front end behind the one we
      // read before), unless it stays away: then someone deleted it
      ownMissingSince ??= runtime.now();
      if (runtime.now() - ownMissingSince >= ctx.visibilityTimeoutMs) {
        throw new TicketLostError(keys.name, lockId, result.reason);
      }
      provisional = false;
      await runtime.sleep(Math.min(ctx.pollIntervalMs, ctx.settleDelayMs || ctx.pollIntervalMs), signal);
      continue;
    }
    ownMissingSince = undefined;
    if (result.outcome === 'acquired') {
      if (provisional && marker) {
        await collectOrphanLeases(ctx, tickets, leases);
        return { fences, conditionalMarker: marker };
      }
      provisional = true;
      // a win counts only when a second listing, settleDelayMs later, agrees
      await runtime.sleep(ctx.settleDelayMs, signal);
      continue;
    }
    provisional = false;
    const ids = result.blockers.map((b) => b.lockId).join(',');
    if (ids !== lastBlockers) {
      lastBlockers = ids;
      ctx.onWaiting(result.blockers);
    }
    if (ctx.breakExpired && (await breakExpired(ctx, result.blockers, tickets, observer, broken))) continue;
    if (!canWait()) return false;
    await pause(ctx.pollIntervalMs * (1 + POLL_JITTER * (2 * runtime.random() - 1)));
  }
}

/**
 * Breaks blockers whose lease was seen unchanged for its full duration; true if any was. Also
 * deletes expired leases that have no ticket in the listing: the orphans a crash between deleting a
 * ticket and its lease (or between writing a lease and its ticket) leaves behind.
 */
async function breakExpired(
  ctx: ElectionContext,
  blockers: Ticket[],
  tickets: ReadonlyMap<string, Ticket>,
  observer: LeaseObserver,
  broken: Set<string>,
): Promise<boolean> {
  const { store, keys, runtime, signal } = ctx;
  let leases: Map<string, ListedLease>;
  try {
    // timed on both sides of the request: a stall after the answer never counts (T1, lease-observer.ts)
    const listed = await listLeasesTimed(store, keys, runtime, signal);
    leases = listed.leases;
    observer.observe(leases, listed.times);
  } catch (error) {
    if (isRetryableError(error) && !signal.aborted) return false; // judged again at the next poll
    throw error;
  }
  const dead = blockers.filter((b) => observer.state(b.lockId) === 'expired');
  const done: Ticket[] = [];
  for (const ticket of dead) {
    try {
      await deleteContender(store, keys, ticket.lockId, { signal });
    } catch (error) {
      // a failed break is tried again at the next poll, where the lease is judged again
      if (isRetryableError(error) && !signal.aborted) break;
      throw error;
    }
    broken.add(ticket.lockId);
    done.push(ticket);
    ctx.onBroke(ticket.lockId, 'lease expired');
  }
  const orphans = [...leases.keys()].filter(
    (id) => !tickets.has(id) && id !== ctx.lockId && observer.state(id) === 'expired',
  );
  for (const id of orphans) {
    // best effort: an orphan lease blocks nobody, so a failure here must not fail the acquisition
    await deleteContender(store, keys, id, { signal }).catch(() => {});
    ctx.onBroke(id, 'lease expired without a ticket');
  }
  return done.length > 0;
}

/**
 * Orphan leases are collected by the winner of an election: those of contenders absent from the
 * confirming listing whose lease, by the store's own timestamps, is more than two of their lease
 * durations older than ours (which we renew every third of one). A live contender rewrites its lease
 * as often as we do, and writes its ticket right after its first lease, which the confirming
 * listing would then show; so these belong to contenders that died between writing a lease and a
 * ticket, or between deleting them. Only store timestamps are compared (never our wall clock), with
 * slack for whole-second timestamps and skew between the store's front ends. Deleting a lease is
 * safe in any case: without one, a ticket only waits longer. Best effort.
 */
async function collectOrphanLeases(
  ctx: ElectionContext,
  tickets: ReadonlyMap<string, Ticket>,
  leases: Promise<Map<string, ListedLease>> | undefined,
): Promise<void> {
  const listed = await leases?.catch(() => undefined);
  const ours = listed?.get(ctx.lockId);
  if (!listed || !ours) return; // without our own lease in the listing there is no reference time
  const reference = ours.lastModified.getTime();
  for (const lease of listed.values()) {
    if (lease.lockId === ctx.lockId || tickets.has(lease.lockId)) continue;
    if (reference - lease.lastModified.getTime() <= 2 * lease.leaseMs + ORPHAN_SLACK_MS) continue;
    await deleteContender(ctx.store, ctx.keys, lease.lockId, { signal: ctx.signal }).catch(() => {});
    ctx.onBroke(lease.lockId, 'orphan lease without a ticket');
  }
}

/** Slack on top of two leases: whole-second timestamps on both sides, and front-end clock skew. */
const ORPHAN_SLACK_MS = 3000;
