/**
 * Case arbitraries aimed at the findings of issue 14's review, one per finding: each puts the
 * dimension that finding needs in a small, fast case. The regressions of `regressions-14.test.ts`
 * replay recorded counterexamples over these, and the mutants of `mutants-14.test.ts` search them.
 * Every case stays within the assumptions (timing derived from the store as everywhere else).
 *
 * @module
 */
import fc from 'fast-check';
import {
  type CaseShape,
  configArb,
  LEGACY_WITHIN,
  LIVENESS,
  legacy,
  withoutLateTicketWrites,
} from './arbitraries.js';
import { type ContenderSpec, lockTiming, type SimConfig, type StepSpec } from './config.js';

/** The legacy shape with one or more new dimensions switched on. */
const base = (extra: Partial<CaseShape>): CaseShape => ({ ...legacy(LEGACY_WITHIN), ...extra });

const exclusiveBlocking = (st: StepSpec): StepSpec => ({
  ...st,
  mode: 'exclusive',
  blocking: true,
  timeoutMs: undefined,
});

/**
 * T1: a waiter stalls between a lease listing's response and its verdict. A holder holds for
 * several leases; a waiter arrives at some phase of the holder's renewals and stalls at some
 * response for 0.6–0.95 of a lease (not holding, so not cut to the pause budget). Store timestamps
 * in ms and little staleness keep the settle delay short, so a waiter that broke the holder can
 * win before the holder's next renewal check.
 */
export function stalledWaiterArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3'],
      stalls: true,
      crashes: false,
      requestFaults: false,
      minContenders: 2,
      maxContenders: 2,
      maxSteps: 1,
      storeMap: (s) => ({
        ...s,
        granularityMs: 1,
        skewMs: s.skewMs % 20,
        staleMs: s.staleMs % 50,
        writeMs: s.writeMs % 10,
      }),
    }),
  ).map((c0) => {
    const c = {
      ...c0,
      faultWindowMs: 60_000,
      lock: {
        ...c0.lock,
        leaseMs: 3000 + (c0.lock.leaseMs % 3000),
        marginExtraMs: c0.lock.marginExtraMs % 100,
        pollIntervalMs: 50 + (c0.lock.pollIntervalMs % 150),
      },
    };
    const lease = lockTiming(c).leaseMs;
    const [holder, waiter] = c.contenders as [ContenderSpec, ContenderSpec];
    const h = holder.steps[0] as StepSpec;
    const w = waiter.steps[0] as StepSpec;
    const stallSeed = w.fault?.pauseMs ?? w.holdMs;
    return {
      ...c,
      contenders: [
        {
          ...holder,
          steps: [{ ...exclusiveBlocking(h), gapMs: 0, holdMs: 3 * lease + h.holdMs, fault: undefined }],
        },
        {
          ...waiter,
          steps: [
            {
              ...exclusiveBlocking(w),
              gapMs: 50 + (w.gapMs % 1000),
              fault: {
                kind: 'stall',
                phase: 'acquiring',
                afterMs: (w.fault?.afterMs ?? w.holdMs) % 3000,
                pauseMs: Math.round(lease * (0.6 + (stallSeed % 350) / 1000)),
              },
            },
          ],
        },
      ],
    };
  });
}

/** T2 (and C4 on the conditional strategy): an operator breaks old tickets, `olderThanMs` 0 included, while holders are live. */
export function operatorArb(strategy: 'ticket' | 'conditional'): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3'],
      operator: true,
      crashes: false,
      pauses: false,
      requestFaults: false,
      maxContenders: 3,
      ...(strategy === 'conditional'
        ? { storeMap: (s) => ({ ...s, conditionalPut: 'atomic' as const }) }
        : {}),
    }),
  ).map((c) => {
    const operator = c.operator ?? { wallOffsetMs: 0, actions: [{ atMs: 1000, olderThanMs: 0 }] };
    return {
      ...c,
      strategy,
      // the operator acts during the case, within the fault window
      faultWindowMs: 20_000,
      ...(strategy === 'conditional'
        ? {
            // turns are broken by the age of their lease on the operator's wall clock, never sooner
            // than two leases: short leases, and a wall clock ahead (within the ±2 s modelled)
            lock: { ...c.lock, leaseMs: 1000 },
            operator: { ...operator, wallOffsetMs: 1500 + (Math.abs(operator.wallOffsetMs) % 500) },
          }
        : { operator }),
    };
  });
}

