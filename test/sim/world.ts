/**
 * One simulation case: a scheduler, a simulated store, N contenders running their scripts (the
 * real lock core via `createLock`, or Python s3func's rules), faults injected on virtual time, and a
 * record of everything the properties look at.
 *
 * @module
 */
import { LOCK_DEFAULTS } from '../../src/lock/defaults.js';
import { createLock, type Lock } from '../../src/lock/lock.js';
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
import { setLockIdSource } from './lock-ids.js';
import { Prng, streamSeed } from './prng.js';
import { PythonRuleLock } from './python-contender.js';
import { EventBudgetExceeded, Scheduler, SimProcess, US } from './scheduler.js';
import { SimStore } from './sim-store.js';
import { VirtualRuntime } from './virtual-runtime.js';

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
  /** When belief ended: release started, `lost` fired, or the process crashed (Infinity: never ended). */
  toUs: number;
  endedBy: 'release' | 'lost' | 'crash' | 'open';
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

/** Runs one case to its end and returns its record. `debug` hands out the scheduler and store (for investigations). */
export async function simulate(
  config: SimConfig,
  debug?: { scheduler?: (s: Scheduler) => void; store?: (s: SimStore) => void },
): Promise<SimResult> {
  const mine = ++generation;
  const timing = lockTiming(config);
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
  const pauseOf = (f: FaultSpec) => Math.min(f.pauseMs, timing.pauseBudgetMs);
  const longestPauseMs = Math.max(
    0,
    ...config.contenders.flatMap((c) =>
      c.steps.map((st) => (st.fault?.kind === 'pause' ? pauseOf(st.fault) : 0)),
    ),
  );
  const quietFromUs = faultWindowUs + longestPauseMs * US;
  const livenessBoundMs = livenessBound(config, timing);

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
    // the simulated store's create-only puts are what the case says; qualification is tested apart
    trustConditionalWrites: true,
    turns: turnSettings(config.store),
  });

  interface Contender {
    index: number;
    spec: ContenderSpec;
    process: SimProcess;
    runtime: VirtualRuntime;
    store: ObjectStore;
    finished: boolean;
  }

  const openHolds = new Map<number, Hold>(); // by contender
  const openAcquires = new Map<number, AcquireRecord>();

  const injectFault = (c: Contender, fault: FaultSpec | undefined) => {
    if (!fault) return;
    const atUs = scheduler.nowUs + fault.afterMs * US;
    if (atUs >= faultWindowUs) return;
    scheduler.at(atUs, undefined, () => {
      if (c.process.state !== 'running' || c.finished) return;
      if (fault.kind === 'crash') {
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
        return;
      }
      c.process.pause();
      scheduler.after(pauseOf(fault), undefined, () => c.process.resume());
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

  /** Holds for `step.holdMs`, writing to the fenced resource in between. */
  const hold = async (c: Contender, h: Hold, step: StepSpec, signal: AbortSignal | undefined) => {
    const slices = step.writes + 1;
    for (let i = 0; i < slices; i++) {
      await c.runtime.sleep(step.holdMs / slices);
      if (i === slices - 1 || h.mode !== 'exclusive' || h.token === undefined) continue;
      if (signal?.aborted || h.endedBy !== 'open') break; // told it was lost: stop working
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
    await hold(c, current, step, lock.signal);
    endHold(c, current, 'release');
    await lock.release().catch(() => {});
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
    await hold(c, current, step, undefined);
    endHold(c, current, 'release');
    await lock.release().catch(() => {});
  };

  const contenders: Contender[] = config.contenders.map((spec, index) => {
    const process = new SimProcess(scheduler, `c${index}`);
    const runtime = new VirtualRuntime(
      scheduler,
      process,
      { drift: spec.drift, wallOffsetMs: spec.wallOffsetMs, monoOriginMs: 1_000_000 * (index + 1) },
      new Prng(streamSeed(config.seed, 10 + index)),
    );
    return {
      index,
      spec,
      process,
      runtime,
      store: store.view(process, spec.renewalFailP ?? 0),
      finished: false,
    };
  });

  const run = async (c: Contender) => {
    try {
      for (const [i, step] of c.spec.steps.entries()) {
        await c.runtime.sleep(step.gapMs);
        await (c.spec.kind === 'ts' ? tsStep(c, step, `step ${i}`) : pythonStep(c, step, `step ${i}`));
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
          c.steps.reduce((sum, st) => sum + st.gapMs + st.holdMs + (st.timeoutMs ?? 0), 0) +
          (c.steps.length + 1) * livenessBoundMs,
      ),
    ) *
      US;

  let abort: string | undefined;
  try {
    await scheduler.run({
      untilUs: horizonUs,
      done: () => superseded() || allDone() || overdue(),
      maxEvents: MAX_EVENTS,
    });
  } catch (error) {
    if (!(error instanceof EventBudgetExceeded)) throw error;
    abort = error.message;
  }

  let janitor: SimResult['janitor'] = 'skipped';
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
    const view = store.view(process);
    let finished = false;
    // Python-rule tickets have no lease: one left by a crash, or by a release that failed, goes
    // only by the age gate
    const python = contenders.some((c) => c.spec.kind === 'python');
    const ageGateMs = LOCK_DEFAULTS.breakAgeMs + 2 * config.store.skewMs + config.store.granularityMs + 1000;
    let failure: string | undefined;
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
            2 * livenessBoundMs) *
            US,
        done: () => superseded() || finished,
        maxEvents: MAX_EVENTS,
      });
      // let stragglers land (background deletes, in-flight writes of crashed contenders)
      const settleUs =
        (config.store.staleMs + config.store.writeMs + 20 * config.store.latencyMs[1] + 1000) * US;
      await scheduler.run({ untilUs: scheduler.nowUs + settleUs, done: superseded, maxEvents: MAX_EVENTS });
    } catch (error) {
      if (!(error instanceof EventBudgetExceeded)) throw error;
      abort = `janitor: ${error.message}`;
    }
    if (superseded()) abort = 'superseded by a newer case';
    janitor = !finished
      ? 'stuck'
      : (failure ?? (acquires[acquires.length - 1]?.outcome === 'won' ? 'done' : 'failed'));
    leftovers = [...store.allVersions(`${LOCK_NAME}.lock.`), ...store.allVersions(`${LOCK_NAME}.lease.`)];
  }

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
  };
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
