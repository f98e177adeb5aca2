/**
 * A contender's `Runtime` on virtual time (its locks' and its S3 session's): its own monotonic
 * clock (rate off by its drift), its own wall clock (offset from true time), timers owned by its
 * process (held while paused, dropped when crashed), and a seeded PRNG.
 *
 * A machine suspend (laptop sleep, VM pause) stops the monotonic clock while true time, the wall
 * clock and every other process run on; the process is paused meanwhile (see world.ts), and its
 * timers, which count monotonic time as real ones do, fire late by the suspend's length.
 *
 * @module
 */
import { type Runtime, suspendAwareClock } from '../../src/util/runtime.js';
import type { Prng } from './prng.js';
import { type Scheduler, type SimProcess, US } from './scheduler.js';

/** True time 0 on the store's and the contenders' wall clocks: 2026-01-01T00:00:00Z. */
export const EPOCH_MS = Date.UTC(2026, 0, 1);

export interface ClockParams {
  /** Clock-rate error: the monotonic clock runs at `1 + drift` times true time (±0.01 = ±1 %). */
  drift: number;
  /** Wall clock minus true time, in ms (NTP error). */
  wallOffsetMs: number;
  /** Arbitrary origin of the monotonic clock (only differences mean anything). */
  monoOriginMs: number;
  /**
   * False for the mutant whose "suspend-aware" clock is the monotonic one, which stops during a
   * suspend (the clock the code trusted its own deadlines to before issue 14). @default true
   */
  suspendAware?: boolean | undefined;
}

export class VirtualRuntime implements Runtime {
  readonly #scheduler: Scheduler;
  readonly #process: SimProcess;
  readonly #clock: ClockParams;
  readonly #prng: Prng;
  readonly #rate: number;
  /** True time (µs) the monotonic clock stood still, over finished suspends. */
  #suspendedUs = 0;
  /** True time (µs) the current suspend began, if suspended. */
  #suspendedSinceUs: number | undefined;
  /** The same combination of the two clocks as real time uses (src/lock/runtime.ts). */
  readonly suspendAwareNow: () => number;

  constructor(scheduler: Scheduler, process: SimProcess, clock: ClockParams, prng: Prng) {
    this.#scheduler = scheduler;
    this.#process = process;
    this.#clock = clock;
    this.#prng = prng;
    this.#rate = 1 + clock.drift;
    this.suspendAwareNow =
      clock.suspendAware === false
        ? () => this.now()
        : suspendAwareClock(
            () => this.now(),
            () => this.wallNow(),
          );
  }

  now(): number {
    return this.#monoAt(this.#scheduler.nowUs);
  }

  wallNow(): number {
    return EPOCH_MS + this.#scheduler.nowMs * this.#rate + this.#clock.wallOffsetMs;
  }

  random(): number {
    return this.#prng.next();
  }

  sleep(ms: number, signal?: AbortSignal, _options?: { ref?: boolean }): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const target = this.now() + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        handle.cancel();
        reject(abortReason(signal as AbortSignal));
      };
      const due = () => {
        // a suspend stopped our clock meanwhile: the timer is not due yet (it fires late, as a real one)
        if (this.now() < target) {
          handle = this.#scheduler.at(this.#trueTimeOf(target), this.#process, due);
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      let handle = this.#scheduler.at(this.#trueTimeOf(target), this.#process, due);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The machine is suspended from now on: the monotonic clock stops. */
  suspend(): void {
    this.#suspendedSinceUs ??= this.#scheduler.nowUs;
  }

  /** The machine wakes up: the monotonic clock runs again from where it stopped. */
  wake(): void {
    if (this.#suspendedSinceUs === undefined) return;
    this.#suspendedUs += this.#scheduler.nowUs - this.#suspendedSinceUs;
    this.#suspendedSinceUs = undefined;
  }

  #monoAt(us: number): number {
    const stopped =
      this.#suspendedUs + (this.#suspendedSinceUs === undefined ? 0 : us - this.#suspendedSinceUs);
    return this.#clock.monoOriginMs + ((us - stopped) / US) * this.#rate;
  }

  /** The first true microsecond at which our monotonic clock reads at least `mono` (if no suspend comes). */
  #trueTimeOf(mono: number): number {
    const now = this.#scheduler.nowUs;
    // while suspended the clock stands still: nothing is due before the wake-up, which re-checks
    if (this.#suspendedSinceUs !== undefined) return now;
    let us = Math.max(
      now,
      Math.ceil(((mono - this.#clock.monoOriginMs) * US) / this.#rate + this.#suspendedUs),
    );
    while (this.#monoAt(us) < mono) us++;
    return us;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
