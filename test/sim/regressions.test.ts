// Lock-core bugs the simulation found, each replayed from its recorded shrunk counterexample
// (fast-check seed + path over the arbitrary defined here). All are fixed: each replay failed on the
// lock core before its fix and passes now. `SIM_DISCOVER=1` searches afresh instead of replaying
// and prints new seeds and paths.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  configArb,
  legacy,
  CLEANUP as MODERN_CLEANUP,
  LIVENESS as MODERN_LIVENESS,
  LEGACY_WITHIN as WITHIN,
} from './arbitraries.js';
import { checkCleanup, checkFencing, checkLiveness, checkSafety, describeResult } from './checks.js';
import type { SimConfig } from './config.js';
import { findCounterexample, runCase, saveStats, simProperty } from './harness.js';
import { LEGACY_STORE } from './sim-store.js';
import type { SimResult } from './world.js';

afterAll(() => saveStats('8-regressions'));

/** The shapes K1–K10 were recorded with: the dimensions issue 14 added are off, so their paths replay. */
const LIVENESS = legacy(MODERN_LIVENESS);
const CLEANUP = legacy(MODERN_CLEANUP);

/**
 * The case shapes K2 and K4 were recorded with: then, liveness and cleanup cases steered clear of
 * the known bugs (monotonic listings; no staleness with request faults; unversioned buckets). The
 * replays keep them so that each path still generates the recorded case.
 */
const RECORDED_LIVENESS: typeof LIVENESS = {
  ...LIVENESS,
  staleModes: ['monotonic'],
  storeMap: (s) => (s.failP + s.lostP > 0 ? { ...s, staleMs: 0 } : s),
};
const RECORDED_CLEANUP: typeof CLEANUP = {
  ...RECORDED_LIVENESS,
  janitor: true,
  storeMap: (s) => ({ ...(RECORDED_LIVENESS.storeMap?.(s) ?? s), versioned: false }),
};

interface KnownBug {
  arb: fc.Arbitrary<SimConfig>;
  check: (r: SimResult) => string[];
  seed: number;
  path: string;
}

/** Replays the recorded counterexample (or, with SIM_DISCOVER=1, searches for one and prints it). */
async function replay(name: string, bug: KnownBug): Promise<void> {
  if (process.env.SIM_DISCOVER) {
    const { failed, report } = await findCounterexample(bug.arb, bug.check, {
      numRuns: 5000,
      shrinkTimeLimitMs: 60_000,
    });
    console.log(`[${name}] ${report}`);
    expect(failed).toBe(true);
    return;
  }
  await fc.assert(simProperty(bug.arb, bug.check), { seed: bug.seed, path: bug.path, endOnFailure: true });
}

