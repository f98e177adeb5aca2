/**
 * One simulation case: a scheduler, a simulated store, N contenders running their scripts (the
 * real lock core via `createLock`, or Python s3func's rules), faults injected on virtual time, and a
 * record of everything the properties look at.
 *
 * @module
 */
import { LOCK_DEFAULTS } from '../../src/lock/defaults.js';
import { createLock, type Lock } from '../../src/lock/lock.js';
import { S3Session } from '../../src/s3/session.js';
import type { ObjectStore } from '../../src/store/types.js';
import {
  type ContenderSpec,
  type FaultSpec,
  type LockTiming,
  lockTiming,
  type Mode,
  type SimConfig,
  type StepSpec,
  turnSettings,
} from './config.js';
import { DirectView } from './direct-view.js';
import { setLockIdSource } from './lock-ids.js';
import { Prng, streamSeed } from './prng.js';
import { PythonRuleLock } from './python-contender.js';
import { SimS3Dispatcher } from './s3-dispatcher.js';
import { EventBudgetExceeded, Scheduler, SimProcess, US } from './scheduler.js';
import { SimStore } from './sim-store.js';
import { EPOCH_MS, VirtualRuntime } from './virtual-runtime.js';

export const LOCK_NAME = 'jobs/nightly';
/** Events one case may fire before it counts as a livelock. */
const MAX_EVENTS = 400_000;

/** A stretch during which a contender believed it held the lock. */
export interface Hold {
  id: number;
  who: number;
  kind: 'ts' | 'python';
  lockId: string;
  mode: Mode;
  token: number | undefined;
  fromUs: number;
  /**
   * When belief ended: release started, `lost` fired, `isHeld()` said false before the holder
   * acted, or the process crashed (Infinity: never ended).
   */
  toUs: number;
  endedBy: 'release' | 'lost' | 'crash' | 'open';
  /**
   * Stretches the holder's machine was suspended: it could not act, so belief does not count
   * there; on waking, `isHeld()` decides at once whether it goes on believing.
   */
  frozen: { fromUs: number; toUs: number }[];
}

export interface AcquireRecord {
  who: number;
  kind: 'ts' | 'python' | 'janitor';
  label: string;
  mode: Mode;
  blocking: boolean;
  timeoutMs: number | undefined;
  startUs: number;
  endUs: number | undefined;
  /** `won`, `not-won`, `pending` (never settled), `crashed`, or the error's name and message. */
  outcome: string;
}

export interface WriteRecord {
  holdId: number;
  token: number;
  atUs: number;
  accepted: boolean;
}

export interface SimResult {
  config: SimConfig;
  timing: LockTiming;
  holds: Hold[];
  acquires: AcquireRecord[];
  writes: WriteRecord[];
  /** Writes the fenced resource accepted from two different holders with the same token. */
  fenceViolations: string[];
  /** True time when the case ended (µs). */
  endUs: number;
  events: number;
  requests: number;
  /** Conditional strategy: turns collected during the case. */
  turnsCollected: number;
  /** Contenders that crashed. */
  crashed: number[];
  /** Contenders (not crashed) whose script never finished. */
  stuck: number[];
  /** Objects left under `.lock.` and `.lease.` after the janitor (undefined without janitor). */
  leftovers: { key: string; versionId: string; isDeleteMarker: boolean }[] | undefined;
  janitor: 'skipped' | 'done' | 'stuck' | string;
  /** Set when the case could not run to its end (event budget). */
  abort: string | undefined;
  /** True time after which no fault happens and no pause lasts (µs). */
  quietFromUs: number;
  /** Bound on how long one blocking acquire may take once quiet (ms), see README. */
  livenessBoundMs: number;
  /** How long the janitor slept waiting for the age gate of Python tickets (ms). */
  ageGateWaitMs: number;
  /** Conditional strategy: samples of the turn and done objects that are not checkpoints, over the case. */
  turnObjects: { atUs: number; turns: number; acquisitions: number; count: number; young: number }[];
  /** Conditional strategy, with a janitor: what is left of turns, done markers and leases after its collection. */
  turnLeftovers: string[] | undefined;
  /** Conditional strategy: the turn settings the case ran with. */
  turnSettings: { checkpointEvery: number; retentionMs: number };
  /** What the operator's breaks returned, and when. */
  operatorBreaks: { atUs: number; broken: string[] | string }[];
}

