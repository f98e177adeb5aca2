/**
 * Process faults: contender processes on Ceph are sent SIGTERM, SIGINT or SIGKILL at random moments,
 * while holding the lock or while waiting for it, round after round; each is replaced by a fresh one.
 *
 * Checked per kill: the process ends as that signal ends a process (143, 130, 137) within a bounded
 * time; after SIGTERM and SIGINT its ticket and lease are already gone (exit clean-up), after
 * SIGKILL others recover through its lease. Over the run: no conflicting overlap in the shared log,
 * exclusive tokens rise, no untyped error, and after a later waiter nothing is left.
 *
 * And the event-loop stall: a holder that busy-waits for twice its lease inside the critical section
 * finds the lock lost (isHeld, verify, the `lost` event, its aborted signal), a waiter takes over
 * with a higher fencing token, and the fenced resource refuses the stalled holder's late write.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Session } from '../../src/index.js';
import { s3Env } from '../integration/s3-env.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { FencedResource } from '../support/fenced-resource.js';
import { lockLeftovers, sweepLock } from '../support/lock-leftovers.js';
import { checkLockLogFile } from '../support/lock-log.js';
import { createTestBucket, destroyTestBucket, sessionOptions } from '../support/s3-bucket.js';
import { recordFigures, runLengthMs } from '../support/soak.js';
import { exitStatus, requireBuild, startWorker, type Worker } from '../support/worker-process.js';

const LEASE_MS = 2_500;
const LOCK_OPTIONS = { leaseMs: LEASE_MS, settleDelayMs: 30, pollIntervalMs: 80 };
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGKILL'] as const;
type Signal = (typeof SIGNALS)[number];
const EXPECTED_STATUS: Record<Signal, number> = { SIGTERM: 143, SIGINT: 130, SIGKILL: 137 };
/** Exit clean-up is bounded by 5 s (LOCK_DEFAULTS.exitCleanupMs); allow process start-up noise on top. */
const MAX_EXIT_MS = 7_000;

let direct: S3Session;
let resource: FencedResource;
const dir = mkdtempSync(join(tmpdir(), 's3func-rel-process-'));

beforeAll(async () => {
  requireBuild();
  direct = await createTestBucket('rel-process');
  resource = await FencedResource.start();
});

