/**
 * The holder's side of a lease: rewrite the lease object every `leaseMs / 3`, and give the lock up
 * before anyone else could break it.
 *
 * The rule that makes this safe: an observer breaks a ticket only after seeing its lease object
 * unchanged for a full `leaseMs` on its own clock. The keeper therefore trusts a renewal only from the
 * moment its request *started*, and only if it completed before the current deadline; the deadline is
 * `start + leaseMs - marginMs`. The margin absorbs listing staleness and clock-rate drift (see the
 * docs/guarantees.md). Missing the deadline means the lock is lost, and the keeper says so at once.
 *
 * Deadlines are kept on the runtime's suspend-aware clock: a machine that slept through its deadline
 * (laptop sleep, VM pause) wakes up with the lease already distrusted, however little its monotonic
 * clock moved. A renewal still in flight at the deadline is not aborted (an aborted PUT can still
 * land, after the release deleted the lease, and stay behind): the lease is declared lost at the
 * deadline and the write is left to finish; `stop` waits for it.
 *
 * @module
 */
import type { ObjectStore } from '../store/types.js';
import type { OwnObjects } from './own-objects.js';
import type { LockRuntime } from './runtime.js';

export interface LeaseKeeperOptions {
  store: ObjectStore;
  key: string;
  leaseMs: number;
  marginMs: number;
  runtime: LockRuntime;
  /** The body of each renewal; must differ every time (it carries a counter) so the ETag changes. */
  body: (renewal: number) => string;
  /** Extra check after each renewal (our ticket still exists, our turn was not ended); false means the lock is lost. */
  check?: ((signal: AbortSignal) => Promise<boolean>) | undefined;
  onRenewed?: ((renewal: number, deadlineMs: number) => void) | undefined;
  onLost: (reason: string, cause?: unknown) => void;
  /** Where the keeper records what it writes, so release can delete every version of the lease. */
  own: OwnObjects;
}

/**
 * Longest single wait of the keeper between renewals: after a machine suspend, the loss of a lease
 * whose deadline passed while suspended is announced at most this long after waking.
 */
export const WAKE_CHECK_MS = 1000;

/**
 * Renewal interval: a third of the lease, as the protocol says, but never so long that fewer than
 * two renewals fit in the window a renewal is trusted for (`leaseMs - marginMs`).
 */
export function renewalIntervalMs(leaseMs: number, marginMs: number): number {
  return Math.min(leaseMs / 3, (leaseMs - marginMs) / 2);
}

