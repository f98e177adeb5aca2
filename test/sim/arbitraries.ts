/**
 * fast-check generators of simulation cases. Everything is small integers or choices, so cases
 * print readably and shrink towards simple ones (fewer contenders and steps, no faults, zero
 * staleness and skew).
 *
 * @module
 */
import fc from 'fast-check';
import type {
  ContenderSpec,
  FaultSpec,
  LockSlack,
  OperatorSpec,
  SimConfig,
  StepSpec,
  Violation,
} from './config.js';
import { LEGACY_STORE, type StoreParams } from './sim-store.js';

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

  // Dimensions added after issue 14's review. Off (undefined) in the shapes older cases were
  // recorded with, whose arbitraries must stay exactly as they were for their paths to replay.

  /** How contenders reach the store. @default ['direct'] */
  protocols?: StoreParams['protocol'][] | undefined;
  /** Stalls (a pause between a response and the code acting on it), and waiters' pauses and stalls not cut to the budget. */
  stalls?: boolean | undefined;
  /** Machine suspends: the monotonic clock stops while everything else runs on. */
  suspends?: boolean | undefined;
  /** Refused connections and 409 ConditionalRequestConflict among the request faults. */
  wireFaults?: boolean | undefined;
  /** Writes that land after the client saw a failure (within a landing bound). */
  lateWrites?: boolean | undefined;
  /** Listing pages capped below S3's 1000 entries. */
  pageCaps?: boolean | undefined;
  /** An operator breaking old tickets while contenders run, `olderThanMs` 0 included. */
  operator?: boolean | undefined;
}