/**
 * C1's keeper blind spot: a machine suspended while it holds or acquires (its monotonic clock
 * stops) wakes up trusting a lease others broke meanwhile.
 */
export function suspendedHolderArb(strategy: 'ticket' | 'conditional'): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3'],
      suspends: true,
      crashes: false,
      pauses: false,
      requestFaults: false,
      maxContenders: 3,
      ...(strategy === 'conditional'
        ? { storeMap: (s) => ({ ...s, conditionalPut: 'atomic' as const }) }
        : {}),
    }),
  ).map((c) => ({ ...c, strategy }));
}

/**
 * C1: a contender learns the frontier, its machine sleeps for several retentions while others take
 * many turns (short holds, many steps) and collection deletes the numbers above what it learnt; it
 * wakes and trusts its cached frontier.
 */
export function suspendedFrontierArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3', 'direct'],
      suspends: true,
      crashes: false,
      pauses: false,
      requestFaults: false,
      minContenders: 2,
      maxContenders: 3,
      maxSteps: 3,
      storeMap: (s) => ({ ...s, conditionalPut: 'atomic', staleMs: s.staleMs % 100 }),
    }),
  ).map((c) => {
    const [sleeper, ...others] = c.contenders as [ContenderSpec, ...ContenderSpec[]];
    const retentionMs = 1000;
    return {
      ...c,
      strategy: 'conditional' as const,
      turns: { checkpointEvery: 2, retentionMs },
      faultWindowMs: 60_000,
      contenders: [
        {
          ...sleeper,
          // acquire once (learning the frontier), sleep long, acquire again
          steps: [
            { ...exclusiveBlocking(sleeper.steps[0] as StepSpec), gapMs: 0, holdMs: 0, fault: undefined },
            {
              ...exclusiveBlocking(sleeper.steps[0] as StepSpec),
              gapMs: 0,
              holdMs: 500,
              writes: 1,
              fault: {
                kind: 'suspend' as const,
                phase: 'acquiring' as const,
                afterMs: 0,
                pauseMs: 3 * retentionMs + ((sleeper.steps[0] as StepSpec).fault?.pauseMs ?? 0),
              },
            },
          ],
        },
        ...others.map((o) => ({
          ...o,
          loops: 6,
          steps: o.steps.map((st) => ({
            ...exclusiveBlocking(st),
            gapMs: st.gapMs % 200,
            holdMs: st.holdMs % 100,
            fault: undefined,
          })),
        })),
      ],
    };
  });
}

/** T3: the K1 case (fence listing missing a token) on an S3 store that accepts `If-None-Match: *` and ignores it. */
export function ignoredIfNoneMatchArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3'],
      pauses: false,
      crashes: false,
      requestFaults: false,
      minContenders: 3,
      maxContenders: 4,
      maxSteps: 3,
      storeMap: (s) => ({
        ...s,
        conditionalPut: 'ignored',
        staleP: 1,
        staleMode: 'perKey',
        staleMs: 300,
        latencyMs: [1, 2],
        writeMs: 0,
        skewMs: 0,
        granularityMs: 1,
      }),
    }),
  ).map((c) => ({
    ...c,
    lock: { ...c.lock, settleExtraMs: 0 },
    contenders: c.contenders.map((x, i) => ({
      ...x,
      steps: x.steps.map((st) => ({
        ...exclusiveBlocking(st),
        holdMs: 0,
        gapMs: i === 0 ? 0 : st.gapMs % 400,
      })),
    })),
  }));
}

/**
 * T4: listings that are consistent snapshots of any age (here most often a few tens of ms old,
 * about as long as a retry takes), and lost responses retried by the session: one contender's
 * seq-1 lands twice, a second contender writes its ticket in between. Two contenders and the
 * timing between them; the seed decides the faults and the snapshots.
 */
