/**
 * Time and chance as the library sees them. Everything the lock core waits for, and everything an
 * `S3Session` times (signing, retry backoff and its jitter), goes through a `Runtime`, so the same
 * code runs on real time in production and on virtual time in the simulation (test/sim/).
 *
 * Two clocks, because a machine can be suspended (laptop sleep, VM pause, snapshot restore) while
 * the store and every other machine go on: the monotonic clock stops then, the wall clock does not.
 * - `now()` never runs faster than real time (beyond clock-rate drift). It is the clock for judging
 *   *others*: a lease seen unchanged "for `leaseMs`" on it was unchanged at least that long.
 * - `suspendAwareNow()` never runs slower than real time. It is the clock for deadlines on our
 *   *own* trust (our lease, facts we cached): time we spent suspended counts as time passed.
 *
 * @module
 */
import { sleep } from './abort.js';

/**
 * Time and randomness: two clocks, timers and a random source. Pass one as the `runtime` option of a
 * lock or an `S3Session` to run them on a clock of your own (a simulation, a test's fake time).
 */
export interface Runtime {
  /** Monotonic milliseconds (never goes back; only differences mean anything). May stop while the machine is suspended. */
  now(): number;
  /**
   * Milliseconds on a clock that never goes back and never runs slower than real time: it counts
   * time the machine spent suspended (read off the wall clock). Only differences mean anything.
   * Build one with {@link suspendAwareClock}.
   */
  suspendAwareNow(): number;
  /** Wall-clock milliseconds since the epoch, for comparing against store timestamps (age gates). */
  wallNow(): number;
  /** Resolves after `ms`, or rejects with the signal's reason. Does not keep the process alive when `ref` is false. */
  sleep(ms: number, signal?: AbortSignal, options?: { ref?: boolean }): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

/**
 * A clock that never runs slower than real time, from a monotonic clock (which stops while the
 * machine is suspended) and a wall clock (which does not): between two readings it advances by
 * whichever of the two advanced more. A forward step of the wall clock makes it run ahead (our own
 * deadlines then come sooner: safe); a backward step of the wall clock during a suspend would hide
 * the suspend (a stated assumption, see docs/guarantees.md).
 */
export function suspendAwareClock(mono: () => number, wall: () => number): () => number {
  let lastMono = mono();
  let lastWall = wall();
  let elapsed = lastMono;
  return () => {
    const m = mono();
    const w = wall();
    elapsed += Math.max(m - lastMono, w - lastWall, 0);
    lastMono = m;
    lastWall = w;
    return elapsed;
  };
}

const realSuspendAwareNow = suspendAwareClock(
  () => performance.now(),
  () => Date.now(),
);

/** Real time: `performance.now()`, `Date.now()`, timers and `Math.random`. */
export const realRuntime: Runtime = Object.freeze({
  now: () => performance.now(),
  suspendAwareNow: realSuspendAwareNow,
  wallNow: () => Date.now(),
  sleep,
  random: Math.random,
});