/** Every case within the assumptions, as generated before issue 14 (the shape older cases were recorded with). */
export const LEGACY_WITHIN: CaseShape = {
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

/**
 * Every case within the assumptions: the legacy dimensions plus those issue 14's review found
 * missing — the real S3 request path, stalls and unbounded waiter pauses, suspends, refused
 * connections and 409s, late writes, capped pages, an operator breaking old tickets.
 */
export const WITHIN: CaseShape = {
  ...LEGACY_WITHIN,
  protocols: ['s3', 'direct'],
  stalls: true,
  suspends: true,
  wireFaults: true,
  lateWrites: true,
  pageCaps: true,
  operator: true,
};

/** The shape without the new dimensions (for cases recorded before them). */
export function legacy(shape: CaseShape): CaseShape {
  const {
    protocols: _p,
    stalls: _s,
    suspends: _u,
    wireFaults: _w,
    lateWrites: _l,
    pageCaps: _c,
    operator: _o,
    ...rest
  } = shape;
  return rest;
}

/** True when the shape has any of the new dimensions. */
function modern(shape: CaseShape): boolean {
  return (
    shape.protocols !== undefined ||
    shape.stalls === true ||
    shape.suspends === true ||
    shape.wireFaults === true ||
    shape.lateWrites === true ||
    shape.pageCaps === true ||
    shape.operator === true
  );
}

const percent = fc.integer({ min: 0, max: 100 }).map((p) => p / 100);

export function storeArb(shape: CaseShape): fc.Arbitrary<StoreParams> {
  const faultP = shape.requestFaults ? fc.integer({ min: 0, max: 20 }).map((p) => p / 100) : fc.constant(0);
  const legacyStore = fc.record({
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
  });
  const smallP = (on: boolean | undefined) =>
    on && shape.requestFaults ? fc.integer({ min: 0, max: 10 }).map((p) => p / 100) : fc.constant(0);
  const stores: fc.Arbitrary<StoreParams> = modern(shape)
    ? fc
        .tuple(
          legacyStore,
          fc.record({
            protocol: fc.constantFrom(...(shape.protocols ?? ['direct' as const])),
            refusedP: smallP(shape.wireFaults),
            conflictP: smallP(shape.wireFaults),
            lateP: smallP(shape.lateWrites),
            landingExtraMs: fc.integer({ min: 0, max: 1000 }),
            pageCap: shape.pageCaps
              ? fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 20 }))
              : fc.constant(1000),
          }),
        )
        .map(([s, { landingExtraMs, ...extra }]) => {
          const store: StoreParams = {
            ...s,
            ...extra,
            landingMs: extra.lateP > 0 ? 4 * s.latencyMs[1] + 10 + landingExtraMs : 0,
          };
          // an S3 session lists versions, reports MD5 and sends If-None-Match; a store that does
          // not honour the header accepts it and ignores it
          return store.protocol === 's3'
            ? {
                ...store,
                listVersions: true,
                digest: 'md5' as const,
                conditionalPut: store.conditionalPut === 'none' ? ('ignored' as const) : store.conditionalPut,
              }
            : store;
        })
    : legacyStore.map((s) => ({ ...s, ...LEGACY_STORE }));
  return (
    stores
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
  const kinds: FaultSpec['kind'][] = [];
  if (shape.pauses) kinds.push('pause');
  if (shape.crashes) kinds.push('crash');
  if (shape.pauses && shape.stalls) kinds.push('stall');
  if (shape.suspends) kinds.push('suspend');
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

/** An operator breaking old tickets: `olderThanMs` 0 (everything), a few seconds, or the 2 h default. */
export function operatorArb(): fc.Arbitrary<OperatorSpec> {
  return fc.record({
    wallOffsetMs: fc.integer({ min: -2000, max: 2000 }),
    actions: fc.array(
      fc.record({
        atMs: fc.integer({ min: 0, max: 20_000 }),
        olderThanMs: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: 10_000 }),
          fc.constant(2 * 60 * 60 * 1000),
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });
}

/** Cases of the given shape. */
export function configArb(shape: CaseShape): fc.Arbitrary<SimConfig> {
  const base = fc.record({
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
  if (!modern(shape)) return base;
  return fc
    .tuple(base, shape.operator ? fc.option(operatorArb(), { freq: 3 }) : fc.constant(null))
    .map(([config, operator]) => ({
      ...config,
      waiterPauses: shape.stalls ? ('unbounded' as const) : ('budget' as const),
      ...(operator ? { operator } : {}),
    }));
}

/** Property 1: TypeScript contenders within the assumptions (short pauses, crashes, request faults). */
export const SAFETY: CaseShape = WITHIN;

/** Property 2: fencing, also with pauses far longer than the lease (outside property 1's assumptions). */
export const FENCING: CaseShape = { ...WITHIN, violation: 'long-pauses' };

/** Property 3: liveness. Each contender ends with a blocking acquire, which must win. */
export const LIVENESS: CaseShape = { ...WITHIN, finalAcquire: true };

/** Property 4: cleanup, checked after a janitor (see world.ts) on top of the liveness cases. */
export const CLEANUP: CaseShape = { ...LIVENESS, janitor: true };

/**
 * Property 5: Python-rule and TypeScript contenders together. No operator: a Python ticket carries
 * no lease, so breaking one by age is only safe past the age of any Python hold (the 2 h default),
 * which is the operator's promise, not the lock's.
 */
export const MIXED: CaseShape = { ...WITHIN, python: true, operator: false };

/**
 * Property 4 with Python-rule contenders: their tickets have no lease, so a crashed one is removed
 * only by the age gate (the janitor waits 2 h and calls `breakOtherLocks`). Every acquisition has a
 * timeout, so that no contender waits for that forever.
 */
export function mixedCleanupArb(): fc.Arbitrary<SimConfig> {
  return configArb({ ...CLEANUP, python: true, operator: false, finalAcquire: false }).map((c) => ({
    ...c,
    contenders: c.contenders.map((x) => ({
      ...x,
      steps: x.steps.map((st) => ({ ...st, timeoutMs: st.timeoutMs ?? 3000 })),
    })),
  }));
}

/**
 * The ticket strategy's cases without late writes: how K27 was found (regressions-14.test.ts), kept
 * so that its recorded path replays the same case.
 */
export function withoutLateTicketWrites(config: SimConfig): SimConfig {
  return config.strategy === 'conditional' || config.store.lateP === 0
    ? config
    : { ...config, store: { ...config.store, lateP: 0 } };
}