export function retriedSnapshotArb(): fc.Arbitrary<SimConfig> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      gapMs: fc.integer({ min: 0, max: 80 }),
      unboundedMaxMs: fc.integer({ min: 20, max: 150 }),
      versioned: fc.boolean(),
      protocol: fc.constantFrom('s3' as const, 'direct' as const),
    })
    .map(({ seed, gapMs, unboundedMaxMs, versioned, protocol }): SimConfig => {
      const step = (gap: number): StepSpec => ({
        gapMs: gap,
        mode: 'exclusive',
        holdMs: 200,
        blocking: true,
        timeoutMs: undefined,
        writes: 1,
        fault: undefined,
      });
      return {
        seed,
        store: {
          protocol,
          versioned,
          listVersions: true,
          digest: 'md5',
          conditionalPut: 'atomic',
          granularityMs: 1,
          skewMs: 0,
          frontEnds: 1,
          latencyMs: [1, 2],
          writeMs: 0,
          staleMs: 0,
          staleP: 0,
          staleMode: 'snapshot',
          unboundedP: 0.9,
          unboundedMaxMs,
          failP: 0,
          lostP: 0.4,
          refusedP: 0,
          conflictP: 0,
          lateP: 0,
          landingMs: 0,
          maxAttempts: 3,
          pageCap: 1000,
        },
        lock: { leaseMs: 3000, settleExtraMs: 0, marginExtraMs: 0, pollIntervalMs: 50 },
        contenders: [
          { kind: 'ts', drift: 0, wallOffsetMs: 0, steps: [step(0)] },
          { kind: 'ts', drift: 0, wallOffsetMs: 0, steps: [step(gapMs)] },
        ],
        faultWindowMs: 2000,
        finalAcquire: false,
        janitor: false,
        violation: 'unbounded-staleness',
      };
    });
}

/** C2: the conditional strategy with create-only writes that land after the client saw a failure; liveness. */
export function lateCreateArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3', 'direct'],
      lateWrites: true,
      crashes: false,
      pauses: false,
      requestFaults: true,
      finalAcquire: true,
      storeMap: (s) => ({
        ...s,
        conditionalPut: 'atomic',
        failP: 0,
        lostP: 0,
        lateP: Math.max(0.2, s.lateP),
        landingMs: Math.max(s.landingMs, 4 * s.latencyMs[1] + 10),
      }),
    }),
  ).map((c) => ({ ...c, strategy: 'conditional' as const }));
}

/** Writes that land late on the ticket strategy: a ticket PUT the client gave up on lands after its discard. */
export function lateTicketArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3', 'direct'],
      lateWrites: true,
      crashes: false,
      pauses: false,
      requestFaults: true,
      finalAcquire: true,
      storeMap: (s) => ({
        ...s,
        failP: 0,
        lostP: 0,
        lateP: Math.max(0.2, s.lateP),
        landingMs: Math.max(s.landingMs, 4 * s.latencyMs[1] + 10),
      }),
    }),
  );
}

/** R1: 409 ConditionalRequestConflict answers to create-only puts (nothing applied), with retries to spare. */
export function conflictArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3'],
      wireFaults: true,
      crashes: false,
      pauses: false,
      requestFaults: true,
      storeMap: (s) => ({
        ...s,
        conditionalPut: 'atomic',
        failP: 0,
        lostP: 0,
        refusedP: 0,
        // rarely four in a row: the session's default attempts absorb them
        conflictP: 0.15,
        maxAttempts: 4,
      }),
    }),
  ).map((c) => ({ ...c, strategy: 'conditional' as const }));
}

/**
 * C3: thousands of turns of the conditional strategy, checkpoints every 2 (so that a page of 1000
 * fills with checkpoints after 2000 turns), paged listings, the shortest retention: collection must
 * keep the objects under `.turn.` and `.done.` bounded.
 */
