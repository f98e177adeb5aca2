/**
 * Judging the lease of a turn we wait for. As in the ticket strategy, a lease is dead once its
 * object stayed unchanged for the lease's full duration on the observer's own monotonic clock; here
 * it is read by HEAD (consistent), and "no lease object" is one more state that must stay unchanged
 * that long (a turn's lease is written before the turn, and deleted only after its done marker).
 *
 * @module
 */
import { isNotFound } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { type LockKeys, leaseKey } from '../names.js';
import type { LockRuntime } from '../runtime.js';
import type { TurnInfo } from './turn-store.js';

interface Sighting {
  etag: string;
  sinceMs: number;
}

/** Lease sightings of the turns one waiter watches. */
export class LeaseWatch {
  readonly #sightings = new Map<number, Sighting>();

  /**
   * Reads the lease of `turn` and resolves true once it stayed unchanged for its full duration:
   * a new state counts from after the read that showed it, an unchanged one up to before the read
   * that still shows it (both the conservative ends). A turn that does not name its lease (not
   * written by s3func) never expires.
   */
  async expired(
    store: ObjectStore,
    keys: LockKeys,
    turn: TurnInfo,
    runtime: LockRuntime,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (turn.lockId === undefined || turn.leaseMs === undefined) return false;
    const sentMs = runtime.now();
    let etag = '';
    try {
      etag = (await store.headObject(leaseKey(keys, turn.lockId, turn.leaseMs), { signal })).etag;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const seen = this.#sightings.get(turn.turn);
    if (!seen || seen.etag !== etag) {
      this.#sightings.set(turn.turn, { etag, sinceMs: runtime.now() });
      return false;
    }
    return sentMs - seen.sinceMs >= turn.leaseMs;
  }

  /** Forgets turns that are over. */
  forget(turn: number): void {
    this.#sightings.delete(turn);
  }
}
