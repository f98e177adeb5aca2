/**
 * Typed events of locks.
 *
 * @module
 */
import type { LockLostError } from '../errors.js';
import type { LockMode } from './ticket.js';

/** A ticket as events and inspection show it. */
export interface TicketInfo {
  lockId: string;
  mode: LockMode;
  /** False when its objects hold a body that is not a ticket body (treated as exclusive). */
  recognised: boolean;
  /** Both ticket objects listed. */
  complete: boolean;
  /** Its listing timestamp (seq-1's, or seq-0's while seq-1 is not listed). */
  timestamp: Date;
  /** Our wall clock minus that timestamp: for display, never for decisions. */
  ageMs: number;
}

/**
 * Events of a lock. Guarantees: `acquired` is emitted once per successful acquisition, before
 * `acquire` resolves; `lost` at most once per acquisition, right after the holder's signal aborted
 * and before anyone else could break the lease (within the store assumptions); `released` after
 * every release of a held or lost lock.
 */
export interface LockEvents {
  /** The lock was won. `fencingToken` is set for exclusive locks. */
  acquired: [info: { lockId: string; fencingToken: number | undefined; waitedMs: number }];
  /** We wait for these tickets (emitted when the set changes). */
  waiting: [info: { blockers: TicketInfo[] }];
  /** The lease was renewed; it is trusted for `validForMs` more. */
  renewed: [info: { renewal: number; validForMs: number }];
  /** The lock was lost (lease not renewed in time, or our ticket deleted). */
  lost: [error: LockLostError];
  /** The lock was released. */
  released: [info: { lockId: string; heldMs: number }];
  /** A dead contender's ticket was broken while we waited. */
  broke: [info: { lockId: string; reason: string }];
  /** A failure that no call could report (a background release, a disposal). */
  error: [error: unknown];
}
