/**
 * What a `Lock` facade drives: one engine per `session.lock()` call, of one strategy (the ticket
 * election of `ticket/ticket-core.ts`, the conditional turns of `conditional/`), or `auto`, which picks one
 * at the first acquisition.
 *
 * @module
 */
import { hostname } from 'node:os';
import { EventEmitter } from 'eventemitter3';
import { LockStateError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';
import type { AcquireOptions, ResolvedLockOptions } from './defaults.js';
import type { LockEvents } from './events.js';
import { exitInProgress } from './exit-cleanup.js';
import { LeaseKeeper } from './lease-keeper.js';
import { type LockKeys, leaseKey } from './names.js';
import type { OwnObjects } from './own-objects.js';

/** Where a lock is in its life. */
export type LockState = 'idle' | 'acquiring' | 'held' | 'releasing' | 'lost';

/** The strategies a lock can run. */
export type LockStrategy = 'ticket' | 'conditional';

/** The working part of a lock, whatever its strategy. */
export abstract class LockEngine extends EventEmitter<LockEvents> {
  readonly store: ObjectStore;
  readonly keys: LockKeys;
  readonly options: ResolvedLockOptions;

  constructor(store: ObjectStore, keys: LockKeys, options: ResolvedLockOptions) {
    super();
    this.store = store;
    this.keys = keys;
    this.options = options;
  }

  /** The strategy in use (undefined: `auto`, before its first acquisition decided). */
  abstract get strategy(): LockStrategy | undefined;
  abstract get state(): LockState;
  abstract get lockId(): string | undefined;
  abstract get fencingToken(): number | undefined;
  /** Aborts when the lock is lost or released; a fresh signal per acquisition. */
  abstract get signal(): AbortSignal | undefined;
  /** True while held and the lease is trusted (no request is sent). */
  abstract isHeld(): boolean;
  /** Acquires: true when held, false when not won (non-blocking contention or timeout). */
  abstract acquire(options?: AcquireOptions): Promise<boolean>;
  /** Releases; idempotent. */
  abstract release(): Promise<void>;
  /** Confirms with the store that the lock is still held. */
  abstract verify(options?: { signal?: AbortSignal | undefined }): Promise<boolean>;
  /** Called by the exit handler: abort an acquisition in progress, or release. */
  abstract releaseForExit(): Promise<void>;

  /** Refuses to start an acquisition while the process is exiting on a signal. */
  protected refuseWhileExiting(): void {
    const exiting = this.options.cleanupOnExit ? exitInProgress() : undefined;
    if (exiting !== undefined) {
      throw new LockStateError(
        `cannot acquire lock ${JSON.stringify(this.keys.name)}: the process is exiting on ${exiting}`,
      );
    }
  }

  /**
   * The keeper of contender `lockId`'s lease, as both strategies write it: the body names the
   * contender (`extra` adds to it at each renewal), `check` runs after each renewal while held (and
   * while acquiring, with `checkWhileAcquiring`), `renewed` is emitted while held.
   */
  protected newKeeper(
    lockId: string,
    hooks: {
      own: OwnObjects;
      check: (signal: AbortSignal) => Promise<boolean>;
      checkWhileAcquiring?: boolean;
      onLost: (reason: string, cause?: unknown) => void;
      extra?: () => Record<string, unknown>;
    },
  ): LeaseKeeper {
    const { leaseMs, leaseMarginMs, runtime, mode } = this.options;
    const owner = this.options.owner ?? `${hostname()}:${process.pid}`;
    return new LeaseKeeper({
      store: this.store,
      key: leaseKey(this.keys, lockId, leaseMs),
      leaseMs,
      marginMs: leaseMarginMs,
      runtime,
      body: (renewal) =>
        JSON.stringify({
          lockId,
          mode,
          owner,
          value: this.options.value,
          leaseMs,
          ...hooks.extra?.(),
          renewal,
          renewedAt: new Date(runtime.wallNow()).toISOString(),
        }),
      check: (signal) =>
        this.state === 'held' || (hooks.checkWhileAcquiring === true && this.state === 'acquiring')
          ? hooks.check(signal)
          : Promise.resolve(true),
      onRenewed: (renewal, deadlineMs) => {
        if (this.state === 'held') this.emit('renewed', { renewal, validForMs: deadlineMs - runtime.now() });
      },
      onLost: hooks.onLost,
      own: hooks.own,
    });
  }
}
