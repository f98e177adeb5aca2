// A contender process of the reliability suites (test/reliability). Runs the BUILT package (dist/),
// as a user would. Configuration comes as JSON in argv[2]; events go to stdout as JSON lines; entries
// into and exits from critical sections go to the shared log (format: test/support/lock-log.ts).
//
// Roles:
//   contend  acquire/hold/release in a loop (random lock of `names`, random mode) until `untilMs`
//            or `iterations`; exclusive holders write their token to the fenced resource
//   hold     acquire one lock and keep it; with `stallMs`, busy-wait that long inside the critical
//            section (an event-loop stall), then report what the lock and the fenced resource say
//   memory   a long-running holder: keep one lock for the whole run while cycling another, sampling
//            heap and RSS after a forced GC (run with --expose-gc)
//   campaign like contend, for scripts/campaign.mjs: writes the certified log of
//            test/support/campaign-log.ts (want/enter/beat/exit lines under its `logId`), writes its
//            token to the fenced resource when it enters and again, without checking first, when it
//            leaves (exclusive holds), and prints one JSON event per acquisition, loss, error and
//            fenced write as it happens (a SIGKILLed process never prints figures at exit)
//
// The process installs no signal handler of its own: SIGTERM/SIGINT reach the library's exit
// cleanup exactly as they would in an application.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// the built package; S3FUNC_DIST points elsewhere (the soak runs a private copy, so a rebuild of
// dist/ by someone else during a long run cannot pull the files from under starting processes)
const { isS3funcError, S3Session } = await import(process.env.S3FUNC_DIST ?? '../../dist/index.js');

