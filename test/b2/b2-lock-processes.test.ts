/**
 * Several OS processes contend for one lock through B2Session (the built package) against the B2
 * test server at B2's whole-second listing granularity. The shared log must show no overlap of
 * conflicting modes, and fencing tokens must rise in the order exclusive holders entered. SIGTERM
 * of a holder deletes its ticket and lease before the process dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type B2Fixture, startB2 } from './b2-fixture.js';

const WORKER = join(import.meta.dirname, 'lock-worker.mjs');
const DIST = process.env.S3FUNC_DIST ?? join(import.meta.dirname, '..', '..', 'dist');
/** Whole-second timestamps: the settle delay must cover them (B2's granularity, DESIGN §3.2). */
const B2_LOCK_OPTIONS = { settleDelayMs: 1000, pollIntervalMs: 150, leaseMs: 6000 };

interface Worker {
  child: ChildProcess;
  events: { event: string; [field: string]: unknown }[];
  next(event: string): Promise<void>;
}

function startWorker(config: object): Worker {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, S3FUNC_DIST: DIST },
  });
  const events: Worker['events'] = [];
  const waiters: { event: string; resolve(): void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const event = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      events.push(event);
      for (const w of waiters.filter((w) => w.event === event.event)) w.resolve();
    }
  });
  return {
    child,
    events,
    next: (event) =>
      events.some((e) => e.event === event)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ event, resolve })),
            exited(child).then(({ code, signal }) => {
              throw new Error(`worker exited (${signal ?? code}) before ${event}: ${JSON.stringify(events)}`);
            }),
          ]),
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Replays the log: the holders inside at each entry must not conflict. */
function checkLog(lines: string[]): { entries: number; overlaps: string[]; tokens: number[] } {
  const inside = new Map<string, string>();
  const overlaps: string[] = [];
  const tokens: number[] = [];
  let entries = 0;
  for (const line of lines) {
    const [kind, pid, mode, token] = line.split(' ') as [string, string, string, string];
    if (kind !== 'enter') {
      inside.delete(pid);
      continue;
    }
    entries++;
    for (const [other, otherMode] of inside) {
      if (mode === 'exclusive' || otherMode === 'exclusive')
        overlaps.push(`${pid} (${mode}) entered while ${other} (${otherMode}) was inside`);
    }
    inside.set(pid, mode);
    if (token !== '-') tokens.push(Number(token));
  }
  return { entries, overlaps, tokens };
}

describe('B2 locks across OS processes', () => {
  let fx: B2Fixture;
  const dir = mkdtempSync(join(tmpdir(), 's3func-b2-lockproc-'));
  let b2Options: object;

  beforeAll(async () => {
    const built = existsSync(join(DIST, 'index.js'))
      ? ((await import(pathToFileURL(join(DIST, 'index.js')).href)) as { B2Session?: unknown })
      : {};
    if (built.B2Session === undefined) {
      throw new Error(
        `${DIST}/index.js is missing or predates B2Session: the workers run the built package; run \`npm run build\` (npm test does)`,
      );
    }
    fx = await startB2({ timestampGranularityMs: 1000 });
    b2Options = { ...fx.server.key, bucket: fx.server.bucketName, endpoint: fx.server.endpoint };
  });

  afterAll(async () => {
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function contend(name: string, modes: string[][], iterations: number) {
    const logPath = join(dir, `${name}.log`);
    const workers = modes.map((m) =>
      startWorker({
        role: 'contend',
        b2: b2Options,
        name,
        logPath,
        iterations,
        holdMs: 20,
        modes: m,
        lockOptions: B2_LOCK_OPTIONS,
      }),
    );
    const results = await Promise.all(workers.map((w) => exited(w.child)));
    for (const w of workers) expect(w.events.filter((e) => e.event === 'error')).toEqual([]);
    expect(results.every((r) => r.code === 0)).toBe(true);
    return checkLog(readFileSync(logPath, 'utf8').trim().split('\n'));
  }

  const left = (prefix: string) => fx.server.versions().filter((v) => v.fileName.startsWith(prefix));

  it('exclusive: 3 processes × 3 acquisitions, no overlap, fencing tokens rise', async () => {
    const { entries, overlaps, tokens } = await contend(
      'excl',
      [['exclusive'], ['exclusive'], ['exclusive']],
      3,
    );
    expect(entries).toBe(9);
    expect(overlaps).toEqual([]);
    expect(tokens).toHaveLength(9);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    expect(left('excl.lock.')).toEqual([]);
    expect(left('excl.lease.')).toEqual([]);
  }, 120_000);

  it('mixed: 3 processes of shared and exclusive modes, no conflicting overlap', async () => {
    const { entries, overlaps } = await contend(
      'mixed',
      [['shared', 'exclusive'], ['shared'], ['exclusive', 'shared']],
      3,
    );
    expect(entries).toBe(9);
    expect(overlaps).toEqual([]);
    expect(left('mixed.lock.')).toEqual([]);
  }, 120_000);

  it('the checker has teeth: an overlapping log is reported', () => {
    expect(
      checkLog(['enter 1 exclusive 1', 'enter 2 shared -', 'exit 1 exclusive', 'exit 2 shared']).overlaps,
    ).toHaveLength(1);
    expect(
      checkLog(['enter 1 shared -', 'enter 2 shared -', 'exit 1 shared', 'exit 2 shared']).overlaps,
    ).toEqual([]);
  });

  it('SIGTERM of a holder deletes its ticket versions and lease, then the process dies of SIGTERM', async () => {
    const worker = startWorker({ role: 'hold', b2: b2Options, name: 'term', lockOptions: B2_LOCK_OPTIONS });
    await worker.next('held');
    expect(left('term.lock.')).toHaveLength(2);
    worker.child.kill('SIGTERM');
    const { code, signal } = await exited(worker.child);
    expect(signal ?? (code === 143 ? 'SIGTERM' : code)).toBe('SIGTERM');
    expect(left('term.lock.')).toEqual([]);
    expect(left('term.lease.')).toEqual([]);
  }, 60_000);
});
