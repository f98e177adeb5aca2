import { LockLostError, LockStateError, StrategyConflictError, TicketLostError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { abortReason } from '../../util/abort.js';
import { qualifyStore } from '../conditional/qualify.js';
import { type AcquireOptions, type ResolvedLockOptions, validateAcquireOptions } from '../defaults.js';
import { LockEngine, type LockState } from '../engine.js';
import type { TicketInfo } from '../events.js';
import { registerForExit } from '../exit-cleanup.js';
import { FENCE_PRUNE_EVERY, pruneFences, takeFencingToken } from '../fencing.js';
import type { LeaseKeeper } from '../lease-keeper.js';
import { deleteRefs, listEntries, listOwnTicket, writeTicket } from '../lock-store.js';
import { type LockKeys, leaseKey, newLockId, turnKey } from '../names.js';
import { OwnObjects } from '../own-objects.js';
import { isComplete, type Ticket, type TicketPin } from '../ticket.js';
import { awaitOwnTicket } from './gate.js';
import { runElection, type Won } from './wait.js';

export type { LockState } from '../engine.js';

/** The working part of a ticket-strategy lock. One per `session.lock()` call. */
export class LockCore extends LockEngine {
  readonly strategy = 'ticket' as const;
  #state: LockState = 'idle';
  #lockId: string | undefined;
  #keeper: LeaseKeeper | undefined;
  #own = new OwnObjects();
  #fencingToken: number | undefined;
  #holder: AbortController | undefined;
  #attempt: AbortController | undefined;
  #unregisterExit: (() => void) | undefined;
  #releasing: Promise<void> | undefined;
  #lostError: LockLostError | undefined;
  #acquiredAtMs: number | undefined;
  /** How our seq-1 must be listed for a listing to reflect our last write of it (T4). */
  #pin: TicketPin | undefined;

  constructor(store: ObjectStore, keys: LockKeys, options: ResolvedLockOptions) {
    super(store, keys, options);
    this.#lockId = options.lockId;
  }

  get state(): LockState {
    return this.#state;
  }
  get lockId(): string | undefined {
    return this.#lockId;
  }
  get fencingToken(): number | undefined {
    return this.#state === 'held' ? this.#fencingToken : undefined;
  }
  /** Aborts when the lock is lost or released; a fresh signal per acquisition. */
  get signal(): AbortSignal | undefined {
    return this.#holder?.signal;
  }

  /** True while held and the lease is trusted (no request is sent). */
  isHeld(): boolean {
    return this.#state === 'held' && (this.#keeper?.isLive() ?? false);
  }

  /** Acquires the lock. Resolves true when held, false when not (non-blocking contention or timeout). */
  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    validateAcquireOptions(options);
    if (this.#state === 'held') return true;
    if (this.#state !== 'idle')
      throw new LockStateError(`cannot acquire lock ${JSON.stringify(this.keys.name)} while ${this.#state}`);
    const { runtime } = this.options;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : runtime.now() + timeoutMs;
    const blocking = options.blocking ?? true;
    this.#state = 'acquiring';
    this.#lostError = undefined;
    const attempt = new AbortController();
    this.#attempt = attempt;
    const signal = options.signal ? AbortSignal.any([options.signal, attempt.signal]) : attempt.signal;
    const started = runtime.now();
    try {
      const createOnly = this.#createOnlyTrusted(signal);
      const firstListing = await this.#startTicket(signal);
      const won = await this.#elect(signal, blocking, deadline, firstListing);
      if (!won) {
        await this.#discardTicket();
        this.#state = 'idle';
        return false;
      }
      await this.#checkNoTurns(won.conditionalMarker);
      if (this.options.mode === 'exclusive')
        this.#fencingToken = await this.#takeToken(won, createOnly, signal);
      if (!this.#keeper?.isLive())
        throw this.#lostError ?? new LockLostError(this.keys.name, 'the lease expired while acquiring');
      this.#state = 'held';
      this.#holder = new AbortController();
      this.#acquiredAtMs = runtime.now();
      this.emit('acquired', {
        lockId: this.#lockId as string,
        fencingToken: this.#fencingToken,
        waitedMs: runtime.now() - started,
      });
      return true;
    } catch (error) {
      await this.#discardTicket().catch(() => {});
      this.#state = 'idle';
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (attempt.signal.aborted && this.#lostError) throw this.#lostError;
      throw error;
    } finally {
      this.#attempt = undefined;
    }
  }

  /** Steps 1–3: lease, ticket, visibility gate. Resolves with the listing that passed the gate. */
  async #startTicket(signal: AbortSignal): Promise<Map<string, Ticket>> {
    const recovering = this.options.lockId !== undefined && this.#lockId === this.options.lockId;
    const lockId = recovering ? (this.#lockId as string) : newLockId();
    this.#lockId = lockId;
    this.#own = new OwnObjects();
    this.#fencingToken = undefined;
    this.#pin = undefined;
    if (recovering) {
      const { ticket } = await listOwnTicket(this.store, this.keys, lockId, signal);
      if (!ticket)
        throw new TicketLostError(this.keys.name, lockId, 'no ticket with this id exists to recover');
      if (ticket.mode !== this.options.mode) {
        throw new TicketLostError(
          this.keys.name,
          lockId,
          `the ticket to recover is ${ticket.mode}, not ${this.options.mode}`,
        );
      }
    }
    await this.#startLease(lockId, signal);
    const { runtime, settleDelayMs } = this.options;
    if (recovering) await this.#dropOtherLeases(lockId, signal);
    else
      this.#pin = await writeTicket(this.store, this.keys, lockId, this.options.mode, this.#own, {
        runtime,
        settleDelayMs,
        signal,
      });
    return awaitOwnTicket(this.store, this.keys, lockId, {
      runtime,
      timeoutMs: this.options.visibilityTimeoutMs,
      pollIntervalMs: this.options.pollIntervalMs,
      pin: this.#pin,
      signal,
    });
  }

  async #startLease(lockId: string, signal: AbortSignal): Promise<void> {
    // checked here and registered below in the same turn, so a signal cannot fall between
    this.refuseWhileExiting();
    const keeper = this.newKeeper(lockId, {
      own: this.#own,
      check: async (checkSignal) =>
        isComplete((await listOwnTicket(this.store, this.keys, lockId, checkSignal)).ticket),
      onLost: (reason, cause) => this.#onLost(reason, cause),
    });
    this.#keeper = keeper;
    // before the first write: a signal while the lease is being written must find the handler, or
    // the process ends at once and leaves the lease behind
    if (this.options.cleanupOnExit) this.#unregisterExit = registerForExit(this);
    await keeper.start(signal);
  }

  /**
   * A recovered ticket may carry a lease written with another `leaseMs` (the lease key names it):
   * once ours is written, that one goes, so that no observer times a key nobody renews (T5).
   */
  async #dropOtherLeases(lockId: string, signal: AbortSignal): Promise<void> {
    const ours = leaseKey(this.keys, lockId, this.options.leaseMs);
    const others = (await listEntries(this.store, `${this.keys.leasePrefix}${lockId}.`, signal)).filter(
      (e) => e.key !== ours && e.isDeleteMarker !== true,
    );
    await deleteRefs(
      this.store,
      others.map((e) => ({ key: e.key, versionId: e.versionId })),
      signal,
    );
  }

  /** Step 4: the election (see wait.ts). */
  #elect(signal: AbortSignal, blocking: boolean, deadline: number, firstListing: Map<string, Ticket>) {
    const { runtime } = this.options;
    return runElection({
      ...this.options,
      store: this.store,
      keys: this.keys,
      lockId: this.#lockId as string,
      ownPin: this.#pin,
      blocking,
      deadline,
      signal,
      firstListing,
      onWaiting: (blockers) =>
        this.emit('waiting', { blockers: blockers.map((b) => describeTicket(b, runtime.wallNow())) }),
      onBroke: (lockId, reason) => this.emit('broke', { lockId, reason }),
    });
  }

  /**
   * The name must not belong to the conditional strategy. Read beside the confirming listing, so
   * at least a settle delay after our ticket was written: a conditional contender that creates the
   * name's marker after this HEAD lists tickets after that, and sees ours (see
   * docs/conditional-strategy.md, "Meeting the ticket strategy").
   */
  async #checkNoTurns(marker: Promise<boolean>): Promise<void> {
    if (!(await marker)) return;
    throw new StrategyConflictError(
      this.keys.name,
      'conditional',
      `${turnKey(this.keys, 0)} marks it; use strategy 'conditional' (or 'auto') for this name`,
    );
  }

  /**
   * Step 5: the fencing token. Where create-only puts are honoured — the store qualified (measured
   * by `qualifyStore`, or trusted with `trustConditionalWrites`), not merely offered the header —
   * the fence listing taken with the confirming listing is used and a collision moves on to the next
   * number. Elsewhere the listing waits `settleDelayMs` past the confirmation: a holder that acquired
   * and released inside our settle window wrote its token before our confirming listing, so a listing
   * one staleness bound later shows it (simulation counterexample K1). A store that accepts
   * `If-None-Match: *` and ignores it (Ceph RGW 16 on a versioned bucket) would otherwise let two
   * holders take one token (finding T3 of issue 14).
   */
  async #takeToken(won: Won, createOnly: Promise<boolean>, signal: AbortSignal): Promise<number> {
    // the verdict is awaited no longer than the settle delay, which the other path waits anyway:
    // while it is out (a qualification race takes seconds under network faults) we hold the lock
    // we won and every waiter waits with us
    const { runtime, settleDelayMs } = this.options;
    const started = runtime.now();
    const timer = new AbortController();
    const late = runtime.sleep(settleDelayMs, AbortSignal.any([signal, timer.signal])).then(
      () => false,
      (error: unknown) => (signal.aborted ? Promise.reject(error) : false),
    );
    const trusted = await Promise.race([createOnly, late]).finally(() => timer.abort());
    if (!trusted) await runtime.sleep(Math.max(0, settleDelayMs - (runtime.now() - started)), signal);
    return takeFencingToken(this.store, this.keys, this.#lockId as string, {
      createOnly: trusted,
      signal,
      listed: trusted ? won.fences : undefined,
    });
  }

  /**
   * Whether this store's create-only writes can be relied on, decided beside the ticket writes (so it
   * costs no time): the qualification verdict is cached per bucket and process; a failed measurement
   * counts as no.
   */
  #createOnlyTrusted(signal: AbortSignal): Promise<boolean> {
    if (this.options.mode !== 'exclusive' || !this.store.capabilities.conditionalPut)
      return Promise.resolve(false);
    if (this.options.trustConditionalWrites) return Promise.resolve(true);
    const verdict = qualifyStore(this.store, { signal }).then(
      (v) => v.qualified,
      () => false,
    );
    return verdict;
  }

  /** Deletes our ticket and lease after a failed or abandoned acquisition, or on release. */
  async #discardTicket(): Promise<void> {
    await this.#keeper?.stop();
    this.#keeper = undefined;
    try {
      const lockId = this.#lockId;
      if (lockId === undefined) return;
      const cleanup = { runtime: this.options.runtime, settleDelayMs: this.options.settleDelayMs };
      if (this.options.lockId !== undefined) {
        // a recovered ticket was written by an earlier process: delete what the listing shows
        for (const ref of (await listOwnTicket(this.store, this.keys, lockId)).versions)
          this.#own.wrote(ref.key, ref.versionId);
      }
      // tickets before the lease: a crash in between leaves an orphan lease, not a leaseless ticket
      await this.#own.deleteUnder(this.store, `${this.keys.ticketPrefix}${lockId}-`, cleanup);
      await this.#own.deleteUnder(this.store, `${this.keys.leasePrefix}${lockId}.`, cleanup);
      if (this.options.lockId === undefined) this.#lockId = undefined;
    } finally {
      // only now: a SIGTERM that arrives while the deletes are in flight must wait for them (the exit
      // handler awaits this release), not find no handler and end the process half-way
      this.#unregisterExit?.();
      this.#unregisterExit = undefined;
    }
  }

  #onLost(reason: string, cause?: unknown): void {
    const error = new LockLostError(this.keys.name, reason, cause);
    this.#lostError = error;
    if (this.#state === 'acquiring') {
      this.#attempt?.abort(error);
      return;
    }
    if (this.#state !== 'held') return;
    this.#state = 'lost';
    this.#holder?.abort(error);
    this.emit('lost', error);
    // nothing more to protect: take our ticket back so others need not wait for the lease to run out
    void this.#release().catch((e: unknown) => this.emit('error', e));
  }

  /**
   * Checks with a fresh listing that we still hold the lock: held, lease trusted, and both our
   * ticket objects listed. False otherwise (never throws for a lost lock; network errors do throw).
   */
  async verify(options: { signal?: AbortSignal | undefined } = {}): Promise<boolean> {
    if (!this.isHeld()) return false;
    const { ticket } = await listOwnTicket(this.store, this.keys, this.#lockId as string, options.signal);
    if (!isComplete(ticket)) {
      this.#keeper && this.#onLost('our ticket is no longer in the store');
      return false;
    }
    return this.isHeld();
  }

  /** Releases the lock: stops the lease, deletes our ticket (every version) and lease. Idempotent. */
  release(): Promise<void> {
    if (this.#state === 'acquiring') {
      return Promise.reject(
        new LockStateError('cannot release while acquiring; abort the acquire with its signal'),
      );
    }
    return this.#release();
  }

  #release(): Promise<void> {
    if (this.#releasing) return this.#releasing;
    if (this.#state === 'idle') return Promise.resolve();
    const wasHeld = this.#state === 'held' || this.#state === 'lost';
    this.#state = 'releasing';
    const lockId = this.#lockId as string;
    const token = this.#fencingToken;
    this.#releasing = (async () => {
      try {
        this.#holder?.abort(new LockLostError(this.keys.name, 'released'));
        await this.#discardTicket();
        if (token !== undefined && token % FENCE_PRUNE_EVERY === 0)
          await pruneFences(this.store, this.keys, token).catch(() => {});
      } finally {
        this.#state = 'idle';
        this.#releasing = undefined;
        this.#fencingToken = undefined;
      }
      if (wasHeld)
        this.emit('released', { lockId, heldMs: this.options.runtime.now() - (this.#acquiredAtMs ?? 0) });
    })();
    return this.#releasing;
  }

  /** Called by the exit handler: abort an acquisition in progress, or release. */
  releaseForExit(): Promise<void> {
    if (this.#state === 'acquiring') {
      this.#attempt?.abort(new LockLostError(this.keys.name, 'the process is exiting'));
      return this.#discardTicket().catch(() => {});
    }
    return this.#release().catch(() => {});
  }
}

/** A ticket as events and inspection show it. */
export function describeTicket(ticket: Ticket, wallNowMs: number): TicketInfo {
  return {
    lockId: ticket.lockId,
    mode: ticket.mode,
    recognised: ticket.recognised,
    complete: isComplete(ticket),
    timestamp: new Date(ticket.timestampMs),
    ageMs: Math.max(0, wallNowMs - ticket.timestampMs),
  };
}
