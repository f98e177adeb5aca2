/**
 * The lock core's view of time and chance. Everything it waits for goes through a `LockRuntime`,
 * so the same code runs on real time in production and on virtual time in the simulation.
 *
 * @module
 */
import { sleep } from '../http/abort.js';

/** Time and randomness as the lock core sees them. */
export interface LockRuntime {
  /** Monotonic milliseconds (never goes back; only differences mean anything). */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for comparing against store timestamps (age gates). */
  wallNow(): number;
  /** Resolves after `ms`, or rejects with the signal's reason. Does not keep the process alive when `ref` is false. */
  sleep(ms: number, signal?: AbortSignal, options?: { ref?: boolean }): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

/** Real time: `performance.now()`, `Date.now()`, timers and `Math.random`. */
export const realRuntime: LockRuntime = Object.freeze({
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep,
  random: Math.random,
});
