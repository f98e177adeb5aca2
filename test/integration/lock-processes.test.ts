/**
 * Several OS processes contend for one lock on Ceph RGW, each recording when it enters and leaves
 * the critical section; the shared log must show no overlap of conflicting modes, and fencing tokens
 * must rise in the order exclusive holders entered. Also: SIGTERM of a holder cleans up and exits as
 * SIGTERM would; SIGKILL of a holder is recovered through its lease.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Session } from '../../src/index.js';
import { s3Env, uniqueBucketName } from './s3-env.js';

const WORKER = join(import.meta.dirname, '..', 'support', 'lock-worker.mjs');
/** Ceph lists millisecond timestamps from one gateway, strongly consistent: a short settle is within its assumptions. */
const CEPH_TICKET_OPTIONS = { settleDelayMs: 30, pollIntervalMs: 40, leaseMs: 4000 };
/** The conditional strategy has no settle delay; Ceph RGW qualifies (unversioned bucket). */
const CEPH_CONDITIONAL_OPTIONS = { strategy: 'conditional', pollIntervalMs: 40, leaseMs: 4000 };

interface WorkerEvent {
  pid: number;
  event: string;
  [field: string]: unknown;
}

function startWorker(config: object): {
  child: ChildProcess;
  events: WorkerEvent[];
  next(event: string): Promise<WorkerEvent>;
} {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: WorkerEvent[] = [];
  const waiters: { event: string; resolve(e: WorkerEvent): void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const event = JSON.parse(buffered.slice(0, nl)) as WorkerEvent;
      buffered = buffered.slice(nl + 1);
      events.push(event);
      for (const w of waiters.filter((w) => w.event === event.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  return {
    child,
    events,
    next: (event) => {
      const seen = events.find((e) => e.event === event);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ event, resolve }));
    },
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Replays the log: the holders inside at each entry must not conflict. Returns entries checked. */
function checkLog(lines: string[]): { entries: number; overlaps: string[]; tokens: number[] } {
  const inside = new Map<string, string>();
  const overlaps: string[] = [];
  const tokens: number[] = [];
  let entries = 0;
  for (const line of lines) {
    const [kind, pid, mode, token] = line.split(' ') as [string, string, string, string];
    if (kind === 'enter') {
      entries++;
      for (const [other, otherMode] of inside) {
        if (mode === 'exclusive' || otherMode === 'exclusive')
          overlaps.push(`${pid} (${mode}) entered while ${other} (${otherMode}) was inside`);
      }
      inside.set(pid, mode);
      if (token !== '-') tokens.push(Number(token));
    } else {
      inside.delete(pid);
    }
  }
  return { entries, overlaps, tokens };
}

describe.each([
  { strategy: 'ticket', CEPH_LOCK_OPTIONS: CEPH_TICKET_OPTIONS },
  { strategy: 'conditional', CEPH_LOCK_OPTIONS: CEPH_CONDITIONAL_OPTIONS },
])('locks across OS processes on Ceph RGW ($strategy strategy)', ({ strategy, CEPH_LOCK_OPTIONS }) => {
  const env = s3Env();
  const bucket = uniqueBucketName(strategy === 'ticket' ? 'lockproc' : 'lockcond');
  /** What shows a held lock: both ticket objects, or the marker and the turn. */
  const heldPrefix = (name: string) => (strategy === 'ticket' ? `${name}.lock.` : `${name}.turn.`);
  const s3Options = {
    bucket,
    endpoint: env.endpoint,
    accessKeyId: env.accessKeyId,
    secretAccessKey: env.secretAccessKey,
    region: env.region,
  };
  const session = new S3Session(s3Options);
  const dir = mkdtempSync(join(tmpdir(), 's3func-lockproc-'));

  beforeAll(async () => {
    if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'index.js'))) {
      throw new Error(
        'dist/ is missing: the worker processes run the built package; run `npm run build` (npm test does)',
      );
    }
    await session.createBucket();
  });

  afterAll(async () => {
    for await (const o of session.listObjects()) await session.deleteObject(o.key);
    await session.deleteBucket();
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of session.listObjects({ prefix })) keys.push(o.key);
    return keys;
  }

  async function contend(name: string, processes: number, iterations: number, modes: string[][]) {
    const logPath = join(dir, `${name}.log`);
    const workers = Array.from({ length: processes }, (_, i) =>
      startWorker({
        role: 'contend',
        s3: s3Options,
        name,
        logPath,
        iterations,
        holdMs: 5,
        modes: modes[i % modes.length],
        lockOptions: CEPH_LOCK_OPTIONS,
      }),
    );
    const results = await Promise.all(workers.map((w) => exited(w.child)));
    for (const w of workers) expect(w.events.filter((e) => e.event === 'error')).toEqual([]);
    expect(results.every((r) => r.code === 0)).toBe(true);
    return checkLog(readFileSync(logPath, 'utf8').trim().split('\n'));
  }

  // ticket acquisitions cost a settle delay each: fewer of them fit the test budget
  const rounds = strategy === 'ticket' ? 50 : 40;

  it(`exclusive: 4 processes × ${rounds} acquisitions, no overlap, fencing tokens rise`, async () => {
    const { entries, overlaps, tokens } = await contend('excl', 4, rounds, [['exclusive']]);
    expect(entries).toBe(4 * rounds);
    expect(overlaps).toEqual([]);
    expect(tokens).toHaveLength(4 * rounds);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    expect(await keysUnder('excl.lock.')).toEqual([]);
    expect(await keysUnder('excl.lease.')).toEqual([]);
  }, 240_000);

  it('mixed: 4 processes × 30 acquisitions of shared and exclusive modes, no conflicting overlap', async () => {
    const modes = [
      ['shared', 'shared', 'exclusive'],
      ['shared'],
      ['exclusive', 'shared'],
      ['shared', 'exclusive'],
    ];
    const { entries, overlaps } = await contend('mixed', 4, 30, modes);
    expect(entries).toBe(120);
    expect(overlaps).toEqual([]);
    expect(await keysUnder('mixed.lock.')).toEqual([]);
  }, 240_000);

  it.runIf(strategy === 'ticket')('the checker has teeth: an overlapping log is reported', () => {
    const { overlaps } = checkLog([
      'enter 1 exclusive 1',
      'enter 2 shared -',
      'exit 1 exclusive',
      'exit 2 shared',
    ]);
    expect(overlaps).toHaveLength(1);
    expect(
      checkLog(['enter 1 shared -', 'enter 2 shared -', 'exit 1 shared', 'exit 2 shared']).overlaps,
    ).toEqual([]);
  });

  it('SIGTERM of a holder deletes its ticket and lease, then the process dies of SIGTERM', async () => {
    const worker = startWorker({ role: 'hold', s3: s3Options, name: 'term', lockOptions: CEPH_LOCK_OPTIONS });
    await worker.next('held');
    expect(await keysUnder(heldPrefix('term'))).toHaveLength(2);
    worker.child.kill('SIGTERM');
    const { code, signal } = await exited(worker.child);
    // died of the signal as it would have without us: a shell reports 143
    expect(signal ?? (code === 143 ? 'SIGTERM' : code)).toBe('SIGTERM');
    expect(await keysUnder('term.lock.')).toEqual([]);
    expect(await keysUnder('term.lease.')).toEqual([]);
    // a turn ends with its done marker (turns stay until collected)
    if (strategy === 'conditional')
      expect(await keysUnder('term.done.')).toEqual(['term.done.0000000000000001']);
  }, 60_000);

  it('SIGKILL of a holder is recovered once its lease expires', async () => {
    const leaseMs = 2000;
    const lockOptions = { ...CEPH_LOCK_OPTIONS, leaseMs };
    const victim = startWorker({ role: 'hold', s3: s3Options, name: 'kill', lockOptions });
    const held = await victim.next('held');
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    const heir = startWorker({
      role: 'hold',
      s3: s3Options,
      name: 'kill',
      lockOptions,
      releaseAfterHold: true,
    });
    const heirHeld = await heir.next('held');
    expect((await heir.next('broke')).lockId).toBe(held.lockId);
    // the dead lease must have stood unchanged for a full lease on the heir's clock first
    expect(heirHeld.waitedMs as number).toBeGreaterThanOrEqual(leaseMs);
    expect(heirHeld.token as number).toBeGreaterThan(held.token as number);
    await heir.next('released');
    expect(await exited(heir.child)).toEqual({ code: 0, signal: null });
    expect(await keysUnder('kill.lock.')).toEqual([]);
    expect(await keysUnder('kill.lease.')).toEqual([]);
  }, 60_000);
});
