/**
 * A contender's `LockRuntime` on virtual time: its own monotonic clock (rate off by its drift), its
 * own wall clock (offset from true time), timers owned by its process (held while paused, dropped
 * when crashed), and a seeded PRNG.
 *
 * @module
 */
import { type LockRuntime, suspendAwareClock } from '../../src/lock/runtime.js';
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
}

export class VirtualRuntime implements LockRuntime {
  readonly #scheduler: Scheduler;
  readonly #process: SimProcess;
  readonly #clock: ClockParams;
  readonly #prng: Prng;
  readonly #rate: number;
  /** The same combination of the two clocks as real time uses (src/lock/runtime.ts). */
  readonly suspendAwareNow: () => number;

  constructor(scheduler: Scheduler, process: SimProcess, clock: ClockParams, prng: Prng) {
    this.#scheduler = scheduler;
    this.#process = process;
    this.#clock = clock;
    this.#prng = prng;
    this.#rate = 1 + clock.drift;
    this.suspendAwareNow = suspendAwareClock(
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
    const atUs = this.#trueTimeOf(target);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        handle.cancel();
        reject(abortReason(signal as AbortSignal));
      };
      const handle = this.#scheduler.at(atUs, this.#process, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #monoAt(us: number): number {
    return this.#clock.monoOriginMs + (us / US) * this.#rate;
  }

  /** The first true microsecond at which our monotonic clock reads at least `mono`. */
  #trueTimeOf(mono: number): number {
    const now = this.#scheduler.nowUs;
    let us = Math.max(now, Math.ceil(((mono - this.#clock.monoOriginMs) * US) / this.#rate));
    while (this.#monoAt(us) < mono) us++;
    return us;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
