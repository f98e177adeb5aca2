/**
 * Locks through a faulty network: contender processes reach Ceph through the FaultProxy while it
 * injects every fault kind at random (resets before and after the store acted, 500s, 503 SlowDown
 * storms with Retry-After, latency spikes, stalled and truncated bodies). Then the faults stop.
 *
 * Checked: no two conflicting holders were ever inside together (the shared log), exclusive tokens
 * rose, no exclusive holder's write was refused by the fenced resource while it believed it held
 * the lock, every failure a contender saw was a typed S3funcError, and, once the faults stopped and
 * a later waiter broke what failed contenders left behind, no ticket and no lease is left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3funcError, LockLostError, S3Session } from '../../src/index.js';
import { s3Env } from '../integration/s3-env.js';
import { type Fault, FaultProxy } from '../support/fault-proxy.js';
import { FencedResource } from '../support/fenced-resource.js';
import { summarise } from '../support/figures.js';
import { lockLeftovers, sweepLock } from '../support/lock-leftovers.js';
import { checkLockLogFile } from '../support/lock-log.js';
import { createTestBucket, destroyTestBucket, sessionOptions } from '../support/s3-bucket.js';
import { recordFigures, runLengthMs } from '../support/soak.js';
import { finalStats, mergeStats, requireBuild, startWorker } from '../support/worker-process.js';

const LEASE_MS = 5_000;
const LOCK_OPTIONS = { leaseMs: LEASE_MS, settleDelayMs: 30, pollIntervalMs: 120 } as const;
/** Background chaos: each request meets one of these with the given chance. */
const CHAOS: { fault: Fault; probability: number }[] = [
  { fault: { kind: 'reset-before' }, probability: 0.03 },
  { fault: { kind: 'reset-after' }, probability: 0.04 },
  { fault: { kind: 'error', status: 500, code: 'InternalError' }, probability: 0.02 },
  { fault: { kind: 'error', status: 503, code: 'SlowDown', retryAfter: '0' }, probability: 0.02 },
  { fault: { kind: 'delay', ms: 400 }, probability: 0.02 },
  { fault: { kind: 'delay', ms: 1_500 }, probability: 0.005 },
  { fault: { kind: 'stall', afterBytes: 0 }, probability: 0.005 },
  { fault: { kind: 'stall', afterBytes: 60 }, probability: 0.005 },
  { fault: { kind: 'truncate', afterBytes: 50 }, probability: 0.015 },
];
/**
 * A SlowDown storm: nearly every request refused with `Retry-After: 1` for longer than a call's
 * retries last, so calls fail (acquisitions, releases) and leave tickets and leases behind.
 */
const STORM: Fault = { kind: 'error', status: 503, code: 'SlowDown', retryAfter: '1' };
const STORM_MS = 2_500;
const STORM_EVERY_MS = 7_000;

let proxy: FaultProxy;
let resource: FencedResource;
let direct: S3Session;
const dir = mkdtempSync(join(tmpdir(), 's3func-rel-lockfaults-'));

beforeAll(async () => {
  requireBuild();
  proxy = await FaultProxy.start(s3Env().endpoint, { recordLimit: 0 });
  resource = await FencedResource.start();
  direct = await createTestBucket('rel-lockfaults');
});

afterAll(async () => {
  await proxy?.close();
  await resource?.close();
  if (direct) await destroyTestBucket(direct);
  rmSync(dir, { recursive: true, force: true });
});

/** A session on the test bucket through the proxy, failing fast (2 attempts). */
function viaProxy(): S3Session {
  return new S3Session(
    sessionOptions(direct.bucket, {
      endpoint: proxy.endpoint,
      idleTimeoutMs: 1_000,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    }),
  );
}

/** Every matching request is refused with 503 until `proxy.reset()`. */
function refuse(match: { method?: string; path?: string | RegExp }): void {
  proxy.inject({ kind: 'error', status: 503, code: 'SlowDown' }, { times: Number.POSITIVE_INFINITY, match });
}

function planChaos(storm: boolean): void {
  proxy.reset();
  if (storm) proxy.inject(STORM, { times: Number.POSITIVE_INFINITY, probability: 0.9 });
  for (const { fault, probability } of CHAOS)
    proxy.inject(fault, { times: Number.POSITIVE_INFINITY, probability });
}