afterAll(async () => {
  await resource?.close();
  if (direct) await destroyTestBucket(direct);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

describe('signals at random moments', () => {
  it('holders and waiters killed by SIGTERM, SIGINT and SIGKILL: clean exits, no overlap, nothing left', async () => {
    const name = 'signals';
    const logPath = join(dir, `${name}.log`);
    const runMs = runLengthMs(16_000, 0.2);
    const contenders = 4;
    const spawn = () =>
      startWorker({
        role: 'contend',
        verbose: true,
        s3: sessionOptions(direct.bucket),
        names: [name],
        logPath,
        untilMs: Date.now() + runMs + 120_000,
        sharedRatio: 0.3,
        holdMs: [80, 400],
        pauseMs: [0, 80],
        lockOptions: LOCK_OPTIONS,
        fenceUrl: resource.endpoint,
      });
    const live: Worker[] = Array.from({ length: contenders }, spawn);
    const all: Worker[] = [...live];
    const kills: Record<string, number> = {};
    const problems: string[] = [];
    let slowestExitMs = 0;
    // every signal once in each three rounds, in a random order, and holders and waiters in turn:
    // the run covers each kind of kill by construction, not by luck (15 random picks once missed
    // SIGINT altogether)
    let deck: (typeof SIGNALS)[number][] = [];
    let round = 0;
    const started = Date.now();
    while (Date.now() - started < runMs) {
      await sleep(200 + Math.random() * 500); // let the lock move between kills
      // aim at a holder or a waiter, whichever comes up first of the kind wanted
      const wanted = round++ % 2 === 0 ? 'holding' : 'waiting';
      const until = Date.now() + 4_000;
      let victim = live.find((w) => w.state === wanted);
      while (!victim && Date.now() < until) {
        await sleep(15);
        victim = live.find((w) => w.state === wanted);
      }
      victim ??= pick(live);
      await sleep(Math.random() * 120);
      const state = victim.state ?? 'starting';
      const lastState = [...victim.events].reverse().find((e) => e.event === 'state' && e.lockId);
      const lockId = state === 'holding' || state === 'waiting' ? (lastState?.lockId as string) : undefined;
      if (deck.length === 0) deck = [...SIGNALS].sort(() => Math.random() - 0.5);
      const signal = deck.pop() as (typeof SIGNALS)[number];
      const killedAt = performance.now();
      victim.child.kill(signal);
      const exit = await victim.exited;
      const exitMs = performance.now() - killedAt;
      slowestExitMs = Math.max(slowestExitMs, exitMs);
      if (signal === 'SIGKILL') await appendFile(logPath, `died ${victim.pid}\n`);
      kills[`${signal} ${state}`] = (kills[`${signal} ${state}`] ?? 0) + 1;
      if (exitStatus(exit) !== EXPECTED_STATUS[signal])
        problems.push(`${signal} of a ${state} process: exit ${JSON.stringify(exit)}`);
      if (exitMs > MAX_EXIT_MS) problems.push(`${signal} of a ${state} process took ${exitMs} ms to exit`);
      if (signal !== 'SIGKILL' && lockId) {
        // exit clean-up deleted its ticket and lease before the process ended
        const left = [
          ...(await keys(`${name}.lock.${lockId}-`)),
          ...(await keys(`${name}.lease.${lockId}.`)),
        ];
        if (left.length > 0) problems.push(`${signal} of a ${state} process left ${left.join(', ')}`);
      }
      live.splice(live.indexOf(victim), 1);
      const fresh = spawn();
      live.push(fresh);
      all.push(fresh);
    }
    for (const w of live) w.child.kill('SIGTERM');
    const lastExits = await Promise.all(live.map((w) => w.exited));
    for (const exit of lastExits)
      if (exitStatus(exit) !== 143) problems.push(`final SIGTERM: ${JSON.stringify(exit)}`);

    const broken = await sweepLock(direct, name, { leaseMs: LEASE_MS, timeoutMs: 6 * LEASE_MS });
    const leftovers = await lockLeftovers(direct, name);
    const log = checkLockLogFile(logPath);
    const untyped = all.flatMap((w) => w.events.filter((e) => e.event === 'untyped' || e.event === 'error'));
    const stderr = all.map((w) => w.stderr()).join('');
    const rounds = all.length - contenders;
    recordFigures('process-faults', {
      durationMs: Date.now() - started,
      rounds,
      kills,
      acquisitions: log.entries,
      byMode: log.byMode,
      overlaps: log.overlaps.length,
      tokenViolations: log.tokenViolations.length,
      slowestExitMs: Math.round(slowestExitMs),
      brokenBySweeper: broken.length,
    });

    expect(problems).toEqual([]);
    expect(untyped).toEqual([]);
    expect(stderr).toBe('');
    expect(log.malformed).toEqual([]);
    expect(log.overlaps).toEqual([]);
    expect(log.tokenViolations).toEqual([]);
    expect(resource.writes.filter((w) => !w.accepted)).toEqual([]);
    expect(leftovers).toEqual({ tickets: [], leases: [] });
    // the run did what it says: every signal, holders and waiters both, and the lock kept moving
    for (const signal of SIGNALS)
      expect(
        Object.keys(kills).some((k) => k.startsWith(signal)),
        signal,
      ).toBe(true);
    expect(Object.keys(kills).some((k) => k.endsWith('holding'))).toBe(true);
    expect(Object.keys(kills).some((k) => k.endsWith('waiting'))).toBe(true);
    const holdersKilled = Object.entries(kills)
      .filter(([k]) => k.endsWith('holding'))
      .reduce((n, [, v]) => n + v, 0);
    expect(log.entries).toBeGreaterThan(holdersKilled);
  });
});

describe('a signal while a release is in progress', () => {
  it('SIGTERM during the deletes of a release: exit clean-up waits for them, nothing is left', async () => {
    const proxy = await FaultProxy.start(s3Env().endpoint);
    try {
      const worker = startWorker({
        role: 'hold',
        s3: sessionOptions(direct.bucket, { endpoint: proxy.endpoint }),
        names: ['mid-release'],
        logPath: join(dir, 'mid-release.log'),
        lockOptions: LOCK_OPTIONS,
        holdMs: [100, 100],
      });
      const held = await worker.next('held');
      // every delete takes a while, so the signal lands while the release is deleting
      proxy.inject(
        { kind: 'delay', ms: 1_200 },
        { times: Number.POSITIVE_INFINITY, match: { method: 'DELETE' } },
      );
      await worker.next('releasing');
      await sleep(300);
      const killedAt = performance.now();
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      expect(exitStatus(exit)).toBe(143);
      expect(performance.now() - killedAt).toBeLessThan(MAX_EXIT_MS);
      expect(proxy.received({ method: 'DELETE' }).length).toBeGreaterThan(0);
      expect([
        ...(await keys(`mid-release.lock.${held.lockId}-`)),
        ...(await keys(`mid-release.lease.${held.lockId}.`)),
      ]).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('a signal while the first lease is being written', () => {
  it('SIGTERM right after acquire() began: exit clean-up removes the lease, nothing is left', async () => {
    const proxy = await FaultProxy.start(s3Env().endpoint);
    try {
      // the store applies the lease at once; its answer is held back, so the write is still in flight
      proxy.inject({ kind: 'delay', ms: 1_500 }, { match: { method: 'PUT', path: '.lease.' } });
      const worker = startWorker({
        role: 'contend',
        verbose: true,
        s3: sessionOptions(direct.bucket, { endpoint: proxy.endpoint }),
        names: ['first-lease'],
        logPath: join(dir, 'first-lease.log'),
        untilMs: Date.now() + 60_000,
        holdMs: [100, 100],
        lockOptions: LOCK_OPTIONS,
      });
      const waiting = await worker.next('state');
      await sleep(300);
      // the lock's own writes: only the delayed lease (the store qualification runs beside it)
      const lockWrites = proxy
        .received({ method: 'PUT', path: /\/first-lease\./ })
        .map((r) => r.upstreamStatus);
      expect(lockWrites).toEqual([200]);
      worker.child.kill('SIGTERM');
      expect(exitStatus(await worker.exited)).toBe(143);
      expect([
        ...(await keys(`first-lease.lock.${waiting.lockId}-`)),
        ...(await keys(`first-lease.lease.${waiting.lockId}.`)),
      ]).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('an event-loop stall longer than the lease', () => {
  it('the stalled holder finds the lock lost, and the fenced resource refuses its late write', async () => {
    const name = 'stall';
    const leaseMs = 2_000;
    const lockOptions = { ...LOCK_OPTIONS, leaseMs };
    const base = {
      s3: sessionOptions(direct.bucket),
      names: [name],
      logPath: join(dir, `${name}.log`),
      fenceUrl: resource.endpoint,
      lockOptions,
    };
    const stalled = startWorker({ ...base, role: 'hold', stallMs: 2 * leaseMs });
    const held = await stalled.next('held');
    const heir = startWorker({ ...base, role: 'hold', holdMs: [leaseMs, leaseMs] });
    const heirHeld = await heir.next('held', 6 * leaseMs);
    const result = await stalled.next('stall-result', 8 * leaseMs);
    await heir.next('released', 8 * leaseMs);
    const exits = await Promise.all([stalled.exited, heir.exited]);

    expect(heirHeld.token as number).toBeGreaterThan(held.token as number);
    expect(result).toMatchObject({
      heldAfterStall: false,
      lateWriteAccepted: false,
      verified: false,
      signalAborted: true,
      lost: { name: 'LockLostError', code: 'ERR_LOCK_LOST' },
    });
    // the resource saw: the first holder's write, the heir's, then the stalled holder's late one refused
    const writes = resource.writes.filter((w) => w.resource === name);
    expect(writes.map((w) => [w.token, w.accepted])).toEqual([
      [held.token, true],
      [heirHeld.token, true],
      [held.token, false],
    ]);
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    expect(stalled.stderr() + heir.stderr()).toBe('');
    expect(await lockLeftovers(direct, name)).toEqual({ tickets: [], leases: [] });
    recordFigures('lease-stall', {
      leaseMs,
      stallMs: 2 * leaseMs,
      stalledToken: held.token,
      heirToken: heirHeld.token,
      heirWaitedMs: Math.round(heirHeld.waitedMs as number),
      lateWriteAccepted: result.lateWriteAccepted,
      lost: result.lost,
    });
  });
});

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of direct.listObjects({ prefix })) out.push(o.key);
  return out;
}

describe('a signal to a process that acquires and releases in a loop', () => {
  // The exit clean-up used to remove its handlers at each last release and add them at the next
  // acquire; Node drops a signal caught just before its listener is removed, so about half of the
  // SIGTERMs sent to such a process were lost (found by the Ceph campaign of issue 14).
  it('every SIGTERM ends it, as SIGTERM ends a process', async () => {
    const script = `
      import { MemorySession } from ${JSON.stringify(join(process.cwd(), 'dist', 'index.js'))};
      const store = new MemorySession();
      process.stdout.write('ready\\n');
      for (;;) {
        const lock = store.lock('loop', { settleDelayMs: 0, pollIntervalMs: 1 });
        try {
          await lock.acquire();
          await lock.release();
        } catch {
          // from the signal on, acquisitions refuse ("the process is exiting"): wait for the end
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }`;
    const rounds = 20;
    const outcomes = await Promise.all(
      Array.from({ length: rounds }, async (_, i) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await sleep(50 + 10 * i);
        const exited = new Promise<string>((resolve) =>
          child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
        );
        child.kill('SIGTERM');
        const outcome = await Promise.race([exited, sleep(5_000).then(() => 'still running')]);
        if (outcome === 'still running') child.kill('SIGKILL');
        return outcome;
      }),
    );
    expect(outcomes).toEqual(Array.from({ length: rounds }, () => 'SIGTERM'));
  }, 60_000);
});