export function collectionArb(options: {
  turns: number;
  protocols?: ('s3' | 'direct')[];
  /** Pages capped below 1000 entries (@default true). */
  pageCaps?: boolean;
}): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: options.protocols ?? ['direct', 's3'],
      pageCaps: options.pageCaps ?? true,
      crashes: true,
      pauses: false,
      requestFaults: false,
      minContenders: 2,
      maxContenders: 3,
      maxSteps: 2,
      storeMap: (s) => ({
        ...s,
        conditionalPut: 'atomic',
        staleMs: s.staleMs % 100,
        latencyMs: [1, 1 + (s.latencyMs[1] % 5)],
        // capped pages, but not so small that a walk over a window of 1000 numbers takes hundreds of requests
        pageCap: s.pageCap < 1000 ? 10 + s.pageCap : 1000,
      }),
    }),
  ).map((c) => {
    // enough loops that the others take `turns` turns even if one crashes
    const others = Math.max(1, c.contenders.length - 1);
    return {
      ...c,
      strategy: 'conditional' as const,
      turns: { checkpointEvery: 2, retentionMs: 1000 },
      faultWindowMs: 60_000,
      maxEvents: 400 * options.turns + 100_000,
      contenders: c.contenders.map((x, i) => ({
        ...x,
        loops: Math.ceil(options.turns / others / x.steps.length),
        // one contender may crash once, early; the others go on
        steps: x.steps.map((st) => ({
          ...st,
          gapMs: st.gapMs % 20,
          holdMs: st.holdMs % 20,
          writes: 0,
          timeoutMs: undefined,
          blocking: true,
          fault:
            i === 0 && st.fault?.kind === 'crash'
              ? { ...st.fault, afterMs: st.fault.afterMs % 100 }
              : undefined,
        })),
      })),
    };
  });
}

/**
 * K30's safeguard: collection ends a running turn only when its contender is dead. One contender
 * holds a shared turn for several leases, renewing them, while the others take short turns, shared
 * and exclusive, so releases collect behind it and walks stop at its turn. Breaking it by its age
 * alone lets an exclusive turn behind it enter while it still holds.
 */
export function longSharedHolderArb(): fc.Arbitrary<SimConfig> {
  return collectionArb({ turns: 200, protocols: ['direct', 's3'], pageCaps: false }).map((c) => {
    const x = c.contenders[0] as ContenderSpec;
    const step = { ...(x.steps[0] as StepSpec), fault: undefined, mode: 'shared' as const };
    // past its contender's death judgement (two leases and the slack), with room for collection
    const pastDeadMs = 2 * c.lock.leaseMs + 3_000 + 2_000 + step.gapMs * 50;
    return {
      ...c,
      contenders: [
        { ...x, loops: 1, steps: [{ ...step, gapMs: 0, holdMs: pastDeadMs + 2 * c.lock.leaseMs + 10_000 }] },
        {
          ...x,
          loops: Math.ceil((pastDeadMs + 2_000) / (100 + step.holdMs)),
          steps: [{ ...step, gapMs: 100 }],
        },
        { ...x, loops: 1, steps: [{ ...step, mode: 'exclusive' as const, gapMs: pastDeadMs }] },
      ],
    };
  });
}

/** The conditional strategy's cleanup after a janitor, with request faults of every kind (C3's collector, its orphan done markers). */
export function conditionalCleanupArb(): fc.Arbitrary<SimConfig> {
  return configArb(
    base({
      protocols: ['s3', 'direct'],
      wireFaults: true,
      lateWrites: true,
      pageCaps: true,
      crashes: true,
      pauses: false,
      requestFaults: true,
      finalAcquire: true,
      janitor: true,
      storeMap: (s) => ({ ...s, conditionalPut: 'atomic' }),
    }),
  ).map((c) => ({ ...c, strategy: 'conditional' as const }));
}

/**
 * The liveness cases as K27 was found in them (the main liveness property keeps ticket pauses within
 * the budget while K27 is open): waiters' pauses and stalls unbounded, no late writes.
 */
export function waiterPauseLivenessArb(): fc.Arbitrary<SimConfig> {
  return configArb(LIVENESS).map(withoutLateTicketWrites);
}
