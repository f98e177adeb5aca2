/**
 * Choosing a lock's engine: the ticket election, the conditional turns, or `auto`, which decides at
 * the first acquisition and keeps its choice for the life of the lock.
 *
 * `auto` picks the conditional strategy only where it is known safe and not in conflict: the store
 * qualified (create-only writes offered, atomic under a concurrent race, bucket unversioned), and
 * the name is already conditional (its marker exists) or carries no tickets (a ticket-strategy or
 * Python s3func contender would not see turns). Everything else gets the ticket strategy.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';
import { ConditionalCore } from './conditional/conditional-core.js';
import { readMarker } from './conditional/marker.js';
import { qualifyStore } from './conditional/qualify.js';
import type { AcquireOptions, ResolvedLockOptions } from './defaults.js';
import { LockEngine, type LockState, type LockStrategy } from './engine.js';
import type { LockEvents } from './events.js';
import { listTickets } from './lock-store.js';
import type { LockKeys } from './names.js';
import { LockCore } from './ticket/ticket-core.js';

/** The engine for `options.strategy`. Throws `ConfigError` (before any request) for an impossible choice. */
export function createEngine(store: ObjectStore, keys: LockKeys, options: ResolvedLockOptions): LockEngine {
  if (options.strategy === 'ticket') return new LockCore(store, keys, options);
  if (!store.capabilities.conditionalPut) {
    if (options.strategy === 'conditional') {
      throw new ConfigError(
        "strategy 'conditional' needs create-only writes (If-None-Match: *), which this store does not offer; use 'ticket' or 'auto'",
        'strategy',
      );
    }
    return new LockCore(store, keys, options);
  }
  if (options.strategy === 'conditional') return new ConditionalCore(store, keys, options);
  return new AutoEngine(store, keys, options);
}

/** Decides which strategy `auto` runs for `keys` on `store` (see the module). */
export async function chooseStrategy(
  store: ObjectStore,
  keys: LockKeys,
  options: { trustConditionalWrites: boolean; signal?: AbortSignal | undefined },
): Promise<LockStrategy> {
  if (!store.capabilities.conditionalPut) return 'ticket';
  if (!options.trustConditionalWrites && !(await qualifyStore(store, { signal: options.signal })).qualified)
    return 'ticket';
  if (await readMarker(store, keys, options.signal)) return 'conditional';
  return (await listTickets(store, keys, options.signal)).size > 0 ? 'ticket' : 'conditional';
}

const EVENTS: readonly (keyof LockEvents)[] = [
  'acquired',
  'waiting',
  'renewed',
  'lost',
  'released',
  'broke',
  'error',
];

/** `auto`: decides at the first acquisition, then drives the chosen engine. */
class AutoEngine extends LockEngine {
  #inner: LockEngine | undefined;
  #deciding = false;

  get strategy(): LockStrategy | undefined {
    return this.#inner?.strategy;
  }
  get state(): LockState {
    return this.#deciding ? 'acquiring' : (this.#inner?.state ?? 'idle');
  }
  get lockId(): string | undefined {
    return this.#inner?.lockId;
  }
  get fencingToken(): number | undefined {
    return this.#inner?.fencingToken;
  }
  get signal(): AbortSignal | undefined {
    return this.#inner?.signal;
  }
  isHeld(): boolean {
    return this.#inner?.isHeld() ?? false;
  }

  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    if (!this.#inner) {
      if (this.#deciding)
        throw new ConfigError('acquire was called again while the first call decides the strategy');
      this.#deciding = true;
      try {
        const strategy = await chooseStrategy(this.store, this.keys, {
          trustConditionalWrites: this.options.trustConditionalWrites,
          signal: options.signal,
        });
        this.#inner = this.#start(strategy);
      } finally {
        this.#deciding = false;
      }
    }
    return this.#inner.acquire(options);
  }

  #start(strategy: LockStrategy): LockEngine {
    const inner =
      strategy === 'conditional'
        ? new ConditionalCore(this.store, this.keys, this.options)
        : new LockCore(this.store, this.keys, this.options);
    for (const event of EVENTS)
      inner.on(event, (...args: unknown[]) => this.emit(event, ...(args as [never])));
    return inner;
  }

  release(): Promise<void> {
    return this.#inner?.release() ?? Promise.resolve();
  }
  verify(options?: { signal?: AbortSignal | undefined }): Promise<boolean> {
    return this.#inner?.verify(options) ?? Promise.resolve(false);
  }
  releaseForExit(): Promise<void> {
    return this.#inner?.releaseForExit() ?? Promise.resolve();
  }
}