describe('lock-core bugs the simulation found, replayed (all fixed)', () => {
  it('K1: without an atomic create-only PUT, a stale fence listing hands out the same token twice', async () => {
    await replay('K1', {
      arb: configArb({
        ...WITHIN,
        pauses: false,
        crashes: false,
        requestFaults: false,
        minContenders: 3,
        maxContenders: 4,
        maxSteps: 3,
        storeMap: (s) => ({
          ...s,
          conditionalPut: 'none',
          staleP: 1,
          staleMode: 'perKey',
          staleMs: 300,
          latencyMs: [1, 2],
          writeMs: 0,
          skewMs: 0,
          granularityMs: 1,
        }),
      }).map((c) => ({
        ...c,
        lock: { ...c.lock, settleExtraMs: 0 },
        contenders: c.contenders.map((x, i) => ({
          ...x,
          steps: x.steps.map((st) => ({
            ...st,
            mode: 'exclusive' as const,
            holdMs: 0,
            blocking: true,
            timeoutMs: undefined,
            gapMs: i === 0 ? 0 : st.gapMs % 400,
          })),
        })),
      })),
      check: checkFencing,
      seed: -239355699,
      path: '2645:31:31:31:31:31:31:31:31:31:31:32:31:33:32:32:33:34:32:31:33:33:33:33:33:33:33:40:50:49:49:49:49:49:49:49:49:49:49:49:49:52:50:50:50:51:51:51:51:51:51:51:51:51:51:36:34:33:33:42:33:35:34:33:35:33:33:34:34:33:33:33:42:33:33:36:38:36:36:34:41:36:39:46:39:41:41:41:41:41:41:41:42:41:41:48',
    });
  });

  it('K2: a lease whose ticket never was (or is no more) is never collected', async () => {
    await replay('K2', {
      arb: configArb({ ...RECORDED_CLEANUP, requestFaults: false }),
      check: (r) => checkCleanup(r),
      seed: 714546105,
      path: '7:0:0:0:0:0:0:0:0:1:0:0:0:0:1:1:1:1:1:1:1:1:2:2:4:3:3:3:3:3:5:0:0:5:5:5:5:5:5:5:5:5:5:5:5:5:5:5:5:5:5:5:6:5:5:5:5:5:5:5:5:6:6:6:7:6:6:6:6:6:7:6:6',
    });
  });

  it('K3: a seq-0 written before the seq-1 PUT failed, missed by a stale listing, stays forever without a lease', async () => {
    await replay('K3', {
      arb: configArb({
        ...RECORDED_LIVENESS,
        crashes: false,
        pauses: false,
        storeMap: (s) => ({ ...s, staleP: 1, staleMs: Math.max(50, s.staleMs) }),
      }),
      check: checkLiveness,
      seed: 67590798,
      path: '8:0:0:0:0:0:0:0:0:0:2:0:0:0:0:0:1:3:2:0:0:0:0:1:3:1:1:2:2:9:10:9:0:13:37:36:48:48:48:48:69:69:74:39:38:38:38:62:62:62:62:73:73:73:73:73:76:76:73:73',
    });
  });

  it('K8: a young contender taken for an orphan lease (wall clock 1.4 s ahead, whole-second timestamps) is not broken', async () => {
    await replay('K8', {
      arb: configArb({
        ...LIVENESS,
        crashes: false,
        pauses: false,
        storeMap: (s) => ({ ...s, staleP: 1, staleMs: Math.max(50, s.staleMs) }),
      }),
      check: checkLiveness,
      seed: 646530146,
      path: '843:20:20:20:20:20:30:34:24:17:26:32:52:43:43:43:43:9:18:19:18:23:4:28:44:39:40:40:48:11:12:3:5:13:13:13:28:22:19:22:22:29:23:34:38:3:15:9:16:16:16:16:0:7:12:7:10:10:7:25:20:24:14:8:7:4:6:16:8:10:15:18:0:15:23:23:37:37:38:0:12:3:6:6:7:29:28:33:39:39:52:63:63:63:72:21:13',
    });
  });

  it('K4: on a versioned bucket, release leaves lease versions a stale listing did not show', async () => {
    await replay('K4', {
      arb: configArb({
        ...RECORDED_CLEANUP,
        crashes: false,
        requestFaults: false,
        storeMap: (s) => ({ ...s, versioned: true, listVersions: true }),
      }),
      check: (r) => checkCleanup(r),
      seed: 1072518426,
      path: '3:1:0:1:1:1:0:0:1:0:1:1:3:1:1:0:0:4:2:6:2:2:3:0:0:6:1:1:0:3:1:0:3:0:0:0:2:0:0:0:0:1:1:5:1:1:0:1:3:0:5:5:0:5:0:0:1:5:6:6:4:0:3:1:0:2:9:4:6:0:0:5:5:3:1:9:31:31:31:51:43:42:43:44:44:48:10:36:51:51:51:51:56:56:56:56:56:56:56:61:56:58:56',
    });
  });

  it('K5: a listing staler than the previous one fails the acquire with a spurious TicketLostError', async () => {
    await replay('K5', {
      arb: configArb({
        ...LIVENESS,
        requestFaults: false,
        crashes: false,
        pauses: false,
        staleModes: ['snapshot', 'perKey'],
      }),
      check: checkLiveness,
      seed: -446554685,
      path: '13:0:0:1:1:0:0:0:0:1:2:5:0:0:0:0:0:0:13:13:15:3:0:0:12:15:0:3:9:17:17:5:0:26:0:9:9:5:0:0:2:0:5:6:9:9:9:9:9:10:0:0:0:3:3:6:1:2:11:0:2:6:0:0:4:2:1:5:1:10:0:6:7:0:6:8:8:16:1:6:22:22:22:22:26:8:0:12:5:10:2:2:7:7:6:6:11:7:6:6:6:19:19:25:47:47:47:48:23:0:1:5:6:19:0:6:21:21:6:10:6:21:26:32:4:1:11:11:16:6:27:11:13:6:27:11:13:6:27:23:16:21:11:11:19:15:6:17:28:28:33:29:41:40:40:51:51:59',
    });
  });

  it('K9: a retried ticket PUT left a version the release listing missed; it outlived the lease and blocked everyone', async () => {
    await replay('K9', {
      arb: configArb(LIVENESS),
      check: checkLiveness,
      seed: 1752992127,
      path: '334:5:5:47:17:49:45:54:64:64:64:76:66:80:78:78:78:78:80:78:78:80:87:82:91:91:91:91:91:91:91:91:99:111:110:110:113:110:111:110:111:112:112:112:112:118:138:82:65:65:74:66:81:83:82:81:81:96:42:78:94:94:94:112:113:115:115:114:114:116:116:116:116:116:116:116:116:116:121:117:134:134:134:136:134:134:135:134:134:136:136',
    });
  });

  it('K10: a lease PUT that failed before anything answered was deleted by key on a versioned bucket, leaving a delete marker', async () => {
    await replay('K10', {
      arb: configArb(CLEANUP),
      check: (r) => checkCleanup(r),
      seed: 1120183479,
      path: '2:1:0:0:0:0:1:2:0:0:0:0:0:2:0:0:1:0:1:0:3:3:5:9:0:0:3:4:6:0:0:1:1:0:0:1:1:1:0:0:1:3:2:0:2:2:2:2:2:3:3:3:2:0:1:1:0:3:0:1:0:0:0:1:0:1:0:0:2:2:0:0:1:1:13:10:13:14:1:4:1:1:1:13:8:1:1:1:1:4:4:4:4:4:4:4:4:3:3:11:5:6:1:2:2:3:1:3:3:3:4:9:3:1:2:1:5:5:5:5:5:5:13:1:14:14:14:14:14:14:14:14:14:14:14:14:14:14:14:15:14:14:15:15:14:14:14:14:14:14:14:15',
    });
  });

  it('K6: with the largest margin allowed, an uncontended lock is kept (a margin above leaseMs/2 lost it)', async () => {
    const config: SimConfig = {
      seed: 6,
      store: {
        versioned: false,
        listVersions: false,
        digest: 'md5',
        conditionalPut: 'atomic',
        granularityMs: 1,
        skewMs: 0,
        frontEnds: 1,
        latencyMs: [20, 30],
        writeMs: 20,
        staleMs: 0,
        staleP: 0,
        staleMode: 'monotonic',
        unboundedP: 0,
        failP: 0,
        lostP: 0,
        maxAttempts: 1,
        ...LEGACY_STORE,
      },
      // the largest margin allowed now (leaseMs / 2; 900 of 1500 was allowed and lost an idle lock)
      lock: { leaseMs: 1500, leaseMarginMs: 750, settleExtraMs: 0, marginExtraMs: 0, pollIntervalMs: 100 },
      contenders: [
        {
          kind: 'ts',
          drift: 0,
          wallOffsetMs: 0,
          steps: [
            {
              gapMs: 0,
              mode: 'exclusive',
              holdMs: 5000,
              blocking: true,
              timeoutMs: undefined,
              writes: 0,
              fault: undefined,
            },
          ],
        },
      ],
      faultWindowMs: 0,
      finalAcquire: false,
      janitor: false,
      violation: 'none',
    };
    const result = await runCase(config);
    const hold = result.holds[0];
    expect(hold?.endedBy, describeResult(result)).toBe('release');
  });
});