/** A resource that accepts a write only with a token at least the highest it has seen. */
class FencedResource {
  #maxToken = Number.NEGATIVE_INFINITY;
  #maxHolder = -1;
  readonly violations: string[] = [];

  write(token: number, holdId: number, atUs: number): boolean {
    if (token < this.#maxToken) return false;
    if (token === this.#maxToken && holdId !== this.#maxHolder) {
      this.violations.push(
        `t=${(atUs / US).toFixed(3)}ms: holds #${this.#maxHolder} and #${holdId} both wrote with token ${token}`,
      );
    }
    this.#maxToken = token;
    this.#maxHolder = holdId;
    return true;
  }
}

/** How long one blocking acquire may take once faults stopped (ms): see test/sim/README.md. */
export function livenessBound(config: SimConfig, timing: LockTiming): number {
  const s = config.store;
  const perAcquisition =
    timing.leaseMs * 1.05 + // a dead holder's lease must be seen unchanged for leaseMs (own clock)
    3 * timing.settleDelayMs + // provisional win + confirmation (+ a reset)
    3 * timing.pollIntervalMs * 1.2 + // polls until the change is seen
    2 * (s.staleMs + s.writeMs) + // until releases and tickets are listed
    80 * s.latencyMs[1] * 2 + // requests of gate, election, fencing, release, breaking
    s.granularityMs;
  const longestHold = Math.max(0, ...config.contenders.flatMap((c) => c.steps.map((st) => st.holdMs)));
  const contenders = config.contenders.length + 1;
  return contenders * (perAcquisition + longestHold);
}

/**
 * The case running now. fast-check abandons a case when a time limit interrupts it; the newer case
 * supersedes it, and its scheduler stops at its next step, so two cases never share the lock-id
 * source or the CPU.
 */
let generation = 0;
/** Cases run by this worker: each gets its own bucket (facts cached per bucket, such as qualification, are process-wide). */
let caseNumber = 0;

/** Runs one case to its end and returns its record. `debug` hands out the scheduler and store (for investigations). */
export async function simulate(
  config: SimConfig,
  debug?: { scheduler?: (s: Scheduler) => void; store?: (s: SimStore) => void },
): Promise<SimResult> {
  const mine = ++generation;
  const bucket = `sim-${++caseNumber}`;
  const timing = lockTiming(config);
  const turns = config.turns ?? turnSettings(config.store);
  const maxEvents = config.maxEvents ?? MAX_EVENTS;
  const scheduler = new Scheduler();
  debug?.scheduler?.(scheduler);
  const store = new SimStore(scheduler, config.store, new Prng(streamSeed(config.seed, 1)));
  debug?.store?.(store);
  const ids = new Prng(streamSeed(config.seed, 2));
  setLockIdSource(() => ids.hex(13));
  const resource = new FencedResource();
  const holds: Hold[] = [];
  const acquires: AcquireRecord[] = [];
  const writes: WriteRecord[] = [];
  const locks: Lock[] = []; // kept reachable: a collected Lock would release itself (FinalizationRegistry)
  const faultWindowUs = config.faultWindowMs * US;
  const unboundedWaiters = config.waiterPauses === 'unbounded';
  /** A holder's pause is cut to the budget; a waiter's too, unless the case lets waiters pause for longer. */
  const pauseOf = (f: FaultSpec, holding: boolean) =>
    f.kind === 'suspend' || (unboundedWaiters && !holding)
      ? f.pauseMs
      : Math.min(f.pauseMs, timing.pauseBudgetMs);
  const longestPauseMs = Math.max(
    0,
    ...config.contenders.flatMap((c) =>
      c.steps.map((st) => (st.fault && st.fault.kind !== 'crash' ? pauseOf(st.fault, false) : 0)),
    ),
  );
  const quietFromUs = faultWindowUs + longestPauseMs * US;
  const livenessBoundMs = livenessBound(config, timing);

  const trustConditionalWrites = config.trustConditionalWrites ?? config.strategy === 'conditional';
  const lockOptions = (runtime: VirtualRuntime, mode: Mode, who: string) => ({
    mode,
    leaseMs: timing.leaseMs,
    leaseMarginMs: timing.leaseMarginMs,
    settleDelayMs: timing.settleDelayMs,
    pollIntervalMs: timing.pollIntervalMs,
    visibilityTimeoutMs: Math.max(LOCK_DEFAULTS.visibilityTimeoutMs, 4 * config.store.staleMs),
    runtime,
    cleanupOnExit: false,
    owner: who,
    strategy: config.strategy ?? 'ticket',
    // conditional cases run on atomic stores; elsewhere the qualification race runs for real
    trustConditionalWrites,
    turns,
  });

  /** A process's handle on the store: a real S3Session over the simulated S3 endpoint, or a direct view. */
  const connect = (process: SimProcess, runtime: VirtualRuntime, renewalFailP = 0): ObjectStore =>
    config.store.protocol === 's3'
      ? new S3Session(
          {
            bucket,
            endpoint: 'http://s3.sim.invalid',
            // given, so that no profile is read from disk (real I/O has no place on virtual time)
            region: 'us-east-1',
            forcePathStyle: true,
            accessKeyId: 'SIMACCESSKEY',
            secretAccessKey: 'simulated-secret-access-key',
            dispatcher: new SimS3Dispatcher(store, process, bucket, renewalFailP),
            runtime,
            retry: { maxAttempts: config.store.maxAttempts },
          },
          {},
        )
      : new DirectView(store, process, runtime, `sim:${bucket}`, renewalFailP);

  interface Contender {
    index: number;
    spec: ContenderSpec;
    process: SimProcess;
    runtime: VirtualRuntime;
    store: ObjectStore;
    finished: boolean;
    /** The lock of the step being run (for `isHeld()` on waking from a suspend). */
    lock: Lock | undefined;
  }

  const openHolds = new Map<number, Hold>(); // by contender
  const openAcquires = new Map<number, AcquireRecord>();

  const crash = (c: Contender) => {
    c.process.crash();
    const hold = openHolds.get(c.index);
    if (hold) {
      hold.toUs = scheduler.nowUs;
      hold.endedBy = 'crash';
      openHolds.delete(c.index);
    }
    const acquire = openAcquires.get(c.index);
    if (acquire) {
      acquire.outcome = 'crashed';
      acquire.endUs = scheduler.nowUs;
      openAcquires.delete(c.index);
    }
  };

  /** Pauses `c` now for `ms` (cut to the budget if it holds, see pauseOf). */
  const pauseNow = (c: Contender, fault: FaultSpec) => {
    c.process.pause();
    scheduler.after(pauseOf(fault, openHolds.has(c.index)), undefined, () => c.process.resume());
  };

  /** Suspends `c`'s machine now: paused, its monotonic clock stopped; on waking, a holder asks `isHeld()`. */
  const suspendNow = (c: Contender, fault: FaultSpec) => {
    const fromUs = scheduler.nowUs;
    c.process.pause();
    c.runtime.suspend();
    scheduler.after(fault.pauseMs, undefined, () => {
      if (c.process.state === 'crashed') return;
      c.runtime.wake();
      const hold = openHolds.get(c.index);
      if (hold) {
        hold.frozen.push({ fromUs, toUs: scheduler.nowUs });
        // the holder's next act is guarded by isHeld(): a lock that knows it slept says false now
        if (c.lock && !c.lock.isHeld()) endHold(c, hold, 'lost');
      }
      c.process.resume();
    });
  };

  const injectFault = (c: Contender, fault: FaultSpec | undefined) => {
    if (!fault) return;
    const atUs = scheduler.nowUs + fault.afterMs * US;
    if (atUs >= faultWindowUs) return;
    scheduler.at(atUs, undefined, () => {
      if (c.process.state !== 'running' || c.finished) return;
      if (fault.kind === 'crash') crash(c);
      else if (fault.kind === 'pause') pauseNow(c, fault);
      else if (fault.kind === 'suspend') suspendNow(c, fault);
      else {
        // a stall: the next response is in, the code acting on it waits
        c.process.stallAtNextResponse((p) => {
          if (scheduler.nowUs >= faultWindowUs) {
            p.resume();
            return;
          }
          scheduler.after(pauseOf(fault, openHolds.has(c.index)), undefined, () => p.resume());
        });
      }
    });
  };

  const startHold = (c: Contender, lockId: string, mode: Mode, token: number | undefined): Hold => {
    const hold: Hold = {
      id: holds.length,
      who: c.index,
      kind: c.spec.kind,
      lockId,
      mode,
      token,
      fromUs: scheduler.nowUs,
      toUs: Number.POSITIVE_INFINITY,
      endedBy: 'open',
      frozen: [],
    };
    holds.push(hold);
    openHolds.set(c.index, hold);
    return hold;
  };
  const endHold = (c: Contender, hold: Hold | undefined, endedBy: Hold['endedBy']) => {
    if (hold?.endedBy !== 'open') return;
    hold.toUs = scheduler.nowUs;
    hold.endedBy = endedBy;
    openHolds.delete(c.index);
  };

  /** Holds for `step.holdMs`, writing to the fenced resource in between (each write guarded by `isHeld()`). */
  const hold = async (
    c: Contender,
    h: Hold,
    step: StepSpec,
    signal: AbortSignal | undefined,
    isHeld: () => boolean,
  ) => {
    const slices = step.writes + 1;
    for (let i = 0; i < slices; i++) {
      await c.runtime.sleep(step.holdMs / slices);
      if (i === slices - 1 || h.mode !== 'exclusive' || h.token === undefined) continue;
      if (signal?.aborted || h.endedBy !== 'open') break; // told it was lost: stop working
      if (!isHeld()) {
        endHold(c, h, 'lost'); // the lease is no longer trusted: stop working
        break;
      }
      writes.push({
        holdId: h.id,
        token: h.token,
        atUs: scheduler.nowUs,
        accepted: resource.write(h.token, h.id, scheduler.nowUs),
      });
    }
  };

  const beginAcquire = (
    c: Contender,
    label: string,
    step: StepSpec,
    kind: AcquireRecord['kind'],
  ): AcquireRecord => {
    const record: AcquireRecord = {
      who: c.index,
      kind,
      label,
      mode: step.mode,
      blocking: step.blocking,
      timeoutMs: step.timeoutMs,
      startUs: scheduler.nowUs,
      endUs: undefined,
      outcome: 'pending',
    };
    acquires.push(record);
    openAcquires.set(c.index, record);
    return record;
  };
  const endAcquire = (c: Contender, record: AcquireRecord, outcome: string) => {
    if (record.outcome !== 'pending') return;
    record.outcome = outcome;
    record.endUs = scheduler.nowUs;
    openAcquires.delete(c.index);
  };

  const tsStep = async (c: Contender, step: StepSpec, label: string) => {
    const lock = createLock(c.store, LOCK_NAME, lockOptions(c.runtime, step.mode, `c${c.index}`));
    locks.push(lock);
    c.lock = lock;
    let current: Hold | undefined;
    lock.on('lost', () => endHold(c, current, 'lost'));
    const record = beginAcquire(c, label, step, 'ts');
    if (step.fault?.phase === 'acquiring') injectFault(c, step.fault);
    let won: boolean;
    try {
      won = await lock.acquire({ blocking: step.blocking, timeoutMs: step.timeoutMs });
    } catch (error) {
      endAcquire(c, record, errorName(error));
      return;
    }
    endAcquire(c, record, won ? 'won' : 'not-won');
    if (!won) return;
    current = startHold(c, lock.lockId as string, step.mode, lock.fencingToken);
    if (step.fault?.phase === 'holding') injectFault(c, step.fault);
    await hold(c, current, step, lock.signal, () => lock.isHeld());
    endHold(c, current, 'release');
    await lock.release().catch(() => {});
    afterRelease();
  };

  const pythonStep = async (c: Contender, step: StepSpec, label: string) => {
    const lock = new PythonRuleLock(c.store, c.runtime, LOCK_NAME, step.mode, ids.hex(13), {
      settleDelayMs: timing.settleDelayMs,
      pollIntervalMs: timing.pollIntervalMs,
      gateTimeoutMs: Math.max(30_000, 4 * config.store.staleMs),
    });
    const record = beginAcquire(c, label, step, 'python');
    if (step.fault?.phase === 'acquiring') injectFault(c, step.fault);
    let won: boolean;
    try {
      won = await lock.acquire(step.blocking, step.timeoutMs);
    } catch (error) {
      endAcquire(c, record, errorName(error));
      return;
    }
    endAcquire(c, record, won ? 'won' : 'not-won');
    if (!won) return;
    const current = startHold(c, lock.lockId, step.mode, undefined);
    if (step.fault?.phase === 'holding') injectFault(c, step.fault);
    await hold(c, current, step, undefined, () => true);
    endHold(c, current, 'release');
    await lock.release().catch(() => {});
  };

  const contenders: Contender[] = config.contenders.map((spec, index) => {
    const process = new SimProcess(scheduler, `c${index}`);
    const runtime = new VirtualRuntime(
      scheduler,
      process,
      {
        drift: spec.drift,
        wallOffsetMs: spec.wallOffsetMs,
        monoOriginMs: 1_000_000 * (index + 1),
        suspendAware: config.violation !== 'suspend-unaware',
      },
      new Prng(streamSeed(config.seed, 10 + index)),
    );
    return {
      index,
      spec,
      process,
      runtime,
      store: connect(process, runtime, spec.renewalFailP ?? 0),
      finished: false,
      lock: undefined,
    };
  });

  // conditional strategy: how many turn and done objects (checkpoints and the marker aside) there are, now and then
  const turnObjects: SimResult['turnObjects'] = [];
  let acquisitions = 0;
  const countTurnObjects = () => {
    const k = turns.checkpointEvery;
    let count = 0;
    let young = 0;
    let highest = 0;
    // what collection may not take yet: turns younger than twice the retention (store clock, with slack)
    const youngSinceMs =
      EPOCH_MS +
      scheduler.nowMs -
      2 * turns.retentionMs -
      2 * config.store.skewMs -
      config.store.granularityMs;
    for (const prefix of [`${LOCK_NAME}.turn.`, `${LOCK_NAME}.done.`]) {
      for (const key of store.liveKeys(prefix)) {
        const n = Number(key.slice(prefix.length));
        if (prefix.endsWith('.turn.')) {
          highest = Math.max(highest, n);
          if (n % k !== 0 && (store.latest(key)?.lastModifiedMs ?? 0) >= youngSinceMs) young++;
        }
        if (n % k !== 0) count++;
      }
    }
    turnObjects.push({ atUs: scheduler.nowUs, turns: highest, acquisitions, count, young });
  };
  const sampleEvery = Math.max(
    1,
    Math.round((config.contenders.length * Math.max(...config.contenders.map((c) => c.loops ?? 1))) / 4),
  );
  function afterRelease() {
    acquisitions++;
    if (config.strategy === 'conditional' && acquisitions % sampleEvery === 0) countTurnObjects();
  }

  const run = async (c: Contender) => {
    try {
      for (let loop = 0; loop < (c.spec.loops ?? 1); loop++) {
        for (const [i, step] of c.spec.steps.entries()) {
          await c.runtime.sleep(step.gapMs);
          await (c.spec.kind === 'ts' ? tsStep(c, step, `step ${i}`) : pythonStep(c, step, `step ${i}`));
        }
      }
      if (config.finalAcquire && c.spec.kind === 'ts') {
        // wait for the quiet period, then one more blocking exclusive acquisition (liveness)
        const wait = Math.max(0, (quietFromUs - scheduler.nowUs) / US);
        await c.runtime.sleep(wait);
        await tsStep(c, finalStep, 'final');
      }
    } finally {
      c.finished = true;
    }
  };
  scheduler.at(faultWindowUs, undefined, () => {
    store.faults = false;
  });
  for (const c of contenders) void run(c);

  // an operator breaking old tickets while contenders run (within the fault window: it counts as a fault)
  const operatorBreaks: SimResult['operatorBreaks'] = [];
  if (config.operator) {
    const process = new SimProcess(scheduler, 'operator');
    const runtime = new VirtualRuntime(
      scheduler,
      process,
      { drift: 0, wallOffsetMs: config.operator.wallOffsetMs, monoOriginMs: 7_000_000 },
      new Prng(streamSeed(config.seed, 4)),
    );
    const view = connect(process, runtime);
    const actions = [...config.operator.actions]
      .filter((a) => a.atMs * US < faultWindowUs)
      .sort((a, b) => a.atMs - b.atMs);
    void (async () => {
      for (const action of actions) {
        await runtime.sleep(Math.max(0, action.atMs - scheduler.nowMs));
        const lock = createLock(view, LOCK_NAME, lockOptions(runtime, 'exclusive', 'operator'));
        locks.push(lock);
        const atUs = scheduler.nowUs;
        try {
          operatorBreaks.push({
            atUs,
            broken: await lock.breakOtherLocks({ olderThanMs: action.olderThanMs }),
          });
        } catch (error) {
          operatorBreaks.push({ atUs, broken: errorName(error) });
        }
      }
    })();
  }

  const allDone = () => contenders.every((c) => c.finished || c.process.state === 'crashed');
  const superseded = () => generation !== mine;
  // a blocking acquire past its liveness bound will not teach us more: end the case there
  const overdue = () => {
    for (const a of openAcquires.values()) {
      if (!a.blocking || a.timeoutMs !== undefined) continue;
      if (scheduler.nowUs - Math.max(a.startUs, quietFromUs) > livenessBoundMs * US) return true;
    }
    return false;
  };
  // every acquisition once quiet takes at most the bound: a contender finishes its script by then
  const horizonUs =
    quietFromUs +
    Math.max(
      ...config.contenders.map(
        (c) =>
          (c.loops ?? 1) *
            (c.steps.reduce((sum, st) => sum + st.gapMs + st.holdMs + (st.timeoutMs ?? 0), 0) +
              c.steps.length * livenessBoundMs) +
          livenessBoundMs,
      ),
    ) *
      US;

  let abort: string | undefined;
  try {
    await scheduler.run({
      untilUs: horizonUs,
      done: () => superseded() || allDone() || overdue(),
      maxEvents,
    });
  } catch (error) {
    if (!(error instanceof EventBudgetExceeded)) throw error;
    abort = error.message;
  }

  let janitor: SimResult['janitor'] = 'skipped';
  let turnLeftovers: string[] | undefined;
  let ageGateWaitMs = 0;
  let leftovers: SimResult['leftovers'];
  if (superseded()) abort = 'superseded by a newer case';
  if (config.janitor && abort === undefined && allDone()) {
    store.faults = false;
    const process = new SimProcess(scheduler, 'janitor');
    const runtime = new VirtualRuntime(
      scheduler,
      process,
      { drift: 0, wallOffsetMs: 0, monoOriginMs: 0 },
      new Prng(streamSeed(config.seed, 3)),
    );
    const view = connect(process, runtime);
    let finished = false;
    // Python-rule tickets have no lease: one left by a crash, or by a release that failed, goes
    // only by the age gate
    const python = contenders.some((c) => c.spec.kind === 'python');
    const ageGateMs = LOCK_DEFAULTS.breakAgeMs + 2 * config.store.skewMs + config.store.granularityMs + 1000;
    let failure: string | undefined;
    let frontierBeforeCollection: number | undefined;
    const highestTurn = () =>
      Math.max(
        0,
        ...store.liveKeys(`${LOCK_NAME}.turn.`).map((key) => Number(key.slice(`${LOCK_NAME}.turn.`.length))),
      );
    void (async () => {
      const lock = createLock(view, LOCK_NAME, lockOptions(runtime, 'exclusive', 'janitor'));
      locks.push(lock);
      // start after every crashed ticket, so that all of them are older than ours (waiters break
      // only the tickets they wait for; one younger than every live contender waits for the next),
      // and after any orphan lease (a crash between deleting a ticket and its lease) is more than two
      // leases old, which is when the winner of an election collects it
      await runtime.sleep(
        Math.max(
          timing.settleDelayMs + 1,
          2 * timing.leaseMs + 3000 + 2 * config.store.skewMs + config.store.granularityMs + 1,
        ),
      );
      if (python) {
        ageGateWaitMs = ageGateMs;
        await runtime.sleep(ageGateMs);
        await lock.breakOtherLocks();
      }
      const record: AcquireRecord = {
        who: -1,
        kind: 'janitor',
        label: 'janitor',
        mode: 'exclusive',
        blocking: true,
        timeoutMs: undefined,
        startUs: scheduler.nowUs,
        endUs: undefined,
        outcome: 'pending',
      };
      acquires.push(record);
      try {
        const won = await lock.acquire();
        record.outcome = won ? 'won' : 'not-won';
        record.endUs = scheduler.nowUs;
        await lock.release();
      } catch (error) {
        record.outcome = errorName(error);
        record.endUs = scheduler.nowUs;
      }
      if (config.strategy === 'conditional' && record.outcome === 'won') {
        // collection: once every turn so far is older than the retention, more turns, a checkpoint
        // among them (whose release collects, as may any release), then the store is looked at
        frontierBeforeCollection = highestTurn();
        await runtime.sleep(turns.retentionMs + 2 * config.store.skewMs + config.store.granularityMs + 1000);
        for (let i = 0; i <= 2 * turns.checkpointEvery; i++) {
          // a staleness apart: a collection run's listing may be up to S old (per key), so a run right
          // after another's deletes may see a turn it deleted without its deleted marker and stop
          // there as at a running turn (conservatively); in production later releases go on
          await runtime.sleep(config.store.staleMs + 1);
          const more = createLock(view, LOCK_NAME, lockOptions(runtime, 'exclusive', 'janitor'));
          locks.push(more);
          if (!(await more.acquire())) throw new Error('the janitor could not acquire again');
          await more.release();
        }
      }
    })()
      .catch((error: unknown) => {
        failure = errorName(error); // breakOtherLocks failed
      })
      .finally(() => {
        finished = true;
      });
    try {
      await scheduler.run({
        untilUs:
          scheduler.nowUs +
          (2 * timing.leaseMs +
            3000 +
            timing.settleDelayMs +
            (python ? ageGateMs : 0) +
            (config.strategy === 'conditional'
              ? turns.retentionMs + 3000 + (2 * turns.checkpointEvery + 1) * livenessBoundMs
              : 0) +
            2 * livenessBoundMs) *
            US,
        done: () => superseded() || finished,
        maxEvents,
      });
      // let stragglers land (background deletes, in-flight writes of crashed contenders)
      const settleUs =
        (config.store.staleMs + config.store.writeMs + 20 * config.store.latencyMs[1] + 1000) * US;
      await scheduler.run({ untilUs: scheduler.nowUs + settleUs, done: superseded, maxEvents });
    } catch (error) {
      if (!(error instanceof EventBudgetExceeded)) throw error;
      abort = `janitor: ${error.message}`;
    }
    if (superseded()) abort = 'superseded by a newer case';
    janitor = !finished
      ? 'stuck'
      : (failure ?? (acquires[acquires.length - 1]?.outcome === 'won' ? 'done' : 'failed'));
    leftovers = [...store.allVersions(`${LOCK_NAME}.lock.`), ...store.allVersions(`${LOCK_NAME}.lease.`)];
    if (config.strategy === 'conditional' && frontierBeforeCollection !== undefined) {
      turnLeftovers = conditionalLeftovers(store, turns.checkpointEvery, frontierBeforeCollection);
    }
  }
  if (config.strategy === 'conditional') countTurnObjects();

  store.disposed = true;
  if (!superseded()) {
    setLockIdSource(() => {
      throw new Error('lock id requested after the case ended');
    });
  }
  return {
    config,
    timing,
    holds,
    acquires,
    writes,
    fenceViolations: resource.violations,
    endUs: scheduler.nowUs,
    events: scheduler.fired,
    requests: store.requests,
    turnsCollected: store.turnDeletes,
    crashed: contenders.filter((c) => c.process.state === 'crashed').map((c) => c.index),
    stuck: contenders.filter((c) => !c.finished && c.process.state !== 'crashed').map((c) => c.index),
    leftovers,
    janitor,
    abort,
    quietFromUs,
    livenessBoundMs,
    ageGateWaitMs,
    turnObjects,
    turnLeftovers,
    turnSettings: turns,
    operatorBreaks,
  };
}

/**
 * What collection should have removed, and did not: once every contender finished and the janitor
 * let the retention pass, took more turns (a checkpoint among them) and collected, every turn up to
 * the frontier it saw before waiting is over and old, so only checkpoints (and the marker) may stay
 * of them, with their done markers; no turn may be left running, no done marker without its turn
 * (checkpoints aside), and no lease.
 */
function conditionalLeftovers(store: SimStore, checkpointEvery: number, frontier: number): string[] {
  const turnPrefix = `${LOCK_NAME}.turn.`;
  const donePrefix = `${LOCK_NAME}.done.`;
  const numbers = (prefix: string) =>
    new Set(store.liveKeys(prefix).map((key) => Number(key.slice(prefix.length))));
  const turnSet = numbers(turnPrefix);
  const doneSet = numbers(donePrefix);
  const out: string[] = [];
  for (const n of [...turnSet].sort((a, b) => a - b)) {
    if (n === 0) continue;
    if (n % checkpointEvery !== 0 && n <= frontier)
      out.push(`turn ${n} not collected (frontier was ${frontier})`);
    else if (!doneSet.has(n)) out.push(`turn ${n} still running`);
  }
  for (const n of [...doneSet].sort((a, b) => a - b)) {
    if (n % checkpointEvery !== 0 && !turnSet.has(n)) out.push(`done marker ${n} without its turn`);
    else if (n % checkpointEvery !== 0 && n <= frontier) out.push(`done marker ${n} not collected`);
  }
  for (const key of store.liveKeys(`${LOCK_NAME}.lease.`)) out.push(`lease left: ${key}`);
  return out;
}

const finalStep: StepSpec = {
  gapMs: 0,
  mode: 'exclusive',
  holdMs: 0,
  blocking: true,
  timeoutMs: undefined,
  writes: 0,
  fault: undefined,
};

function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