const config = JSON.parse(process.argv[2]);
const say = (event) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...event })}\n`);
const log = (line) => appendFileSync(config.logPath, `${line}\n`);

const newStats = () => ({
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
});
/** Figures this process reports when it ends (per phase with `phases`; `stats` is the current one). */
let stats = newStats();
const phaseStats = [];

const s3 = new S3Session({
  ...config.s3,
  onRetry: () => {
    stats.retries++;
  },
});
countOps(s3);

/** Counts the session's calls per operation (the lock core calls the session's own methods). */
function countOps(session) {
  for (const name of [
    'putObject',
    'getObject',
    'headObject',
    'deleteObject',
    'listObjects',
    'listObjectVersions',
  ]) {
    const original = session[name].bind(session);
    session[name] = (...args) => {
      stats.ops[name] = (stats.ops[name] ?? 0) + 1;
      return original(...args);
    };
  }
}

function noteError(error, where) {
  if (isS3funcError(error)) {
    const key = `${where}:${error.code}`;
    stats.errors[key] = (stats.errors[key] ?? 0) + 1;
  } else {
    stats.untyped.push(`${where}: ${String(error?.stack ?? error)}`);
    // processes that are killed never print their figures: say it at once
    if (config.verbose) say({ event: 'untyped', where, message: String(error?.stack ?? error) });
  }
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const between = ([min, max]) => min + Math.random() * (max - min);

async function fenceWrite(name, token, writer = process.pid) {
  if (!config.fenceUrl || token === undefined) return undefined;
  try {
    const res = await fetch(
      `${config.fenceUrl}/${encodeURIComponent(name)}?token=${token}&writer=${writer}`,
      { method: 'POST' },
    );
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    stats.fence.failed++;
    return undefined;
  }
}

/** One acquisition: wait, enter, hold, leave. Returns false when the run is over. */
async function once(stop, names) {
  const name = pick(names);
  const mode = Math.random() < (config.sharedRatio ?? 0) ? 'shared' : 'exclusive';
  const lock = s3.lock(name, { ...config.lockOptions, mode });
  let waited = 0;
  lock.on('acquired', (info) => {
    waited = info.waitedMs;
  });
  const acquiring = lock.acquire({ signal: stop, timeoutMs: config.acquireTimeoutMs });
  if (config.verbose) say({ event: 'state', state: 'waiting', lockId: lock.lockId, name });
  let won;
  try {
    won = await acquiring;
  } catch (error) {
    if (stop.aborted) return false;
    noteError(error, 'acquire');
    await sleep(50);
    return true;
  }
  if (!won) {
    stats.notAcquired++;
    return true;
  }
  stats.acquisitions[mode]++;
  stats.waitsMs.push(Math.round(waited));
  let inside = true;
  const leave = () => {
    if (!inside) return;
    inside = false;
    log(`exit ${name} ${process.pid}`);
  };
  // the holder's signal aborts when the lock is lost (or released, or released at exit): stop acting
  lock.signal.addEventListener('abort', leave, { once: true });
  log(`enter ${name} ${process.pid} ${mode} ${lock.fencingToken ?? '-'}`);
  if (config.verbose) say({ event: 'state', state: 'holding', lockId: lock.lockId, name, mode });
  try {
    if (mode === 'exclusive') {
      const accepted = await fenceWrite(name, lock.fencingToken);
      if (accepted === true) stats.fence.accepted++;
      else if (accepted === false) {
        stats.fence.rejected++;
        if (lock.isHeld()) stats.fence.rejectedWhileHeld++;
      }
    }
    await sleep(between(config.holdMs), undefined, { signal: lock.signal });
  } catch (error) {
    if (error?.name !== 'AbortError') throw error;
    stats.lost++;
  }
  leave();
  try {
    await lock.release();
  } catch (error) {
    stats.releaseErrors++;
    noteError(error, 'release');
  }
  if (config.verbose) say({ event: 'state', state: 'idle' });
  if (config.pauseMs) await sleep(between(config.pauseMs));
  return true;
}

/** With `waitForGo`: say `ready`, then read the start line (`{"untilMs": [...]}`) from stdin. */
async function go() {
  if (!config.waitForGo) return undefined;
  // load undici and open a connection now, so start-up costs are not paid inside the measured run
  for await (const _ of s3.listObjects({ prefix: 'warm-up/' })) break;
  say({ event: 'ready' });
  let line = '';
  for await (const chunk of process.stdin.setEncoding('utf8')) {
    line += chunk;
    if (line.includes('\n')) break;
  }
  process.stdin.destroy(); // do not keep the process alive
  return JSON.parse(line);
}

async function contend() {
  // phases: the same processes first on one set of locks, then on another (load: one lock, then 100)
  const phases = config.phases ?? [{ names: config.names, untilMs: config.untilMs }];
  const start = await go();
  if (start) for (const [i, phase] of phases.entries()) phase.untilMs = start.untilMs[i];
  for (const phase of phases) {
    stats = newStats();
    phaseStats.push(stats);
    const stop = AbortSignal.timeout(Math.max(1, phase.untilMs - Date.now()));
    for (let i = 0; config.iterations === undefined || i < config.iterations; i++) {
      if (stop.aborted || !(await once(stop, phase.names))) break;
    }
  }
}

/**
 * One acquisition of the `campaign` role. The log lines and when `isHeld()` is evaluated are what the
 * checker's certification rests on (test/support/campaign-log.ts): each line of a hold is followed
 * at once, synchronously, by an evaluation; a `beat` is written only after a true one, and an
 * `exit` carries the last one. Returns false when the run is over.
 */
async function campaignOnce(stop) {
  const id = config.logId;
  const name = pick(config.names);
  const mode = Math.random() < (config.sharedRatio ?? 0) ? 'shared' : 'exclusive';
  const lock = s3.lock(name, { ...config.lockOptions, mode });
  let waited = 0;
  lock.on('acquired', (info) => {
    waited = info.waitedMs;
  });
  lock.on('lost', (error) => say({ event: 'lost', name, mode, message: error?.message }));
  say({ event: 'state', state: 'waiting', lockId: lock.lockId, name });
  log(`want ${name} ${id} ${mode}`);
  let won;
  try {
    won = await lock.acquire({ signal: stop, timeoutMs: config.acquireTimeoutMs });
  } catch (error) {
    if (stop.aborted) return false;
    say({ event: 'failed', where: 'acquire', ...describeError(error) });
    await sleep(50);
    return true;
  }
  if (!won) {
    say({ event: 'not-acquired', name, mode });
    return true;
  }
  const token = lock.fencingToken;
  let inside = true;
  /** The evaluation of isHeld() right after the hold's latest line. */
  let certified = false;
  const exit = (how) => {
    if (!inside) return;
    inside = false;
    log(`exit ${name} ${id} ${how} ${certified ? 1 : 0}`);
  };
  // the holder's signal aborts when the lock is lost, released, or released at exit: leave at once
  lock.signal.addEventListener('abort', () => exit('gone'), { once: true });
  log(`enter ${name} ${id} ${mode} ${token ?? '-'}`);
  certified = lock.isHeld();
  const enteredAt = Date.now();
  say({ event: 'acquired', name, mode, token, waitedMs: Math.round(waited), lockId: lock.lockId });
  say({ event: 'state', state: 'holding', lockId: lock.lockId, name, mode });
  const fence = async (at) => {
    const heldBefore = lock.isHeld();
    const sentAt = Date.now();
    const accepted = await fenceWrite(name, token, id);
    say({
      event: 'fence',
      name,
      token,
      at,
      accepted: accepted ?? null,
      heldBefore,
      heldAfter: lock.isHeld(),
      enteredAt,
      sentAt,
      answeredAt: Date.now(),
    });
  };
  const holdUntil = performance.now() + between(config.holdMs);
  let beats = 0;
  if (certified && mode === 'exclusive') await fence('enter');
  while (inside) {
    if (!certified) {
      exit('gone'); // it learnt it lost the lock: it leaves without writing
      break;
    }
    const left = holdUntil - performance.now();
    if (left > 0) {
      try {
        await sleep(Math.min(left, config.beatMs ?? 40), undefined, { signal: lock.signal });
      } catch {
        // aborted: the listener wrote the exit
      }
      if (!inside) break;
      if (holdUntil - performance.now() > 0) {
        log(`beat ${name} ${id}`);
        certified = lock.isHeld();
        beats++;
        continue;
      }
    }
    // the work is done (or the process woke from a suspend past its end): what a careless holder
    // does then is write with the token it has, checking nothing since its last line; fencing must
    // refuse that write if a newer holder wrote meanwhile
    if (mode === 'exclusive') await fence('leave');
    exit(lock.isHeld() ? 'held' : 'gone');
    break;
  }
  say({ event: 'left', name, mode, held: certified, beats });
  try {
    await lock.release();
  } catch (error) {
    say({ event: 'failed', where: 'release', ...describeError(error) });
  }
  say({ event: 'state', state: 'idle' });
  if (config.pauseMs) await sleep(between(config.pauseMs));
  return true;
}

/** An error as an event: its code when typed (S3funcError), its stack when not. */
function describeError(error) {
  if (isS3funcError(error)) return { code: error.code, name: error.name };
  return { code: 'UNTYPED', message: String(error?.stack ?? error) };
}

async function campaign() {
  const stop = AbortSignal.timeout(Math.max(1, config.untilMs - Date.now()));
  say({ event: 'ready' });
  while (!stop.aborted) {
    if (!(await campaignOnce(stop))) break;
  }
}

async function hold() {
  const name = config.names[0];
  const lock = s3.lock(name, config.lockOptions);
  const lost = new Promise((resolve) => lock.on('lost', (error) => resolve(error)));
  lock.on('broke', (info) => say({ event: 'broke', lockId: info.lockId }));
  const started = performance.now();
  if (!(await lock.acquire())) throw new Error('acquire returned false without a timeout');
  const token = lock.fencingToken;
  say({ event: 'held', lockId: lock.lockId, token, waitedMs: performance.now() - started });
  const firstWrite = await fenceWrite(name, token);
  say({ event: 'wrote', token, accepted: firstWrite });
  if (config.stallMs) {
    // an event-loop stall inside the critical section: nothing of ours runs, renewals included
    const until = performance.now() + config.stallMs;
    while (performance.now() < until) {
      /* busy */
    }
    // what a careless holder does next: write again, with the token it has, before checking anything
    const heldAfterStall = lock.isHeld();
    const lateWrite = await fenceWrite(name, token);
    const verified = await lock.verify().catch((error) => `error: ${error?.code ?? error}`);
    const lostError = await Promise.race([lost, sleep(5_000).then(() => undefined)]);
    say({
      event: 'stall-result',
      token,
      heldAfterStall,
      lateWriteAccepted: lateWrite,
      verified,
      signalAborted: lock.signal?.aborted ?? true,
      lost: lostError ? { name: lostError.name, code: lostError.code, message: lostError.message } : null,
      state: lock.state,
    });
    await lock.release().catch((error) => noteError(error, 'release'));
    return;
  }
  if (config.holdMs) {
    await sleep(between(config.holdMs));
    say({ event: 'releasing' });
    await lock.release();
    say({ event: 'released' });
    return;
  }
  await new Promise(() => {}); // hold until killed
}

async function memory() {
  const samples = [];
  const start = await go();
  if (start) config.untilMs = start.untilMs[start.untilMs.length - 1];
  const t0 = performance.now();
  const sample = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    samples.push({ tS: (performance.now() - t0) / 1000, heapUsed: m.heapUsed, rss: m.rss });
  };
  const held = s3.lock(config.names[0], { ...config.lockOptions, mode: 'shared' });
  let renewals = 0;
  held.on('renewed', () => {
    renewals++;
  });
  // start-up of many processes at once can starve the first lease; try again until held
  for (let attempt = 1; ; attempt++) {
    try {
      if (await held.acquire()) break;
    } catch (error) {
      noteError(error, 'acquire');
      if (attempt >= 10) throw error;
      await sleep(500);
    }
  }
  say({ event: 'held', lockId: held.lockId });
  const timer = setInterval(sample, config.memorySampleMs);
  let cycles = 0;
  while (Date.now() < config.untilMs) {
    try {
      await s3.withLock(
        config.names[1],
        async () => {
          await s3.putObject(`${config.names[1]}-data`, `cycle ${cycles}`);
          await (await s3.getObject(`${config.names[1]}-data`)).text();
        },
        config.lockOptions,
      );
      cycles++;
    } catch (error) {
      noteError(error, 'cycle');
    }
    await sleep(config.pauseMs ? between(config.pauseMs) : 100);
  }
  clearInterval(timer);
  sample();
  const stillHeld = held.isHeld();
  await held.release();
  say({ event: 'memory', samples, renewals, cycles, stillHeld });
}

try {
  if (config.role === 'hold') await hold();
  else if (config.role === 'memory') await memory();
  else if (config.role === 'campaign') await campaign();
  else await contend();
  await s3.close();
  say({ event: 'done', stats, phases: phaseStats });
} catch (error) {
  noteError(error, 'worker');
  say({ event: 'error', message: String(error?.stack ?? error), stats });
  process.exitCode = 1;
}
