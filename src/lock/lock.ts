/**
 * The `Lock` users hold, and the functions sessions build on: `createLock`, `withLock`.
 *
 * @module
 */
import { LockTimeoutError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';
import { validateNumber, validateOptions } from '../store/validate.js';
import { type AcquireOptions, LOCK_DEFAULTS, type LockOptions, resolveLockOptions } from './defaults.js';
import type { LockEngine, LockState, LockStrategy } from './engine.js';
import type { LockEvents } from './events.js';
import { breakOldTickets, inspectLock } from './inspect.js';
import type { TicketStatus } from './lock-status.js';
import { lockKeys } from './names.js';
import { createEngine } from './strategy.js';
import type { LockMode } from './ticket.js';

type Listener<K extends keyof LockEvents> = (...args: LockEvents[K]) => void;

/** Counts the facades of each core; when the last is collected while holding, the lock is released. */
const facades = new WeakMap<LockEngine, { count: number }>();
/**
 * The registry holds its cores weakly. A strong hold would pin every lock for ever: the core
 * reaches its facade again (the `released` reason of the holder's signal is an error whose captured
 * stack keeps the facade that called `release()`), so the facade never became unreachable and each
 * acquire/release cycle leaked about 2.5 KB. A held core stays reachable anyway (its lease timers
 * and the exit handler hold it), which is exactly when the callback has something to do.
 */
const unreachable = new FinalizationRegistry<WeakRef<LockEngine>>((ref) => {
  const core = ref.deref();
  if (core === undefined) return;
  const entry = facades.get(core);
  if (entry && --entry.count > 0) return;
  if (core.state === 'held' || core.state === 'lost') core.release().catch(() => {});
});

/**
 * A distributed lock on one name. Get one from `session.lock(name)`.
 *
 * @example
 * ```ts
 * const lock = session.lock('reports', { mode: 'shared' });
 * if (await lock.acquire({ timeoutMs: 10_000 })) {
 *   try { await readReports(lock.signal); } finally { await lock.release(); }
 * }
 * ```
 */
export class Lock {
  readonly #core: LockEngine;

  /** @internal Use `session.lock()`. */
  constructor(core: LockEngine) {
    this.#core = core;
    const entry = facades.get(core);
    if (entry) entry.count++;
    else facades.set(core, { count: 1 });
    unreachable.register(this, new WeakRef(core));
  }

  /** The lock's name (the key prefix of its objects). */
  get name(): string {
    return this.#core.keys.name;
  }
  get mode(): LockMode {
    return this.#core.options.mode;
  }
  /** The strategy this lock runs: undefined with `strategy: 'auto'` until its first acquisition decides. */
  get strategy(): LockStrategy | undefined {
    return this.#core.strategy;
  }
  /** This contender's ticket id (13 hex characters), once it has one. Pass it as `lockId` to recover the ticket. */
  get lockId(): string | undefined {
    return this.#core.lockId;
  }
  get state(): LockState {
    return this.#core.state;
  }
  /** The fencing token of the current exclusive hold: strictly greater than every earlier holder's. */
  get fencingToken(): number | undefined {
    return this.#core.fencingToken;
  }
  /** Aborts when the lock is lost or released. Pass it to the work the lock protects. */
  get signal(): AbortSignal | undefined {
    return this.#core.signal;
  }

  /**
   * Acquires the lock. Resolves `true` when held, `false` when it was not won (contention with
   * `blocking: false`, or `timeoutMs` ran out); rejects on failures (network, `TicketLostError`,
   * `LockLostError`) and with the signal's reason on abort. Nothing is left behind unless it resolves true.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this.#core.acquire(options);
  }

  /** Releases the lock and deletes its ticket and lease. Idempotent; throws if the deletes fail. */
  release(): Promise<void> {
    return this.#core.release();
  }

  /** True while held and the lease is trusted. Sends no request. */
  isHeld(): boolean {
    return this.#core.isHeld();
  }

  /** Confirms with a fresh listing that the lock is still held. Use it at critical boundaries. */
  verify(options?: { signal?: AbortSignal | undefined }): Promise<boolean> {
    return this.#core.verify(options);
  }

  /** All tickets of this lock, oldest first, with who holds it and their leases. */
  holders(options?: { readOwners?: boolean; signal?: AbortSignal }): Promise<TicketStatus[]> {
    return inspectLock(this.#core.store, this.#core.keys, {
      ...options,
      wallNowMs: this.#core.options.runtime.wallNow(),
    });
  }

  /**
   * Breaks other contenders older than `olderThanMs` (default 2 hours) that are dead: whose lease
   * stays unchanged for its full duration while this call watches it (so the call takes about one
   * lease when there is a candidate), or who have no lease (Python s3func tickets). A contender that
   * renews its lease is never broken, however old. Never breaks our own. Returns the broken lock ids.
   */
  breakOtherLocks(options: { olderThanMs?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    validateOptions(options, ['olderThanMs', 'signal'], 'breakOtherLocks');
    validateNumber(options.olderThanMs, 'olderThanMs');
    return breakOldTickets(this.#core.store, this.#core.keys, {
      olderThanMs: options.olderThanMs ?? LOCK_DEFAULTS.breakAgeMs,
      exceptLockId: this.#core.lockId,
      signal: options.signal,
      wallNowMs: this.#core.options.runtime.wallNow(),
      runtime: this.#core.options.runtime,
      staleMs: this.#core.options.settleDelayMs,
    });
  }

  on<K extends keyof LockEvents>(event: K, listener: Listener<K>): this {
    this.#core.on(event, listener as never);
    return this;
  }
  once<K extends keyof LockEvents>(event: K, listener: Listener<K>): this {
    this.#core.once(event, listener as never);
    return this;
  }
  off<K extends keyof LockEvents>(event: K, listener: Listener<K>): this {
    this.#core.off(event, listener as never);
    return this;
  }

  /**
   * `await using` support: releases at scope end. Never throws; a failed release is reported
   * through the `error` event (the lease then runs out and others break the ticket).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#core.release();
    } catch (error) {
      this.#core.emit('error', error);
    }
  }

  /** @internal */
  protected get core(): LockEngine {
    return this.#core;
  }
}