/** Keeps one lease alive until stopped or lost. */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  /** Aborts sleeps between renewals; a renewal in flight is left to finish (see `stop`). */
  readonly #stop = new AbortController();
  #deadlineMs = 0;
  #renewals = 0;
  #lost = false;
  #loop: Promise<void> | undefined;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
  }

  /** Time on the runtime's suspend-aware clock until which the lease is trusted. */
  get deadlineMs(): number {
    return this.#deadlineMs;
  }

  /** True while the lease is trusted. */
  isLive(): boolean {
    return !this.#lost && !this.#stop.signal.aborted && this.#o.runtime.suspendAwareNow() < this.#deadlineMs;
  }

  /** Writes the first lease (throws if it cannot) and starts renewing in the background. */
  async start(signal?: AbortSignal): Promise<void> {
    const started = this.#o.runtime.suspendAwareNow();
    await this.#write(signal);
    this.#deadlineMs = started + this.#o.leaseMs - this.#o.marginMs;
    this.#loop = this.#run(started);
  }

  /**
   * Stops renewing and waits for a renewal in flight to finish (it is not aborted: an aborted PUT
   * may still land after the release deleted the lease, leaving it behind). Idempotent.
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(firstStarted: number): Promise<void> {
    const { runtime, leaseMs } = this.#o;
    const clock = () => runtime.suspendAwareNow();
    const interval = renewalIntervalMs(leaseMs, this.#o.marginMs);
    let nextAt = firstStarted + interval;
    let failures = 0;
    let lastError: unknown;
    while (!this.#stop.signal.aborted) {
      const now = clock();
      if (now >= this.#deadlineMs) {
        this.#lose('the lease could not be renewed before its deadline', lastError);
        return;
      }
      try {
        // in short steps: timers run on the monotonic clock, which stops while the machine is
        // suspended, so a wait that spans a suspend ends only its remaining time after waking; a
        // step at most WAKE_CHECK_MS long notices a deadline that passed during the suspend
        // (and announces the loss) that soon after waking
        const wait = Math.max(0, Math.min(nextAt, this.#deadlineMs) - now);
        await runtime.sleep(Math.min(wait, WAKE_CHECK_MS), this.#stop.signal, { ref: false });
        if (wait > WAKE_CHECK_MS && clock() < Math.min(nextAt, this.#deadlineMs)) continue;
      } catch {
        return; // stopped
      }
      if (clock() >= this.#deadlineMs) continue;
      const started = clock();
      try {
        const lose = () => this.#lose('the lease could not be renewed before its deadline', lastError);
        if ((await this.#renewBefore(this.#deadlineMs - started, lose)) === 'deadline') return;
        if (this.#stop.signal.aborted) return;
        if (clock() >= this.#deadlineMs) continue;
        this.#deadlineMs = started + leaseMs - this.#o.marginMs;
        if (this.#o.check && !(await this.#checkBefore(this.#deadlineMs - clock()))) {
          this.#lose('another contender removed our ticket or ended our turn');
          return;
        }
        this.#o.onRenewed?.(this.#renewals, this.#deadlineMs);
        failures = 0;
        nextAt = started + interval;
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        lastError = error;
        failures++;
        // retry soon, but spread out: the deadline is what ends the attempts
        nextAt =
          clock() + Math.min(interval, 250 * 2 ** Math.min(failures, 5)) * (0.5 + runtime.random() / 2);
      }
    }
  }

  /**
   * One renewal, raced against the deadline `ms` from now. At the deadline `onDeadline` runs at once,
   * but the write is not aborted: it is awaited before this resolves, so `stop` (which awaits the
   * loop) never returns while a write of ours is still in flight.
   */
  async #renewBefore(ms: number, onDeadline: () => void): Promise<'renewed' | 'deadline'> {
    const timer = new AbortController();
    const write = this.#write(undefined);
    write.catch(() => {});
    const deadline = this.#o.runtime.sleep(ms, timer.signal, { ref: false }).then(
      () => 'deadline' as const,
      () => 'renewed' as const,
    );
    try {
      const first = await Promise.race([write.then(() => 'renewed' as const), deadline]);
      if (first === 'deadline') {
        onDeadline();
        await write.catch(() => {});
        return 'deadline';
      }
      return first;
    } finally {
      timer.abort();
    }
  }

  /** The extra check after a renewal, aborted at the deadline `ms` from now (a read: nothing can land late). */
  async #checkBefore(ms: number): Promise<boolean> {
    const check = this.#o.check;
    if (!check) return true;
    const attempt = new AbortController();
    const timer = this.#o.runtime.sleep(Math.max(0, ms), attempt.signal, { ref: false }).then(
      () => attempt.abort(),
      () => {},
    );
    try {
      return await check(attempt.signal);
    } finally {
      attempt.abort();
      await timer;
    }
  }

  async #write(signal: AbortSignal | undefined): Promise<void> {
    const { store, key, own } = this.#o;
    const renewal = ++this.#renewals;
    own.attempt(key);
    let versionId: string | undefined;
    let attempts: number | undefined;
    try {
      ({ versionId, attempts } = await store.putObject(key, this.#o.body(renewal), {
        contentType: 'application/json',
        signal,
      }));
    } catch (error) {
      own.failed(key);
      throw error;
    }
    own.wrote(key, versionId, attempts);
    // on a versioned store every renewal is a new version; keep only the newest so listings stay small
    for (const old of own.versionsOf(key).slice(0, -1)) {
      store.deleteObject(key, { versionId: old }).then(
        () => own.deleted(key, old),
        () => {}, // left for release, which deletes every version still recorded
      );
    }
  }

  #lose(reason: string, cause?: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#o.onLost(reason, cause);
  }
}
