/**
 * The coordination methods every session offers (`lock`, `withLock`, `lockStatus`, `breakLocks`),
 * written once over the `ObjectStore` interface that each session implements.
 *
 * @module
 */

import { Election, type ElectionOptions } from '../election/election.js';
import type {
  DeleteObjectOptions,
  GetObjectOptions,
  ListedObject,
  ListedVersion,
  ListObjectsOptions,
  ListVersionsOptions,
  ObjectInfo,
  ObjectResponse,
  ObjectStore,
  PutObjectOptions,
  PutObjectResult,
  StoreCapabilities,
} from '../store/types.js';
import { validateNumber, validateOptions } from '../store/validate.js';
import { type ResetResult, resetConditional } from './conditional/reset.js';
import { LOCK_DEFAULTS, type LockOptions } from './defaults.js';
import { breakOldTickets, inspectLock } from './inspect.js';
import { createLock, type Lock, type PendingLock, withLock } from './lock.js';
import type { TicketStatus } from './lock-status.js';
import { lockKeys } from './names.js';
import { realRuntime } from './runtime.js';

/** Base of every session: the object API is the subclass's, the coordination API is shared. */
export abstract class CoordinationSession implements ObjectStore {
  abstract readonly capabilities: StoreCapabilities;
  abstract putObject(
    key: string,
    body: string | Uint8Array,
    options?: PutObjectOptions,
  ): Promise<PutObjectResult>;
  abstract getObject(key: string, options?: GetObjectOptions): Promise<ObjectResponse>;
  abstract headObject(key: string, options?: GetObjectOptions): Promise<ObjectInfo>;
  abstract listObjects(options?: ListObjectsOptions): AsyncIterable<ListedObject>;
  abstract listObjectVersions(options?: ListVersionsOptions): AsyncIterable<ListedVersion>;
  abstract deleteObject(key: string, options?: DeleteObjectOptions): Promise<void>;

  /**
   * A lock on `name`. Await it to acquire (`await using lock = await session.lock('job')`), or call
   * `acquire()` / `release()` yourself. Nothing is sent until it is acquired.
   */
  lock(name: string, options?: LockOptions): PendingLock {
    return createLock(this, name, options);
  }

  /**
   * Runs `fn` while holding the lock `name` (a job mutex); `fn`'s signal aborts if the lock is lost.
   * Resolves with `fn`'s value; the lock is released in every case.
   */
  withLock<T>(
    name: string,
    fn: (signal: AbortSignal, lock: Lock) => T | Promise<T>,
    options?: LockOptions & { signal?: AbortSignal | undefined },
  ): Promise<T> {
    return withLock(this, name, fn, options);
  }

  /**
   * A leader election on `name`: `campaign()` to lead, `leader()` / `observe()` to see who does.
   * Nothing is sent until one of them is called.
   */
  election(name: string, options?: ElectionOptions): Election {
    return new Election(this, name, options);
  }

  /** The tickets of lock `name`, oldest first, with who holds it and their leases. */
  lockStatus(
    name: string,
    options: { readOwners?: boolean; signal?: AbortSignal } = {},
  ): Promise<TicketStatus[]> {
    validateOptions(options, ['readOwners', 'signal'], 'lockStatus');
    return inspectLock(this, lockKeys(name), options);
  }

  /**
   * Gives lock `name` back from the conditional strategy: deletes its turns, done markers and marker,
   * after writing a fence object above every fencing token its turns gave out, so that tokens keep
   * rising when ticket contenders (or Python s3func) use the name next. Every process that used the
   * name must have stopped first (processes cache a name's strategy for their life); it refuses,
   * before deleting anything, while a turn is running. Resolves with what it did.
   */
  resetLock(name: string, options: { signal?: AbortSignal } = {}): Promise<ResetResult> {
    validateOptions(options, ['signal'], 'resetLock');
    return resetConditional(this, lockKeys(name), options.signal);
  }

  /**
   * Breaks the dead contenders of lock `name` older than `olderThanMs` (default 2 hours): tickets
   * (or, for the conditional strategy, turns) whose lease stays unchanged for its full duration while
   * this call watches it — so the call takes about one lease when there is a candidate — and tickets
   * without a lease (Python s3func contenders) by age alone. A holder that renews its lease is never
   * broken. Returns the broken lock ids.
   */
  breakLocks(name: string, options: { olderThanMs?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    validateOptions(options, ['olderThanMs', 'signal'], 'breakLocks');
    validateNumber(options.olderThanMs, 'olderThanMs');
    return breakOldTickets(this, lockKeys(name), {
      olderThanMs: options.olderThanMs ?? LOCK_DEFAULTS.breakAgeMs,
      signal: options.signal,
      wallNowMs: realRuntime.wallNow(),
      runtime: realRuntime,
      staleMs: LOCK_DEFAULTS.settleDelayMs,
    });
  }
}