/**
 * What `session.lock(name)` returns: a `Lock` that can also be awaited. Awaiting it acquires (waiting
 * as long as `timeoutMs` allows, then throwing `LockTimeoutError`) and resolves to the held `Lock`.
 *
 * @example
 * ```ts
 * await using lock = await session.lock('nightly-report');
 * await build(lock.signal);
 * ```
 */
export class PendingLock extends Lock implements PromiseLike<Lock> {
  // biome-ignore lint/suspicious/noThenProperty: awaiting the lock acquires it, by design (DESIGN §2)
  then<R1 = Lock, R2 = never>(
    onFulfilled?: ((lock: Lock) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const core = this.core;
    const held = core.acquire().then((won) => {
      if (!won) throw new LockTimeoutError(core.keys.name, core.options.timeoutMs ?? 0);
      // resolve to a plain Lock: resolving to this thenable would acquire again
      return new Lock(core);
    });
    return held.then(onFulfilled, onRejected);
  }
}

/** Creates a lock on `name` in `store` (nothing is sent until it is acquired). */
export function createLock(store: ObjectStore, name: string, options?: LockOptions): PendingLock {
  const keys = lockKeys(name);
  return new PendingLock(createEngine(store, keys, resolveLockOptions(options)));
}

/**
 * Runs `fn` while holding the lock `name`, then releases it (also when `fn` throws). `fn` receives
 * a signal that aborts if the lock is lost, and the held lock (for its `fencingToken`). Resolves with `fn`'s value; rejects with
 * `LockTimeoutError` if not acquired within `timeoutMs`, and with `LockLostError` if the lock was
 * lost while `fn` ran, even when `fn` itself completed (its work was not protected to the end).
 */
export async function withLock<T>(
  store: ObjectStore,
  name: string,
  fn: (signal: AbortSignal, lock: Lock) => T | Promise<T>,
  options?: LockOptions & { signal?: AbortSignal | undefined },
): Promise<T> {
  const { signal, ...lockOptions } = options ?? {};
  // a plain Lock, not the awaitable one: fn may return or await it without acquiring again
  const lock = new Lock(createEngine(store, lockKeys(name), resolveLockOptions(lockOptions, 'withLock')));
  const won = await lock.acquire({ signal });
  if (!won) throw new LockTimeoutError(name, lockOptions.timeoutMs ?? 0);
  const holderSignal = lock.signal as AbortSignal;
  let value: T;
  try {
    value = await fn(holderSignal, lock);
  } catch (error) {
    // fn's failure is the one to report; a failed release is left to the lease to clean up
    await lock.release().catch(() => {});
    throw error;
  }
  // before our own release, only a loss aborts the holder's signal
  const lost = holderSignal.aborted ? holderSignal.reason : undefined;
  await lock.release();
  if (lost !== undefined) throw lost;
  return value;
}
