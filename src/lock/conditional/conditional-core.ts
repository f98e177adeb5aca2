import {
  isRetryableError,
  LockLostError,
  LockStateError,
  StoreNotQualifiedError,
  StrategyConflictError,
} from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { abortReason } from '../../util/abort.js';
import { type AcquireOptions, type ResolvedLockOptions, validateAcquireOptions } from '../defaults.js';
import { LockEngine, type LockState } from '../engine.js';
import type { TicketInfo } from '../events.js';
import { registerForExit } from '../exit-cleanup.js';
import type { LeaseKeeper } from '../lease-keeper.js';
import { deleteRefs, listTickets } from '../lock-store.js';
import { type LockKeys, leaseKey, newLockId } from '../names.js';
import { OwnObjects } from '../own-objects.js';
import {
  cachedFrontier,
  discoverFrontier,
  type Frontier,
  gallopFrontier,
  rememberFrontier,
} from './frontier.js';
import { collectsAfter, collectTurns } from './gc.js';
import { LeaseWatch } from './lease-watch.js';
import { ensureMarker, type TurnSettings } from './marker.js';
import { qualifyStore } from './qualify.js';
import { type Blocker, TurnQueue } from './queue.js';
import {
  createDoneOfLiveTurn,
  createTurn,
  dropIfCollected,
  ensureDone,
  headTurn,
  readDone,
  type TurnInfo,
} from './turn-store.js';

/** Jitter applied to the poll interval, so waiters do not poll in lockstep. */
const POLL_JITTER = 0.2;
/** Creates lost in a row (each 412 moves past a turn taken meanwhile) before backing off, or giving up if we may not wait. */
const MAX_CREATES = 64;

/** One lock on one name under the conditional strategy. */
export class ConditionalCore extends LockEngine {
  readonly strategy = 'conditional' as const;
  #state: LockState = 'idle';
  #lockId: string | undefined;
  #turn: number | undefined;
  #settings: TurnSettings | undefined;
  #queue: TurnQueue | undefined;
  #keeper: LeaseKeeper | undefined;
  #own = new OwnObjects();
  #holder: AbortController | undefined;
  #attempt: AbortController | undefined;
  #unregisterExit: (() => void) | undefined;
  #releasing: Promise<void> | undefined;
  #lostError: LockLostError | undefined;
  #acquiredAtMs: number | undefined;
  /**
   * Numbers below our turn where a create of ours had no clear answer and the number was not ours
   * when we looked: such a create can still land (a ghost turn of ours, with our lease).
   */
  readonly #ambiguous = new Set<number>();
  /**
   * When (suspend-aware clock) a read was sent that then found our turn without a done marker: our
   * own create of the turn, or the keeper's check. See `#writeDone`.
   */
  #openSeenAtMs: number | undefined;

  constructor(store: ObjectStore, keys: LockKeys, options: ResolvedLockOptions) {
    super(store, keys, options);
  }

