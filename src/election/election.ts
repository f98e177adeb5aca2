/**
 * Leader election on a lock: candidates campaign for an exclusive lock on the election's name; the
 * holder is the leader, publishes a value, carries a fencing token, and is deposed when its lease is
 * lost. Anyone can ask who leads, or watch the leadership change.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { type LockLostError, LockStateError } from '../errors.js';
import { LOCK_DEFAULTS, type LockOptions } from '../lock/defaults.js';
import { createLock, type Lock } from '../lock/lock.js';
import { lockKeys } from '../lock/names.js';
import { realRuntime } from '../lock/runtime.js';
import type { ObjectStore } from '../store/types.js';
import { validateOptions } from '../store/validate.js';
import { abortReason } from '../util/abort.js';
import { type LeaderInfo, readLeader } from './leader.js';

/** Options of an election: those of its lock, less what an election decides itself. */
export type ElectionOptions = Omit<LockOptions, 'mode' | 'lockId' | 'timeoutMs'>;

/** Events of an election. */
export interface ElectionEvents {
  /** We became the leader. */
  elected: [info: { lockId: string; fencingToken: number }];
  /** We were the leader and are not any more (lease lost); `resign()` does not emit it. */
  deposed: [error: LockLostError];
  /** The leader changed, as seen by `observe()` (undefined: nobody leads). */
  leader: [leader: LeaderInfo | undefined];
  /** A background failure (a release after deposition that failed). */
  error: [error: unknown];
}

/**
 * A leader election among processes sharing a store. Get one from `session.election(name)`.
 *
 * @example
 * ```ts
 * const election = session.election('scheduler', { value: { url: myUrl } });
 * election.on('deposed', () => stopScheduling());
 * await election.campaign();            // resolves once we lead
 * runScheduler(election.signal, election.fencingToken);
 * ```
 */
export class Election extends EventEmitter<ElectionEvents> {
  readonly name: string;
  readonly #store: ObjectStore;
  readonly #options: ElectionOptions;
  #lock: Lock | undefined;
  #campaigning: Promise<void> | undefined;

  constructor(store: ObjectStore, name: string, options: ElectionOptions = {}) {
    super();
    lockKeys(name); // validates the name now, before any campaign
    validateOptions(options, ELECTION_OPTIONS, 'election');
    this.name = name;
    this.#store = store;
    this.#options = options;
  }

  /** True while we lead and our lease is trusted. */
  get isLeader(): boolean {
    return this.#lock?.isHeld() ?? false;
  }
  /** Our fencing token while we lead. */
  get fencingToken(): number | undefined {
    return this.isLeader ? this.#lock?.fencingToken : undefined;
  }
  /** Aborts when our leadership ends (deposed or resigned). */
  get signal(): AbortSignal | undefined {
    return this.#lock?.signal;
  }

  /**
   * Campaigns until elected. Resolves once we lead (at once if we already do); rejects with the
   * signal's reason if aborted first, leaving no candidacy behind.
   */
  campaign(options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    validateOptions(options, ['signal'], 'campaign');
    if (this.isLeader) return Promise.resolve();
    if (this.#campaigning)
      throw new LockStateError(`already campaigning in election ${JSON.stringify(this.name)}`);
    this.#campaigning = this.#campaign(options.signal).finally(() => {
      this.#campaigning = undefined;
    });
    return this.#campaigning;
  }

  async #campaign(signal: AbortSignal | undefined): Promise<void> {
    const lock = createLock(this.#store, this.name, { ...this.#options, mode: 'exclusive' });
    lock.on('lost', (error) => this.emit('deposed', error));
    lock.on('error', (error) => this.emit('error', error));
    if (!(await lock.acquire({ signal }))) {
      throw signal?.aborted ? abortReason(signal) : new LockStateError('campaign ended without a result');
    }
    this.#lock = lock;
    this.emit('elected', { lockId: lock.lockId as string, fencingToken: lock.fencingToken as number });
  }

  /** Steps down (releases the lock). Idempotent. */
  async resign(): Promise<void> {
    const lock = this.#lock;
    this.#lock = undefined;
    await lock?.release();
  }

  /** Who leads now, and the value they published (one look at the store). */
  leader(options: { signal?: AbortSignal | undefined } = {}): Promise<LeaderInfo | undefined> {
    return readLeader(this.#store, lockKeys(this.name), options.signal);
  }

  /**
   * Yields the current leader, then every change of leader (undefined while nobody leads), polling
   * every `pollIntervalMs`, until the signal aborts (the iteration then ends without error).
   */
  async *observe(
    options: { signal?: AbortSignal | undefined; pollIntervalMs?: number | undefined } = {},
  ): AsyncGenerator<LeaderInfo | undefined> {
    validateOptions(options, ['signal', 'pollIntervalMs'], 'observe');
    const interval = options.pollIntervalMs ?? this.#options.pollIntervalMs ?? LOCK_DEFAULTS.pollIntervalMs;
    const runtime = this.#options.runtime ?? realRuntime;
    let last: string | undefined;
    while (!options.signal?.aborted) {
      let current: LeaderInfo | undefined;
      try {
        current = await this.leader({ signal: options.signal });
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      const id = current?.lockId ?? '';
      if (last === undefined || id !== last) {
        last = id;
        this.emit('leader', current);
        yield current;
      }
      try {
        await runtime.sleep(interval, options.signal);
      } catch {
        return;
      }
    }
  }
}

const ELECTION_OPTIONS = [
  'strategy',
  'trustConditionalWrites',
  'turns',
  'leaseMs',
  'leaseMarginMs',
  'settleDelayMs',
  'pollIntervalMs',
  'visibilityTimeoutMs',
  'breakExpired',
  'cleanupOnExit',
  'owner',
  'value',
  'runtime',
] as const;
