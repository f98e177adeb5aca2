/**
 * fast-check generators of simulation cases. Everything is small integers or choices, so cases
 * print readably and shrink towards simple ones (fewer contenders and steps, no faults, zero
 * staleness and skew).
 *
 * @module
 */
import fc from 'fast-check';
import type { ContenderSpec, FaultSpec, LockSlack, SimConfig, StepSpec, Violation } from './config.js';
import type { StoreParams } from './sim-store.js';

/** What kind of cases to generate. */
export interface CaseShape {
  violation: Violation;
  /** Contenders following Python s3func's rules among the TypeScript ones. */
  python: boolean;
  crashes: boolean;
  pauses: boolean;
  /** 503s and lost responses (with retries) while faults are on. */
  requestFaults: boolean;
  finalAcquire: boolean;
  janitor: boolean;
  minContenders: number;
  maxContenders: number;
  maxSteps: number;
  /** Listing staleness modes to draw from (see `StoreParams.staleMode`). */
  staleModes: StoreParams['staleMode'][];
  /** Keeps generated stores out of a region (a known bug's trigger), by mapping them into the rest. */
  storeMap?: ((store: StoreParams) => StoreParams) | undefined;
}

export const WITHIN: CaseShape = {
  violation: 'none',
  python: false,
  crashes: true,
  pauses: true,
  requestFaults: true,
  finalAcquire: false,
  janitor: false,
  minContenders: 2,
  maxContenders: 5,
  maxSteps: 3,
  staleModes: ['monotonic', 'snapshot', 'perKey'],
};

const percent = fc.integer({ min: 0, max: 100 }).map((p) => p / 100);

export function storeArb(shape: CaseShape): fc.Arbitrary<StoreParams> {
  const faultP = shape.requestFaults ? fc.integer({ min: 0, max: 20 }).map((p) => p / 100) : fc.constant(0);
  return (
    fc
      .record({
        versioned: fc.boolean(),
        listVersions: fc.boolean(),
        digest: fc.constantFrom('md5' as const, 'sha1' as const),
        conditionalPut: fc.constantFrom('atomic' as const, 'none' as const, 'racy' as const),
        granularityMs:
          shape.violation === 'settle-below-granularity' ? fc.constant(1000) : fc.constantFrom(1, 1000),
        skewMs: fc.integer({ min: 0, max: 100 }),
        frontEnds: fc.integer({ min: 1, max: 3 }),
        latencyMs: fc
          .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 30 }))
          .map(([lo, spread]) => [lo, lo + spread] as const),
        writeMs: fc.integer({ min: 0, max: 50 }),
        staleMs: fc.integer({ min: 0, max: 400 }),
        staleP: percent,
        staleMode: fc.constantFrom(...shape.staleModes),
        unboundedP:
          shape.violation === 'unbounded-staleness'
            ? fc.integer({ min: 40, max: 70 }).map((p) => p / 100)
            : fc.constant(0),
        failP: faultP,
        lostP: faultP,
        maxAttempts: fc.integer({ min: 1, max: 3 }),
      })
      // a store that keeps versions can list them (S3, B2, Ceph); one that cannot list them keeps none (R2)
      .map((s) => (s.versioned && !s.listVersions ? { ...s, listVersions: true } : s))
      .map((s) => (shape.storeMap ? shape.storeMap(s) : s))
  );
}

export function lockArb(): fc.Arbitrary<LockSlack> {
  return fc.record({
    leaseMs: fc.integer({ min: 10, max: 60 }).map((n) => n * 100),
    settleExtraMs: fc.integer({ min: 0, max: 300 }),
    marginExtraMs: fc.integer({ min: 0, max: 800 }),
    pollIntervalMs: fc.integer({ min: 50, max: 500 }),
  });
}

function faultArb(shape: CaseShape): fc.Arbitrary<FaultSpec | undefined> {
  const kinds: ('pause' | 'crash')[] = [];
  if (shape.pauses) kinds.push('pause');
  if (shape.crashes) kinds.push('crash');
  if (kinds.length === 0) return fc.constant(undefined);
  return fc.option(
    fc.record({
      kind: fc.constantFrom(...kinds),
      phase: fc.constantFrom('holding' as const, 'acquiring' as const),
      afterMs: fc.integer({ min: 0, max: 3000 }),
      pauseMs: fc.integer({ min: 0, max: 20_000 }),
    }),
    { freq: 3 },
  );
}

function stepArb(shape: CaseShape): fc.Arbitrary<StepSpec> {
  return fc.record({
    gapMs: fc.integer({ min: 0, max: 2000 }),
    mode: fc.constantFrom('exclusive' as const, 'shared' as const),
    holdMs: fc.integer({ min: 0, max: 4000 }),
    blocking: fc.boolean().chain((b) => (b ? fc.constant(true) : fc.boolean())),
    timeoutMs: fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 3 }).map((t) => t ?? undefined),
    writes: fc.integer({ min: 0, max: 3 }),
    fault: faultArb(shape),
  });
}

function contenderArb(shape: CaseShape): fc.Arbitrary<ContenderSpec> {
  return fc.record({
    kind: shape.python ? fc.constantFrom('ts' as const, 'python' as const) : fc.constant('ts' as const),
    drift: fc.integer({ min: -100, max: 100 }).map((d) => d / 10_000),
    wallOffsetMs: fc.integer({ min: -2000, max: 2000 }),
    steps: fc.array(stepArb(shape), { minLength: 1, maxLength: shape.maxSteps }),
  });
}

/** Cases of the given shape. */
export function configArb(shape: CaseShape): fc.Arbitrary<SimConfig> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    store: storeArb(shape),
    lock: lockArb(),
    contenders: fc.array(contenderArb(shape), {
      minLength: shape.minContenders,
      maxLength: shape.maxContenders,
    }),
    faultWindowMs: fc.integer({ min: 0, max: 20_000 }),
    finalAcquire: fc.constant(shape.finalAcquire),
    janitor: fc.constant(shape.janitor),
    violation: fc.constant(shape.violation),
  });
}

/** Property 1: TypeScript contenders within the assumptions (short pauses, crashes, request faults). */
export const SAFETY: CaseShape = WITHIN;

/** Property 2: fencing, also with pauses far longer than the lease (outside property 1's assumptions). */
export const FENCING: CaseShape = { ...WITHIN, violation: 'long-pauses' };

/** Property 3: liveness. Each contender ends with a blocking acquire, which must win. */
export const LIVENESS: CaseShape = { ...WITHIN, finalAcquire: true };

/** Property 4: cleanup, checked after a janitor (see world.ts) on top of the liveness cases. */
export const CLEANUP: CaseShape = { ...LIVENESS, janitor: true };

/** Property 5: Python-rule and TypeScript contenders together. */
export const MIXED: CaseShape = { ...WITHIN, python: true };

/**
 * Property 4 with Python-rule contenders: their tickets have no lease, so a crashed one is removed
 * only by the age gate (the janitor waits 2 h and calls `breakOtherLocks`). Every acquisition has a
 * timeout, so that no contender waits for that forever.
 */
export function mixedCleanupArb(): fc.Arbitrary<SimConfig> {
  return configArb({ ...CLEANUP, python: true, finalAcquire: false }).map((c) => ({
    ...c,
    contenders: c.contenders.map((x) => ({
      ...x,
      steps: x.steps.map((st) => ({ ...st, timeoutMs: st.timeoutMs ?? 3000 })),
    })),
  }));
}