  get state(): LockState {
    return this.#state;
  }
  get lockId(): string | undefined {
    return this.#lockId;
  }
  /** The turn number this contender holds or waits with. */
  get turn(): number | undefined {
    return this.#turn;
  }
  get fencingToken(): number | undefined {
    if (this.#state !== 'held' || this.options.mode !== 'exclusive' || this.#turn === undefined)
      return undefined;
    return (this.#settings?.tokenBase ?? 0) + this.#turn;
  }
  get signal(): AbortSignal | undefined {
    return this.#holder?.signal;
  }

  isHeld(): boolean {
    return this.#state === 'held' && (this.#keeper?.isLive() ?? false);
  }

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
      const settings = await this.#prepare(signal);
      const taken = await this.#takeTurn(settings, signal, blocking, deadline);
      const entered = taken !== undefined && (await this.#wait(signal, blocking, deadline, taken.shortcut));
      if (!entered) {
        await this.#endTurn(false);
        this.#state = 'idle';
        return false;
      }
      if (!this.#keeper?.isLive())
        throw this.#lostError ?? new LockLostError(this.keys.name, 'the lease expired while acquiring');
      this.#state = 'held';
      this.#holder = new AbortController();
      this.#acquiredAtMs = runtime.now();
      this.emit('acquired', {
        lockId: this.#lockId as string,
        fencingToken: this.fencingToken,
        waitedMs: runtime.now() - started,
      });
      return true;
    } catch (error) {
      await this.#endTurn(false).catch(() => {});
      this.#state = 'idle';
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (attempt.signal.aborted && this.#lostError) throw this.#lostError;
      throw error;
    } finally {
      this.#attempt = undefined;
    }
  }

  /**
   * Round trip 1: qualification (once per bucket and process), the lease, the name's marker (once
   * per name and process) and the check that no ticket-strategy contender uses the name.
   */
  async #prepare(signal: AbortSignal): Promise<TurnSettings> {
    if (!this.options.trustConditionalWrites) {
      const verdict = await qualifyStore(this.store, { signal });
      if (!verdict.qualified) throw new StoreNotQualifiedError(verdict.reason);
    }
    const lockId = newLockId();
    this.#lockId = lockId;
    this.#turn = undefined;
    this.#openSeenAtMs = undefined;
    this.#queue = undefined;
    this.#own = new OwnObjects();
    const lease = this.#startLease(lockId, signal);
    const markerSentMs = this.options.runtime.suspendAwareNow();
    const marker = ensureMarker(this.store, this.keys, this.options.turns, signal);
    // the marker exists before this listing: a ticket contender that did not see the marker when it
    // confirmed its win wrote its ticket a settle delay before, so this listing shows it
    const tickets = marker.then(() => listTickets(this.store, this.keys, signal));
    const [settled] = await Promise.allSettled([lease, marker, tickets]);
    const settings = await marker;
    const found = await tickets;
    if (settled.status === 'rejected') throw settled.reason;
    if (found.size > 0) {
      throw new StrategyConflictError(
        this.keys.name,
        'ticket',
        `${found.size} ticket(s) under ${this.keys.ticketPrefix} (contenders of the ticket strategy, or Python s3func); ` +
          'use the ticket strategy for this name, or break those tickets if they are dead',
      );
    }
    // a marker we created had no turn above it when we sent it: the frontier is 0, learnt then
    if (settings.created) rememberFrontier(this.store, this.keys, { turn: 0, learnedAtMs: markerSentMs });
    this.#settings = settings;
    return settings;
  }

  async #startLease(lockId: string, signal: AbortSignal): Promise<void> {
    this.refuseWhileExiting();
    const keeper = this.newKeeper(lockId, {
      own: this.#own,
      // nobody ended our turn for us: while held, and while waiting (a waiter whose turn was ended
      // must not enter; C4)
      check: async (checkSignal) => {
        const turn = this.#turn;
        if (turn === undefined) return true;
        const sentAtMs = this.options.runtime.suspendAwareNow();
        const liveAtSend = this.#keeper?.isLive() ?? false;
        const open = (await readDone(this.store, this.keys, turn, checkSignal)) === undefined;
        // no marker means the turn is still running only if it cannot have been broken and
        // collected before the read: our lease was trusted from the send to the answer (less than
        // a lease apart), so no waiter broke us before the send, and collection needs a marker R old
        if (open && liveAtSend && this.#keeper?.isLive() && this.#turn === turn)
          this.#openSeenAtMs = sentAtMs;
        return open;
      },
      checkWhileAcquiring: true,
      onLost: (reason, cause) => this.#onLost(reason, cause),
      extra: () => ({ turn: this.#turn }),
    });
    this.#keeper = keeper;
    if (this.options.cleanupOnExit) this.#unregisterExit = registerForExit(this);
    await keeper.start(signal);
  }

  /**
   * Round trip 2: create the turn after the frontier, beside a GET of the frontier's done marker.
   * Resolves with what that GET found (the fast path's answer), or undefined when it gave up (turns
   * kept being taken by others, and the acquisition may not wait: non-blocking, or its deadline).
   *
   * Our own trust in a frontier value, and in a create's answer, is timed on the suspend-aware clock:
   * a machine that slept longer than the trust window wakes up distrusting both, so it never creates
   * a number collection took meanwhile, nor uses a create that landed that late (C1).
   */
  async #takeTurn(
    settings: TurnSettings,
    signal: AbortSignal,
    blocking: boolean,
    deadline: number,
  ): Promise<{ shortcut: Promise<Blocker[]> | undefined } | undefined> {
    const { runtime, mode, leaseMs } = this.options;
    const clock = () => runtime.suspendAwareNow();
    const lockId = this.#lockId as string;
    const trustMs = settings.retentionMs / 4;
    const fresh = (f: Frontier | undefined) => f !== undefined && clock() - f.learnedAtMs <= trustMs;
    const discover = () => discoverFrontier(this.store, this.keys, settings.checkpointEvery, clock, signal);
    let frontier = cachedFrontier(this.store, this.keys);
    if (!fresh(frontier)) frontier = await discover();
    let first = true;
    /** Numbers where a create of ours had no clear answer: a later 412 there may be our own (C2). */
    const ambiguous = this.#ambiguous;
    ambiguous.clear();
    for (let creates = 0; ; creates++) {
      if (creates >= MAX_CREATES) {
        // contention, not failure: give up if we may not wait, else back off and go on
        if (!blocking || runtime.now() >= deadline) return undefined;
        await this.#pause(signal, deadline);
        creates = 0;
        frontier = undefined;
      }
      if (!fresh(frontier)) frontier = await discover();
      const f = frontier as Frontier;
      const turn = f.turn + 1;
      const sentAtMs = clock();
      // a create that cannot land within a quarter of the retention is abandoned (R > C + L)
      const createSignal = this.#bounded(signal, trustMs);
      const queue = new TurnQueue(this.store, this.keys, turn, mode);
      const shortcut = first ? queue.poll(signal, true) : undefined;
      shortcut?.catch(() => {}); // awaited only if the create wins
      first = false;
      // won: ours; taken: someone else's; unknown: a failed create or a 412 on a retry
      let owner: 'won' | 'taken' | 'unknown' | 'free';
      try {
        const created = await createTurn(
          this.store,
          this.keys,
          turn,
          { lockId, mode, leaseMs },
          createSignal.signal,
        );
        owner = created === 'unsure' || (created === 'taken' && ambiguous.has(turn)) ? 'unknown' : created;
      } catch (error) {
        if (signal.aborted) throw error;
        if (!isRetryableError(error) && !createSignal.signal.aborted) throw error;
        owner = 'unknown';
      } finally {
        createSignal.done();
      }
      if (owner === 'unknown') {
        ambiguous.add(turn);
        // a 412 answering a retry may mean our own first attempt landed, and a failed create may
        // have landed (or land later: then it is a ghost of ours, ended while we wait): only a HEAD
        // tells whose the turn is, or that the number is still free
        const head = await headTurn(this.store, this.keys, turn, signal);
        owner = head === undefined ? 'free' : head.lockId === lockId ? 'won' : 'taken';
        if (owner === 'taken') ambiguous.delete(turn); // someone else's: ours can never land there
      }
      if (owner === 'won' && clock() - sentAtMs > trustMs) {
        // answered later than a create may take (a suspend, a stalled network): the number may be
        // one collection took meanwhile, so the turn is not used; it is ended, and we start afresh
        await createDoneOfLiveTurn(this.store, this.keys, turn, {
          floor: 0,
          entered: false,
          broken: false,
          by: lockId,
        });
        frontier = undefined;
        continue;
      }
      if (owner === 'won') {
        ambiguous.delete(turn);
        this.#turn = turn;
        this.#openSeenAtMs = sentAtMs; // created no earlier than sent, without a done marker
        this.#queue = queue;
        rememberFrontier(this.store, this.keys, { turn, learnedAtMs: sentAtMs });
        return { shortcut };
      }
      // a free number is tried again (never skipped: every number below a turn must exist)
      if (owner === 'free') continue;
      frontier = await gallopFrontier(this.store, this.keys, f, signal);
      rememberFrontier(this.store, this.keys, frontier);
    }
  }

  /** A signal that aborts with `parent` or after `ms` of the runtime's time. */
  #bounded(parent: AbortSignal, ms: number): { signal: AbortSignal; done: () => void } {
    const timer = new AbortController();
    const stop = new AbortController();
    this.options.runtime.sleep(ms, stop.signal, { ref: false }).then(
      () => timer.abort(),
      () => {},
    );
    return { signal: AbortSignal.any([parent, timer.signal]), done: () => stop.abort() };
  }

  /** Waits until the turns before ours are over; false when given up (non-blocking or deadline). */
  async #wait(
    signal: AbortSignal,
    blocking: boolean,
    deadline: number,
    shortcut: Promise<Blocker[]> | undefined,
  ): Promise<boolean> {
    const { runtime } = this.options;
    const queue = this.#queue as TurnQueue;
    const watch = new LeaseWatch();
    let lastBlockers = '';
    let pending = shortcut;
    for (;;) {
      let blockers: Blocker[];
      try {
        blockers = await (pending ?? queue.poll(signal));
      } catch (error) {
        if (!isRetryableError(error) || signal.aborted || !blocking || runtime.now() >= deadline) throw error;
        pending = undefined;
        await this.#pause(signal, deadline);
        continue;
      }
      pending = undefined;
      try {
        // before entering too: a shared ghost of ours is no blocker of a shared turn, but it would
        // hold up every exclusive turn behind it until our lease is gone
        if ((await this.#endGhosts(queue, signal)) && blockers.length > 0) continue;
      } catch (error) {
        if (!isRetryableError(error) || signal.aborted) throw error; // tried again at the next poll
      }
      if (blockers.length === 0) return true;
      const ids = blockers.map((b) => b.turn).join(',');
      if (ids !== lastBlockers) {
        lastBlockers = ids;
        const wall = runtime.wallNow();
        this.emit('waiting', {
          blockers: blockers.map((b) => describeTurn(b, queue.facts(b.turn)?.lockId, wall)),
        });
      }
      if (this.options.breakExpired && (await this.#breakExpired(queue, blockers, watch, signal))) continue;
      if (!blocking || runtime.now() >= deadline) return false;
      await this.#pause(signal, deadline);
    }
  }

  /**
   * Ends turns of ours we are not waiting with: a create whose client saw no clear answer, after
   * which a HEAD found the number free or someone else's, and which landed after all. Its lease is
   * ours, so nobody else would ever break it, and an exclusive turn behind it would wait for it as
   * long as we live — while a shared waiter does not even count it among its blockers (C2; the
   * model found the shared case). So every such number is read at each poll until it is settled:
   * someone else's turn, or ours, which is then ended. True if one of ours was ended.
   */
  async #endGhosts(queue: TurnQueue, signal: AbortSignal): Promise<boolean> {
    let ended = false;
    for (const n of [...this.#ambiguous]) {
      const facts = queue.facts(n) ?? (await headTurn(this.store, this.keys, n, signal));
      if (facts === undefined) continue; // still free: it may land yet
      this.#ambiguous.delete(n);
      if (facts.lockId !== this.#lockId) continue;
      await this.#endGhost(n, queue.floor, signal);
      queue.noteOver(n);
      ended = true;
    }
    return ended;
  }

  /** Ends a ghost turn `n` of ours (see `#endGhosts`); `floor` is what we know of the turns below. */
  #endGhost(n: number, floor: number, signal?: AbortSignal): Promise<boolean> {
    return createDoneOfLiveTurn(
      this.store,
      this.keys,
      n,
      { floor: floor >= n ? n + 1 : floor, entered: false, broken: false, by: this.#lockId as string },
      signal,
    );
  }

  #pause(signal: AbortSignal, deadline: number): Promise<void> {
    const { runtime, pollIntervalMs } = this.options;
    const ms = pollIntervalMs * (1 + POLL_JITTER * (2 * runtime.random() - 1));
    return runtime.sleep(Math.max(0, Math.min(ms, deadline - runtime.now())), signal);
  }

  /** Breaks the lowest blockers whose lease expired (their leases read together); true if one was. */
  async #breakExpired(
    queue: TurnQueue,
    blockers: Blocker[],
    watch: LeaseWatch,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { runtime } = this.options;
    const watched = blockers.slice(0, 4).flatMap((b) => {
      const facts = queue.facts(b.turn);
      return facts ? [facts] : [];
    });
    let verdicts: boolean[];
    try {
      verdicts = await Promise.all(
        watched.map((f) => watch.expired(this.store, this.keys, f, runtime, signal)),
      );
    } catch (error) {
      if (isRetryableError(error) && !signal.aborted) return false; // judged again at the next poll
      throw error;
    }
    const dead = watched.filter((_, i) => verdicts[i]);
    let ended = 0;
    for (const facts of dead) {
      // create-only: concurrent breakers agree, and a late release by the holder learns it was broken
      try {
        await this.#breakTurn(queue, facts, watch, signal);
      } catch (error) {
        if (isRetryableError(error) && !signal.aborted) break; // judged again at the next poll
        throw error;
      }
      ended++;
    }
    return ended > 0;
  }

  /** Ends a dead contender's turn with a done marker saying so, and deletes its lease. */
  async #breakTurn(queue: TurnQueue, facts: TurnInfo, watch: LeaseWatch, signal: AbortSignal): Promise<void> {
    await createDoneOfLiveTurn(
      this.store,
      this.keys,
      facts.turn,
      {
        floor: queue.floor >= facts.turn ? facts.turn + 1 : queue.floor,
        entered: false,
        broken: true,
        by: this.#lockId as string,
      },
      signal,
    );
    queue.noteOver(facts.turn);
    watch.forget(facts.turn);
    if (facts.lockId !== undefined && facts.leaseMs !== undefined) {
      await this.store
        .deleteObject(leaseKey(this.keys, facts.lockId, facts.leaseMs), { signal })
        .catch(() => {});
    }
    this.emit('broke', { lockId: facts.lockId ?? `turn ${facts.turn}`, reason: 'lease expired' });
  }

  /**
   * Ends our turn with its done marker (create-only: a 412 not written by us means we were broken),
   * then deletes our lease. The order matters: collection ends a running turn whose lease is gone
   * as a dead contender's (K30 of issue 14), so our lease goes only once our marker is settled;
   * a lease deleted beside it could vanish first, and our clean release be recorded as broken.
   * Without a turn, only the lease goes.
   */
  async #endTurn(entered: boolean): Promise<void> {
    await this.#keeper?.stop();
    this.#keeper = undefined;
    try {
      const turn = this.#turn;
      const lockId = this.#lockId;
      if (lockId === undefined) return;
      const ending = turn === undefined ? Promise.resolve() : this.#writeDone(turn, lockId, entered);
      const leaseKeyOf = leaseKey(this.keys, lockId, this.options.leaseMs);
      const versions = this.#own.versionsOf(leaseKeyOf);
      const refs =
        versions.length > 0
          ? versions.map((versionId) => ({ key: leaseKeyOf, versionId }))
          : [{ key: leaseKeyOf, versionId: undefined }];
      const [done] = await Promise.allSettled([ending]);
      const [lease] = await Promise.allSettled([deleteRefs(this.store, refs)]);
      if (done.status === 'rejected') throw done.reason;
      if (lease.status === 'rejected') throw lease.reason;
      this.#own = new OwnObjects();
      this.#turn = undefined;
      this.#lockId = undefined;
    } finally {
      this.#unregisterExit?.();
      this.#unregisterExit = undefined;
    }
  }

  async #writeDone(turn: number, lockId: string, entered: boolean): Promise<void> {
    // an exclusive holder entered with every earlier turn over; anyone else knows only its floor
    const known = entered && this.options.mode === 'exclusive' ? turn : (this.#queue?.floor ?? 0);
    // through ambiguous failures too: a turn left without its done marker blocks every later turn
    // for a lease, until a waiter breaks it; past a lease a waiter may have done so anyway
    const ours = await ensureDone(
      this.store,
      this.keys,
      turn,
      { floor: known >= turn ? turn + 1 : known, entered, broken: false, by: lockId },
      { runtime: this.options.runtime, budgetMs: this.options.leaseMs },
    );
    if (!ours) {
      this.#lostError ??= new LockLostError(this.keys.name, 'our turn was broken');
      return;
    }
    // A marker of ours for a turn already collected would stay for ever, below every later walk
    // (K29: a breaker ended the turn while we were paused, collection took the turn and the
    // breaker's marker, then ours landed). Collection takes a turn only once a done marker of it is
    // older than the retention R; none existed when the read sent at #openSeenAtMs looked (or when
    // our create of the turn was sent), and ours landed before now, so if now is within R / 4 of
    // that send (on the suspend-aware clock, never slower than real time; skew and rate error fit
    // in the slack R / 2) the turn was still there when ours landed: ours is its marker, collected
    // with it. Past that, a HEAD tells (dropIfCollected); best effort, a failed HEAD leaves it.
    const seen = this.#openSeenAtMs;
    const trustMs = (this.#settings?.retentionMs ?? 0) / 4;
    if (seen === undefined || this.options.runtime.suspendAwareNow() - seen > trustMs)
      await dropIfCollected(this.store, this.keys, turn).catch(() => {});
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
    void this.#release().catch((e: unknown) => this.emit('error', e));
  }

  /** Checks by GET that our turn has no done marker (nobody broke it) and the lease is trusted. */
  async verify(options: { signal?: AbortSignal | undefined } = {}): Promise<boolean> {
    if (!this.isHeld()) return false;
    const done = await readDone(this.store, this.keys, this.#turn as number, options.signal);
    if (done) {
      this.#keeper && this.#onLost('our turn was broken');
      return false;
    }
    return this.isHeld();
  }

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
    const turn = this.#turn;
    this.#releasing = (async () => {
      try {
        this.#holder?.abort(new LockLostError(this.keys.name, 'released'));
        await this.#endTurn(true);
        const settings = this.#settings;
        if (
          settings &&
          turn !== undefined &&
          collectsAfter(turn, settings, () => this.options.runtime.random())
        ) {
          const frontier = cachedFrontier(this.store, this.keys)?.turn ?? turn;
          await collectTurns(this.store, this.keys, settings, frontier, turn, undefined, (id) =>
            this.emit('broke', { lockId: id, reason: 'lease expired' }),
          ).catch(() => {});
        }
      } finally {
        this.#state = 'idle';
        this.#releasing = undefined;
      }
      if (wasHeld)
        this.emit('released', { lockId, heldMs: this.options.runtime.now() - (this.#acquiredAtMs ?? 0) });
    })();
    return this.#releasing;
  }

  releaseForExit(): Promise<void> {
    if (this.#state === 'acquiring') {
      this.#attempt?.abort(new LockLostError(this.keys.name, 'the process is exiting'));
      return this.#endTurn(false).catch(() => {});
    }
    return this.#release().catch(() => {});
  }
}

/** A turn as `waiting` events show it (in the shape of a ticket). */
function describeTurn(b: Blocker, lockId: string | undefined, wallNowMs: number): TicketInfo {
  return {
    lockId: lockId ?? `turn ${b.turn}`,
    mode: b.mode,
    recognised: true,
    complete: true,
    timestamp: b.lastModified,
    ageMs: Math.max(0, wallNowMs - b.lastModified.getTime()),
  };
}
