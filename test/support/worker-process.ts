/**
 * Starting the reliability worker (test/support/reliability-worker.mjs) as an OS process and
 * following its JSON-line events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const WORKER_PATH = join(import.meta.dirname, 'reliability-worker.mjs');
const DIST = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

/** One JSON line a worker printed. */
export interface WorkerEvent {
  pid: number;
  event: string;
  [field: string]: unknown;
}

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Worker {
  child: ChildProcess;
  pid: number;
  events: WorkerEvent[];
  /** The last `state` event's state (`waiting`, `holding`, `idle`), for workers run with `verbose`. */
  state: string | undefined;
  /** Resolves with the first event of this kind (already seen or still to come); rejects after `timeoutMs`. */
  next(event: string, timeoutMs?: number): Promise<WorkerEvent>;
  /** Resolves when the process has ended. */
  exited: Promise<Exit>;
  /** Text the process wrote to stderr. */
  stderr(): string;
}

/** Throws a clear error when the package was not built (the workers run dist/, as users do). */
export function requireBuild(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      'dist/ is missing: the worker processes run the built package; run `npx tsup` (npm test does)',
    );
  }
}

/** Starts a worker with `config` (JSON in argv[2]). */
export function startWorker(config: object, { execArgv = [] as string[] } = {}): Worker {
  const waitForGo = (config as { waitForGo?: boolean }).waitForGo === true;
  const child = spawn(process.execPath, [...execArgv, WORKER_PATH, JSON.stringify(config)], {
    stdio: [waitForGo ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const waiters: { event: string; resolve(e: WorkerEvent): void }[] = [];
  let buffered = '';
  let errText = '';
  const worker: Worker = {
    child,
    pid: child.pid ?? -1,
    events,
    state: undefined,
    next(event, timeoutMs = 60_000) {
      const seen = events.find((e) => e.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker ${worker.pid}: no '${event}' event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          event,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    stderr: () => errText,
  };
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errText += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let event: WorkerEvent;
      try {
        event = JSON.parse(line) as WorkerEvent;
      } catch {
        event = { pid: worker.pid, event: 'garbage', line };
      }
      events.push(event);
      if (event.event === 'state') worker.state = event.state as string;
      for (const w of waiters.filter((w) => w.event === event.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  return worker;
}

/**
 * Starts workers run with `waitForGo` together: waits until every one is `ready` (start-up of many
 * processes on a small machine takes seconds), then gives each the phase deadlines, counted from now.
 * Resolves with those deadlines (epoch ms).
 */
export async function goTogether(
  workers: readonly Worker[],
  phaseMs: readonly number[],
  readyTimeoutMs = 120_000,
): Promise<number[]> {
  await Promise.all(workers.map((w) => w.next('ready', readyTimeoutMs)));
  const deadlines: number[] = [];
  let at = Date.now();
  for (const ms of phaseMs) {
    at += ms;
    deadlines.push(at);
  }
  const line = `${JSON.stringify({ untilMs: deadlines })}\n`;
  for (const w of workers) w.child.stdin?.end(line);
  return deadlines;
}

/** The status a shell would report: the exit code, or 128 + the signal's number. */
export function exitStatus(exit: Exit): number | string {
  if (exit.signal === null) return exit.code ?? -1;
  return { SIGHUP: 129, SIGINT: 130, SIGKILL: 137, SIGTERM: 143 }[exit.signal as string] ?? exit.signal;
}

/** The worker's final figures (its `done` or `error` event), once it has ended. */
export async function finalStats(worker: Worker): Promise<WorkerStats> {
  await worker.exited;
  const last = worker.events.find((e) => e.event === 'done' || e.event === 'error');
  if (!last) throw new Error(`worker ${worker.pid} ended without figures; stderr: ${worker.stderr()}`);
  return last.stats as WorkerStats;
}

/** The figures of each phase of a `contend` worker run with `phases`, once it has ended. */
export async function phaseStats(worker: Worker): Promise<WorkerStats[]> {
  await worker.exited;
  const done = worker.events.find((e) => e.event === 'done');
  if (!done) throw new Error(`worker ${worker.pid} did not finish; stderr: ${worker.stderr()}`);
  return done.phases as WorkerStats[];
}

/** What `contend` workers count (see reliability-worker.mjs). */
export interface WorkerStats {
  acquisitions: { exclusive: number; shared: number };
  waitsMs: number[];
  notAcquired: number;
  lost: number;
  errors: Record<string, number>;
  untyped: string[];
  releaseErrors: number;
  fence: { accepted: number; rejected: number; rejectedWhileHeld: number; failed: number };
  ops: Record<string, number>;
  retries: number;
}

/** Adds up the figures of many workers. */
export function mergeStats(all: readonly WorkerStats[]): WorkerStats {
  const total: WorkerStats = {
    acquisitions: { exclusive: 0, shared: 0 },
    waitsMs: [],
    notAcquired: 0,
    lost: 0,
    errors: {},
    untyped: [],
    releaseErrors: 0,
    fence: { accepted: 0, rejected: 0, rejectedWhileHeld: 0, failed: 0 },
    ops: {},
    retries: 0,
  };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const s of all) {
    total.acquisitions.exclusive += s.acquisitions.exclusive;
    total.acquisitions.shared += s.acquisitions.shared;
    total.waitsMs.push(...s.waitsMs);
    total.notAcquired += s.notAcquired;
    total.lost += s.lost;
    add(total.errors, s.errors);
    total.untyped.push(...s.untyped);
    total.releaseErrors += s.releaseErrors;
    add(total.fence, s.fence);
    add(total.ops, s.ops);
    total.retries += s.retries;
  }
  return total;
}