/** Contender processes that reach Ceph through the proxy (3 attempts per call), until `untilMs`. */
function chaosContenders(count: number, name: string, logPath: string, untilMs: number, lockOptions: object) {
  return Array.from({ length: count }, () =>
    startWorker({
      role: 'contend',
      s3: sessionOptions(direct.bucket, {
        endpoint: proxy.endpoint,
        idleTimeoutMs: 1_500,
        retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 1_000 },
      }),
      names: [name],
      logPath,
      untilMs,
      sharedRatio: 0.3,
      holdMs: [10, 120],
      pauseMs: [0, 50],
      lockOptions,
      fenceUrl: resource.endpoint,
    }),
  );
}

/** Background chaos with a storm every few seconds until `endMs`, then none; resolves with the storms run. */
async function chaosUntil(endMs: number): Promise<number> {
  let storms = 0;
  while (Date.now() < endMs) {
    await new Promise((r) => setTimeout(r, Math.min(STORM_EVERY_MS, endMs - Date.now())));
    if (Date.now() >= endMs) break;
    planChaos(true);
    storms++;
    await new Promise((r) => setTimeout(r, STORM_MS));
    planChaos(false);
  }
  proxy.reset();
  return storms;
}

/**
 * Six contender processes of one strategy through the chaos (a storm every few seconds) for 12 s,
 * then 4 s of calm; then a later waiter breaks what failed contenders left behind (once their
 * leases ran out) and `breakLocks` removes leases left by failed releases. Both strategies run the
 * same scenario, lease and progress check (issue 14: under the same faults the conditional strategy
 * must make at least as much progress as the ticket strategy).
 */
async function chaosScenario(strategy: 'ticket' | 'conditional') {
  const name = `chaos-${strategy}`;
  const logPath = join(dir, `${name}.log`);
  const chaosMs = runLengthMs(12_000, 0.1);
  const calmMs = 4_000;
  const contenders = 6;
  const started = Date.now();
  planChaos(false);
  const workers = chaosContenders(contenders, name, logPath, started + chaosMs + calmMs, {
    ...LOCK_OPTIONS,
    strategy,
    // checkpoints every 4 turns, so that collection runs under the faults too
    ...(strategy === 'conditional' ? { turns: { checkpointEvery: 4 } } : {}),
  });
  const storms = await chaosUntil(started + chaosMs);
  const faults = { ...proxy.counts.byFault };
  const requestsUnderChaos = proxy.counts.requests;
  const stats = mergeStats(await Promise.all(workers.map(finalStats)));
  const exits = await Promise.all(workers.map((w) => w.exited));
  const stderr = workers.map((w) => w.stderr()).join('');

  // a later waiter breaks whatever failed contenders left running (after their leases ran out);
  // breakLocks then removes leases whose release failed to delete them (it watches them a lease)
  const broke: string[] = [];
  const sweeper = direct.lock(name, { ...LOCK_OPTIONS, strategy, pollIntervalMs: 100, cleanupOnExit: false });
  sweeper.on('broke', (info) => broke.push(info.lockId));
  expect(await sweeper.acquire({ timeoutMs: 6 * LEASE_MS })).toBe(true);
  await sweeper.release();
  broke.push(...(await direct.breakLocks(name, { olderThanMs: 0 })));
  const log = checkLockLogFile(logPath);

  recordFigures(`lock-faults-${strategy}`, {
    durationMs: Date.now() - started,
    contenders,
    acquisitions: stats.acquisitions,
    overlaps: log.overlaps.length,
    tokenViolations: log.tokenViolations.length,
    lostWhileHolding: stats.lost,
    waitMs: summarise(stats.waitsMs),
    errors: stats.errors,
    retries: stats.retries,
    requests: requestsUnderChaos,
    faultsInjected: faults,
    storms,
    brokenBySweep: broke.length,
    fence: stats.fence,
  });

  expect(stderr).toBe('');
  expect(exits.every((e) => e.code === 0)).toBe(true);
  expect(stats.untyped).toEqual([]);
  expect(log.malformed).toEqual([]);
  expect(log.overlaps).toEqual([]);
  expect(log.tokenViolations).toEqual([]);
  expect(stats.fence.rejectedWhileHeld).toBe(0);
  expect(await direct.lockStatus(name)).toEqual([]);
  expect(await lockLeftovers(direct, name)).toEqual({ tickets: [], leases: [] });
  // the run made progress through the faults, and the faults were there
  expect(log.entries).toBeGreaterThan(8);
  for (const kind of ['reset-before', 'reset-after', 'error', 'delay', 'stall', 'truncate'] as const)
    expect(faults[kind] ?? 0, kind).toBeGreaterThan(0);
  expect(storms).toBeGreaterThan(0);
}

