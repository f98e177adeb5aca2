/**
 * What a `Lock` facade drives: one engine per `session.lock()` call, of one strategy (the ticket
 * election of `lock-core.ts`, the conditional turns of `conditional/`), or `auto`, which picks one
 * at the first acquisition.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { ObjectStore } from '../store/types.js';
import type { AcquireOptions, ResolvedLockOptions } from './defaults.js';
import type { LockEvents } from './events.js';
import type { LockKeys } from './names.js';

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
}