/** A contender's script of one step (the conditional strategy's recorded cases are written out). */
const step = (mode: 'exclusive' | 'shared', gapMs: number, holdMs: number) => ({
  gapMs,
  mode,
  holdMs,
  blocking: false,
  timeoutMs: undefined,
  writes: 0,
  fault: undefined,
});
const quietStore = {
  versioned: false,
  listVersions: false,
  digest: 'md5' as const,
  conditionalPut: 'atomic' as const,
  granularityMs: 1,
  skewMs: 0,
  frontEnds: 1,
  latencyMs: [1, 1] as const,
  writeMs: 0,
  staleMs: 0,
  staleP: 0,
  staleMode: 'monotonic' as const,
  unboundedP: 0,
  failP: 0,
  lostP: 0,
  maxAttempts: 1,
  ...LEGACY_STORE,
};
const conditionalCase = (
  seed: number,
  store: Partial<typeof quietStore>,
  scripts: ReturnType<typeof step>[][],
  faultWindowMs = 0,
): SimConfig => ({
  seed,
  strategy: 'conditional',
  store: { ...quietStore, ...store },
  lock: { leaseMs: 1000, settleExtraMs: 0, marginExtraMs: 0, pollIntervalMs: 50 },
  contenders: scripts.map((steps) => ({ kind: 'ts', drift: 0, wallOffsetMs: 0, steps })),
  faultWindowMs,
  finalAcquire: false,
  janitor: false,
  violation: 'none',
});

describe('conditional-strategy bugs the simulation found, replayed from their shrunk cases (all fixed)', () => {
  it('K12: a shared holder ended its turn with floor n + 1, so a later exclusive turn entered beside a running shared one', async () => {
    // c1 shared holds turn 1; c0 shared takes turn 2 and releases at once, claiming every turn
    // below 3 over; c0's exclusive turn 3 trusted that claim while turn 1 still ran
    const config = conditionalCase(0, {}, [
      [step('shared', 3, 0), step('exclusive', 0, 0)],
      [step('shared', 0, 20)],
    ]);
    const result = await runCase(config);
    expect(checkSafety(result), describeResult(result)).toEqual([]);
    expect(result.holds.length).toBeGreaterThanOrEqual(2);
  });

  it('K13: after a create failed with a 503, the next number was tried, so a turn existed without the one below it', async () => {
    // c0's create of turn 4 got a 503 and it moved on to 5; c1 later created 4, which c0 had
    // taken for collected (everything below a missing number is over): both held at once
    const config = conditionalCase(
      2,
      { failP: 0.02 },
      [
        [step('exclusive', 347, 0), step('exclusive', 0, 0)],
        [step('exclusive', 378, 0)],
        [step('exclusive', 0, 0), step('exclusive', 0, 364)],
      ],
      378,
    );
    const result = await runCase(config);
    expect(checkSafety(result), describeResult(result)).toEqual([]);
    expect(result.holds.length).toBeGreaterThanOrEqual(3);
  });
});