describe('locks through a faulty network', () => {
  it('ticket contenders stay safe under every fault kind, and nothing is orphaned once faults stop', () =>
    chaosScenario('ticket'));

  // create-only turns meet every fault: a reset after the store acted answers a create's retry with
  // 412 (the contender must find the turn is its own), a 503 storm fails creates outright
  it('turn-taking contenders stay safe under the same faults; once faults stop no turn runs and no lease is left', () =>
    chaosScenario('conditional'));
});

describe('what failed contenders leave behind is cleared by a later waiter', () => {
  const SHORT = { leaseMs: 1_500, settleDelayMs: 30, pollIntervalMs: 60, cleanupOnExit: false };
  const sweep = (name: string) =>
    sweepLock(direct, name, { leaseMs: SHORT.leaseMs, timeoutMs: 8 * SHORT.leaseMs });

  it('a release whose deletes all fail leaves ticket and lease; both are broken after the lease', async () => {
    const s3 = viaProxy();
    const lock = s3.lock('orphan-release', SHORT);
    expect(await lock.acquire()).toBe(true);
    refuse({ method: 'DELETE' });
    const error = await lock.release().catch((e: unknown) => e);
    expect(isS3funcError(error)).toBe(true);
    proxy.reset();
    const left = await lockLeftovers(direct, 'orphan-release');
    expect(left.tickets).toHaveLength(2);
    expect(left.leases).toHaveLength(1);
    expect(await sweep('orphan-release')).toEqual([lock.lockId]);
    expect(await lockLeftovers(direct, 'orphan-release')).toEqual({ tickets: [], leases: [] });
    await s3.close();
  });

  it('an acquisition that fails after its first ticket object, and whose clean-up fails too, is broken after the lease', async () => {
    const s3 = viaProxy();
    const lock = s3.lock('orphan-acquire', SHORT);
    refuse({ method: 'PUT', path: /\.lock\.[0-9a-f]{13}-1/ });
    refuse({ method: 'DELETE' });
    const error = await lock.acquire().catch((e: unknown) => e);
    expect(isS3funcError(error)).toBe(true);
    proxy.reset();
    const left = await lockLeftovers(direct, 'orphan-acquire');
    expect(left.tickets.map((k) => k.slice(-2))).toEqual(['-0']);
    expect(left.leases).toHaveLength(1);
    expect(await sweep('orphan-acquire')).toHaveLength(1);
    expect(await lockLeftovers(direct, 'orphan-acquire')).toEqual({ tickets: [], leases: [] });
    await s3.close();
  });

  it('a holder whose renewals fail reports the lock lost, and its ticket goes once the store answers', async () => {
    const s3 = viaProxy();
    const lock = s3.lock('orphan-renewal', SHORT);
    expect(await lock.acquire()).toBe(true);
    const lost = new Promise<LockLostError>((resolve) => lock.on('lost', resolve));
    refuse({ method: 'PUT', path: '.lease.' });
    const error = await lost;
    expect(error).toBeInstanceOf(LockLostError);
    expect(lock.signal?.aborted).toBe(true);
    expect(lock.isHeld()).toBe(false);
    expect(await lock.verify()).toBe(false);
    proxy.reset();
    await sweep('orphan-renewal');
    expect(await lockLeftovers(direct, 'orphan-renewal')).toEqual({ tickets: [], leases: [] });
    await s3.close();
  });

  it('a release whose ticket deletes succeed but whose lease delete fails leaves a lease that a later waiter clears', async () => {
    const s3 = viaProxy();
    const lock = s3.lock('orphan-lease', SHORT);
    expect(await lock.acquire()).toBe(true);
    refuse({ method: 'DELETE', path: '.lease.' });
    const error = await lock.release().catch((e: unknown) => e);
    expect(isS3funcError(error)).toBe(true);
    proxy.reset();
    const left = await lockLeftovers(direct, 'orphan-lease');
    expect(left).toEqual({ tickets: [], leases: [expect.stringContaining(lock.lockId as string)] });
    // later waiters: one contender holds while another waits longer than the orphan's lease
    expect(await sweep('orphan-lease')).toEqual([lock.lockId]);
    expect(await lockLeftovers(direct, 'orphan-lease')).toEqual({ tickets: [], leases: [] });
    await s3.close();
  });
});
