#!/usr/bin/env node
// `npm run campaign`: a long campaign of lock acquisitions on Ceph RGW under network faults, signals
// and suspends, phase after phase, alternating the two strategies (ticket, conditional) with mixed
// shared and exclusive contenders, until a target number of acquisitions. Every phase ends with the
// faults stopped, a sweep by later waiters and `breakLocks`, and a look at what is left in the bucket.
// Figures go to bench/results/campaign-<time>.json and a Markdown summary beside it; the process
// exits non-zero on any violation, leftover or misbehaving process, and stops at the first phase
// that shows one. What is checked, and why that is the honest check under suspends:
// test/reliability/README.md ("The campaign") and test/support/campaign-log.ts.
//
//   npm run campaign                                   10,000 acquisitions on a throwaway Ceph RGW
//   npm run campaign -- --acquisitions 300 --phase-seconds 60      a short trial
//   AWS_ENDPOINT_URL_S3=http://127.0.0.1:7480 npm run campaign …   an S3 endpoint already running
//
// Options: --acquisitions N (10000), --minutes M (no new phase after M minutes; 600), --phase-seconds S
// (180), --contenders C per phase (8), --names N lock names per strategy (3), --ceph-dir DIR and
// --port P for the Ceph it starts, --results DIR (bench/results).
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CEPH = join(ROOT, 'scripts', 'ceph-rgw.sh');
/** The workers and the sweeps run a private copy of the build (a rebuild of dist/ cannot pull it away). */
const PRIVATE_DIST = join(ROOT, '.test-tmp', 'campaign-dist', 'dist');
const say = (line) => process.stderr.write(`[campaign] ${line}\n`);

const { values: args } = parseArgs({
  options: {
    acquisitions: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '600' },
    'phase-seconds': { type: 'string', default: '180' },
    contenders: { type: 'string', default: '8' },
    names: { type: 'string', default: '3' },
    'ceph-dir': { type: 'string' },
    port: { type: 'string' },
    results: { type: 'string', default: join(ROOT, 'bench', 'results') },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (args.help) {
  process.stderr.write(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\nimport ')[0]
      .replace(/^#.*\n/, ''),
  );
  process.exit(0);
}
const positive = (name) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n <= 0) {
    say(`--${name} must be a positive number, got ${args[name]}`);
    process.exit(2);
  }
  return n;
};
const TARGET = Math.round(positive('acquisitions'));
const CAP_MS = positive('minutes') * 60_000;
const PHASE_MS = positive('phase-seconds') * 1000;
const CONTENDERS = Math.round(positive('contenders'));
const NAMES_PER_STRATEGY = Math.round(positive('names'));

// test/support is TypeScript: load it through tsx (a devDependency, as vitest is)
register();
const { FaultProxy } = await import('../test/support/fault-proxy.ts');
const { FencedResource } = await import('../test/support/fenced-resource.ts');
const { lockLeftovers, sweepLock } = await import('../test/support/lock-leftovers.ts');
const { checkCampaignLog, excerpt } = await import('../test/support/campaign-log.ts');
const { startWorker, exitStatus } = await import('../test/support/worker-process.ts');
const { summarise } = await import('../test/support/figures.ts');

// ---------------------------------------------------------------------------------------------------
// what runs

/** The two strategies as the campaign runs them (leases short, so that breaks happen often). */
const STRATEGIES = {
  ticket: {
    lockOptions: { leaseMs: 5_000, settleDelayMs: 30, pollIntervalMs: 120 },
    leaseMs: 5_000,
    marginMs: 1_000,
  },
  conditional: {
    // checkpoints every 4 turns and a one-minute retention: collection runs all the time and must
    // keep the queue bounded (a day's retention would keep every turn of the campaign)
    lockOptions: {
      strategy: 'conditional',
      leaseMs: 4_000,
      pollIntervalMs: 120,
      turns: { checkpointEvery: 4, retentionMs: 60_000 },
    },
    leaseMs: 4_000,
    marginMs: 800,
    checkpointEvery: 4,
    retentionMs: 60_000,
  },
};
const ORDER = ['ticket', 'conditional'];
const SHARED_RATIO = 0.35;
const HOLD_MS = [20, 400];
const PAUSE_MS = [0, 60];
const BEAT_MS = 40;

/** Background chaos: the CHAOS mix of test/reliability/lock-faults.test.ts. */
const CHAOS = [
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
/** SlowDown storms, as lock-faults.test.ts: nearly every request refused for longer than a call's retries. */
const STORM = { kind: 'error', status: 503, code: 'SlowDown', retryAfter: '1' };
const STORM_MS = 2_500;
const STORM_EVERY_MS = 7_000;

/**
 * Suspend lengths, per strategy: shorter than the margin, between the margin and the lease, longer
 * than the lease, and (rarely) far longer: for the conditional strategy past a quarter of the
 * retention, which bounds how long a create may take and how long a frontier is trusted.
 */
function suspendClasses(s) {
  const beyond =
    s.retentionMs !== undefined
      ? [s.retentionMs / 4 + 1_000, s.retentionMs / 4 + 5_000]
      : [3 * s.leaseMs, 4 * s.leaseMs];
  return [
    { name: 'below-margin', weight: 0.3, ms: [100, 0.8 * s.marginMs] },
    { name: 'margin-to-lease', weight: 0.3, ms: [1.2 * s.marginMs, 0.9 * s.leaseMs] },
    { name: 'beyond-lease', weight: 0.32, ms: [1.2 * s.leaseMs, 2.5 * s.leaseMs] },
    { name: 'far-beyond', weight: 0.08, ms: beyond },
  ];
}
/** What the injector does, with its weight. */
const ACTIONS = [
  { name: 'SIGSTOP', weight: 0.5 },
  { name: 'SIGKILL', weight: 0.2 },
  { name: 'SIGTERM', weight: 0.18 },
  { name: 'SIGINT', weight: 0.12 },
];
const EXPECTED_STATUS = { SIGTERM: 143, SIGINT: 130, SIGKILL: 137 };
/**
 * stderr lines of contenders that are a known, reported finding rather than a failure: at a ticket
 * contender's first acquisition the store's qualification race (8 create-only PUTs) runs with the
 * acquisition's signal beside the election's requests, more than Node's default of 10 listeners on
 * one AbortSignal at once (a warning, not a leak: the listeners go when the requests end).
 */
const KNOWN_WARNINGS = [
  {
    name: 'MaxListenersExceededWarning',
    pattern:
      /MaxListenersExceededWarning: Possible EventTarget memory leak detected\. \d+ abort listeners added to \[AbortSignal\]/,
    count: true,
  },
  {
    name: 'trace hint',
    pattern: /^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)$/,
  },
];
/**
 * A process still running this long after SIGTERM or SIGINT went on as if no signal had come: it
 * is SIGKILLed, as an orchestrator would after its grace period, counted (`signals.ignored`) and a
 * failure of the phase: the exit clean-up keeps its handlers installed once a lock was held, so a
 * signal is never dropped (it once was: handlers removed at the last release lost a signal Node had
 * caught just before; test/reliability/process-faults.test.ts, "in a loop").
 */
const SIGNAL_GRACE_MS = 15_000;
/** Exit clean-up is bounded by 5 s (LOCK_DEFAULTS.exitCleanupMs); a loaded machine adds to it. */
const SLOW_EXIT_MS = 10_000;

const between = ([min, max]) => min + Math.random() * (max - min);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const weighted = (list) => {
  let r = Math.random() * list.reduce((n, x) => n + x.weight, 0);
  for (const x of list) {
    r -= x.weight;
    if (r <= 0) return x;
  }
  return list[list.length - 1];
};
const round2 = (x) => Math.round(x * 100) / 100;
const add = (into, key, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};

// ---------------------------------------------------------------------------------------------------
// the store

function run(cmd, argv, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

let cephDir;
async function startCeph() {
  cephDir = args['ceph-dir'] ?? join(tmpdir(), `s3func-campaign-ceph-${process.pid}`);
  const port = args.port ? ['--port', args.port] : [];
  if ((await run(CEPH, ['start', '--dir', cephDir, ...port])).code !== 0)
    throw new Error('Ceph RGW did not start');
  const printed = await run(CEPH, ['env', '--dir', cephDir], { capture: true });
  const vars = {};
  for (const [, key, value] of printed.out.matchAll(/^export (\w+)=(.*)$/gm)) vars[key] = value;
  return vars;
}

async function stopCeph() {
  if (!cephDir) return;
  const dir = cephDir;
  cephDir = undefined;
  await run(CEPH, ['stop', '--dir', dir]);
  rmSync(dir, { recursive: true, force: true });
}

function cephVersion() {
  try {
    return execFileSync('radosgw', ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return 'unknown (radosgw --version failed)';
  }
}

/** Builds dist/ when it is missing or older than src/, then copies it aside for the run. */
async function build() {
  const newest = (dir) => {
    let t = 0;
    const walk = (d) => {
      for (const e of readdirSyncSafe(d)) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else t = Math.max(t, statSync(p).mtimeMs);
      }
    };
    walk(dir);
    return t;
  };
  const dist = join(ROOT, 'dist', 'index.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(ROOT, 'src'))) {
    say('building dist/ (tsup)');
    if ((await run('npx', ['--no', '--', 'tsup'])).code !== 0) throw new Error('the build failed');
  }
  rmSync(PRIVATE_DIST, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), PRIVATE_DIST, { recursive: true });
  process.env.S3FUNC_DIST = join(PRIVATE_DIST, 'index.js');
}

function readdirSyncSafe(d) {
  try {
    return readdirSync(d, { withFileTypes: true });
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// the campaign

const startedAt = new Date();
const stamp = startedAt
  .toISOString()
  .replace(/[:.]/g, '-')
  .replace(/-\d{3}Z$/, 'Z');
const WORK = join(ROOT, '.test-tmp', `campaign-${stamp}`);
/** Live workers of every phase, for the emergency exit. */
const everyWorker = new Set();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    say(`${signal}: stopping the contenders and Ceph`);
    for (const w of everyWorker) {
      try {
        w.child.kill('SIGCONT');
        w.child.kill('SIGKILL');
      } catch {}
    }
    await stopCeph().catch(() => {});
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const loadSamples = [];
const sampleLoad = () => loadSamples.push(loadavg()[0]);

async function main() {
  const t0 = performance.now();
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map(round2),
  };
  const external = process.env.AWS_ENDPOINT_URL_S3;
  const env = external
    ? {
        AWS_ENDPOINT_URL_S3: external,
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
        AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      }
    : await startCeph();
  const store = external
    ? `AWS_ENDPOINT_URL_S3 (${external}); installed ${cephVersion()}`
    : `Ceph RGW (${cephVersion()}), memstore on loopback, started by scripts/ceph-rgw.sh for this run`;
  say(`S3: ${env.AWS_ENDPOINT_URL_S3}`);
  await build();
  const { S3Session } = await import(process.env.S3FUNC_DIST);
  mkdirSync(WORK, { recursive: true });
  const loadTimer = setInterval(sampleLoad, 10_000);
  sampleLoad();

  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    region: env.AWS_REGION ?? 'us-east-1',
  };
  const bucket = `campaign-${Date.now().toString(36)}-${Math.random().toString(16).slice(2, 8)}`;
  const direct = new S3Session({ ...credentials, endpoint: env.AWS_ENDPOINT_URL_S3, bucket });
  await direct.createBucket();
  const proxy = await FaultProxy.start(env.AWS_ENDPOINT_URL_S3, { recordLimit: 0 });
  const resource = await FencedResource.start();
  const names = Object.fromEntries(
    ORDER.map((s) => [s, Array.from({ length: NAMES_PER_STRATEGY }, (_, i) => `${s}-${i}`)]),
  );
  say(`bucket ${bucket}; logs in ${relative(ROOT, WORK)}/`);

  const phases = [];
  let total = 0;
  let failed = false;
  let nextWorker = 0;
  try {
    for (let index = 0; ; index++) {
      const elapsed = performance.now() - t0;
      const done = ORDER.every((s) => phases.some((p) => p.strategy === s));
      if (total >= TARGET && done) break;
      if (elapsed >= CAP_MS) {
        say(`time cap of ${args.minutes} min reached`);
        break;
      }
      const strategy = ORDER[index % ORDER.length];
      const phase = await runPhase({
        index,
        strategy,
        names: names[strategy],
        proxy,
        resource,
        direct,
        bucket,
        credentials,
        newId: () => `w${nextWorker++}`,
        totalBefore: total,
      });
      phases.push(phase);
      total += phase.acquisitions.exclusive + phase.acquisitions.shared;
      say(
        `phase ${index} (${strategy}) done: ${phase.acquisitions.exclusive + phase.acquisitions.shared} acquisitions, ${phase.violations.length} violations, leftovers ${phase.leftovers.clean ? 'none' : 'FOUND'}; total ${total}/${TARGET}`,
      );
      if (!phase.passed) {
        failed = true;
        say('STOPPING: this phase found a violation, a leftover or a misbehaving process (see the results)');
        break;
      }
    }
    // the whole campaign's log at once: tokens must rise across phases too (the sweeps take tokens
    // of their own between phases, which only leaves gaps)
    const whole = checkCampaignLog(
      phases.flatMap((p) => readFileSync(join(ROOT, p.log), 'utf8').split('\n')),
    );
    const wholeLog = {
      holds: whole.holds.length,
      overlaps: whole.overlaps.length,
      overlapsNotSuspended: whole.overlaps.filter((o) => o.verdict !== 'suspended').length,
      tokenIssues: whole.tokens.length,
      tokenIssuesNotSuspended: whole.tokens.filter((t) => t.verdict !== 'suspended').length,
      violations: whole.violations,
    };
    if (whole.violations > 0) failed = true;
    const final = failed ? undefined : await finalCollection(direct, names.conditional);
    if (final && !final.bounded) failed = true;
    const probeKeys = await keys(direct, '.s3func-probe/');
    const probeLeft = {
      objects: probeKeys.length,
      races: new Set(probeKeys.map((k) => k.split('/')[1])).size,
    };
    clearInterval(loadTimer);
    sampleLoad();
    const report = summariseRun({
      startedAt,
      durationMs: Math.round(performance.now() - t0),
      machine,
      store,
      bucket,
      phases,
      wholeLog,
      final,
      probeLeft,
      failed,
    });
    writeResults(report);
    if (!failed && external) await destroyBucket(direct);
    else if (failed) say(`the bucket ${bucket} is kept for inspection${external ? '' : ' until Ceph stops'}`);
    return report.passed ? 0 : 1;
  } finally {
    await proxy.close();
    await resource.close();
    await direct.close();
  }
}

/** One phase: contenders of one strategy under chaos, signals and suspends; then calm, sweep, checks. */
async function runPhase(ctx) {
  const { index, strategy, names, proxy, resource, direct } = ctx;
  const s = STRATEGIES[strategy];
  const logPath = join(WORK, `phase-${String(index).padStart(3, '0')}-${strategy}.log`);
  appendFileSync(logPath, `# phase ${index} ${strategy} ${new Date().toISOString()}\n`);
  const started = Date.now();
  const endAt = started + PHASE_MS;
  const classes = suspendClasses(s);
  const longestSuspend = Math.max(...classes.map((c) => c.ms[1]));
  // no new suspend or signal once the longest suspend could not end before the contenders stop
  const injectUntil = endAt - longestSuspend - 2_000;
  const writesBefore = resource.writes.length;
  proxy.reset({ requests: true });

  const workers = [];
  const live = new Set();
  const stopped = new Map(); // worker → { timer, record }
  const problems = [];
  const signals = [];
  const suspends = [];
  const cleanExitLeft = [];
  const ignoredSignals = [];
  const log = (line) => appendFileSync(logPath, `${line}\n`);

  const spawnWorker = () => {
    const id = ctx.newId();
    const w = startWorker({
      role: 'campaign',
      logId: id,
      logPath,
      untilMs: endAt,
      s3: {
        ...ctx.credentials,
        bucket: ctx.bucket,
        endpoint: proxy.endpoint,
        idleTimeoutMs: 1_500,
        retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 1_000 },
      },
      names,
      sharedRatio: SHARED_RATIO,
      holdMs: HOLD_MS,
      pauseMs: PAUSE_MS,
      beatMs: BEAT_MS,
      lockOptions: s.lockOptions,
      fenceUrl: resource.endpoint,
      acquireTimeoutMs: 60_000,
    });
    w.id = id;
    w.startedAt = Date.now();
    w.signalled = undefined;
    workers.push(w);
    live.add(w);
    everyWorker.add(w);
    w.exited.then((exit) => {
      w.exit = exit;
      w.endedAt = Date.now();
      live.delete(w);
      everyWorker.delete(w);
      log(`died ${id}`); // out of every lock it was in (harmless after a clean exit)
      const record = stopped.get(w);
      if (record) {
        clearTimeout(record.timer);
        stopped.delete(w);
      }
      for (const window of stopWindows.get(id) ?? []) window.to ??= Date.now();
      if (!w.signalled && !(exit.code === 0 && exit.signal === null))
        problems.push(`${id} ended by itself with ${JSON.stringify(exit)}: ${w.stderr().slice(0, 500)}`);
    });
    return w;
  };
  for (let i = 0; i < CONTENDERS; i++) spawnWorker();

  // chaos with a storm every few seconds until the contenders stop
  const planChaos = (storm) => {
    proxy.reset();
    if (storm) proxy.inject(STORM, { times: Number.POSITIVE_INFINITY, probability: 0.9 });
    for (const { fault, probability } of CHAOS)
      proxy.inject(fault, { times: Number.POSITIVE_INFINITY, probability });
  };
  let storms = 0;
  const chaos = (async () => {
    planChaos(false);
    while (Date.now() < endAt) {
      await sleep(Math.max(0, Math.min(STORM_EVERY_MS, endAt - Date.now())));
      if (Date.now() >= endAt) break;
      planChaos(true);
      storms++;
      await sleep(Math.min(STORM_MS, Math.max(0, endAt - Date.now())));
      planChaos(false);
    }
    proxy.reset();
  })();

  const eligible = (w) => live.has(w) && !stopped.has(w) && !w.signalled && w.state !== undefined;
  const victim = async (wanted) => {
    const until = Date.now() + 3_000;
    let found = [...live].filter((w) => eligible(w) && w.state === wanted);
    while (found.length === 0 && Date.now() < until) {
      await sleep(15);
      found = [...live].filter((w) => eligible(w) && w.state === wanted);
    }
    if (found.length > 0) return pick(found);
    const any = [...live].filter(eligible);
    return any.length > 0 ? pick(any) : undefined;
  };
  const lockIdOf = (w) => {
    const last = [...w.events].reverse().find((e) => e.event === 'state');
    return last && last.state !== 'idle' ? { lockId: last.lockId, name: last.name } : undefined;
  };

  const progress = setInterval(() => {
    const acquired = workers.reduce((n, w) => n + w.events.filter((e) => e.event === 'acquired').length, 0);
    say(
      `phase ${index} (${strategy}) ${Math.round((Date.now() - started) / 1000)} s: ${acquired} acquisitions (campaign ${ctx.totalBefore + acquired}/${TARGET}), ${suspends.length} suspends, ${signals.length} signals, ${Object.values(proxy.counts.byFault).reduce((a, b) => a + b, 0)} faults, load ${round2(loadavg()[0])}`,
    );
  }, 15_000);

  // the injector: a suspend or a signal every 1.5–4 s, at a holder or a waiter
  while (Date.now() < injectUntil) {
    await sleep(between([1_500, 4_000]));
    if (Date.now() >= injectUntil) break;
    const action = weighted(ACTIONS).name;
    const wanted = Math.random() < 0.6 ? 'holding' : 'waiting';
    if (action === 'SIGSTOP') {
      if (stopped.size >= Math.max(1, Math.floor(CONTENDERS / 3))) continue;
      const w = await victim(wanted);
      if (!w) continue;
      const cls = weighted(classes);
      const ms = Math.round(between(cls.ms));
      const record = { worker: w.id, state: w.state, class: cls.name, ms, ...lockIdOf(w) };
      log(`stop ${w.id}`);
      const window = { from: Date.now(), to: undefined };
      w.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      stopWindows.set(w.id, [...(stopWindows.get(w.id) ?? []), window]);
      suspends.push(record);
      const timer = setTimeout(() => {
        if (!stopped.has(w)) return;
        stopped.delete(w);
        w.child.kill('SIGCONT');
        log(`cont ${w.id}`);
        window.to = Date.now();
        record.actualMs = Date.now() - stoppedAt;
      }, ms);
      stopped.set(w, { timer, record });
      continue;
    }
    // a signal; now and then a SIGKILL for a process that is stopped (a hung process killed)
    let w;
    if (action === 'SIGKILL' && stopped.size > 0 && Math.random() < 0.25) w = pick([...stopped.keys()]);
    else w = await victim(wanted);
    if (!w) continue;
    const wasStopped = stopped.has(w);
    const state = wasStopped ? `stopped ${w.state}` : (w.state ?? 'starting');
    const held = lockIdOf(w);
    w.signalled = action;
    const sentAt = performance.now();
    const eventsBefore = w.events.length;
    w.child.kill(action);
    let exit = await Promise.race([w.exited, sleep(SIGNAL_GRACE_MS).then(() => undefined)]);
    if (!exit) {
      // the process went on as if no signal had come: what an orchestrator does after its grace
      // period, and a failure of the phase (see SIGNAL_GRACE_MS)
      ignoredSignals.push({
        worker: w.id,
        signal: action,
        state,
        acquiredAfter: w.events.slice(eventsBefore).filter((e) => e.event === 'acquired').length,
      });
      w.child.kill('SIGKILL');
      exit = await w.exited;
      signals.push({ worker: w.id, signal: action, state, ignored: true, killedAfterMs: SIGNAL_GRACE_MS });
      problems.push(
        `${action} to ${w.id} (${state}) was not acted on within ${SIGNAL_GRACE_MS / 1000} s: SIGKILLed`,
      );
      if (Date.now() < endAt - 5_000) spawnWorker();
      continue;
    }
    const exitMs = Math.round(performance.now() - sentAt);
    const status = exitStatus(exit);
    const record = { worker: w.id, signal: action, state, exitStatus: status, exitMs };
    signals.push(record);
    if (status !== EXPECTED_STATUS[action])
      problems.push(`${action} to ${w.id} (${state}): exit ${JSON.stringify(exit)}`);
    if (exitMs > SLOW_EXIT_MS) problems.push(`${action} to ${w.id} (${state}) took ${exitMs} ms to exit`);
    if (action !== 'SIGKILL' && held?.lockId) {
      // exit clean-up releases; under faults its deletes may fail (later waiters clear those)
      const left = [
        ...(await keys(direct, `${held.name}.lock.${held.lockId}-`)),
        ...(await keys(direct, `${held.name}.lease.${held.lockId}.`)),
      ];
      if (left.length > 0) cleanExitLeft.push({ worker: w.id, signal: action, state, left });
    }
    if (Date.now() < endAt - 5_000) spawnWorker();
  }
  // every suspend has ended by now (see injectUntil); make sure, then let the contenders finish
  for (const [w, { timer, record }] of stopped) {
    clearTimeout(timer);
    w.child.kill('SIGCONT');
    log(`cont ${w.id}`);
    for (const window of stopWindows.get(w.id) ?? []) window.to ??= Date.now();
    record.actualMs = record.ms;
    record.endedEarly = true;
  }
  stopped.clear();
  await chaos;
  const quietAt = Date.now();
  const faults = { ...proxy.counts.byFault };
  const requests = proxy.counts.requests;
  const exitDeadline = Date.now() + 60_000;
  for (const w of [...live]) {
    const exit = await Promise.race([
      w.exited,
      sleep(Math.max(0, exitDeadline - Date.now())).then(() => undefined),
    ]);
    if (!exit) {
      problems.push(`${w.id} did not end within 60 s of the phase's end: killed`);
      w.signalled = 'SIGKILL';
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
  clearInterval(progress);
  await sleep(50); // the last `died` lines

  // calm: later waiters clear what failed or killed contenders left, then breakLocks once the
  // leases of failed releases are two leases old (it breaks only what stays unchanged while it watches)
  const sweepStarted = Date.now();
  const sweep = { broke: [], errors: [] };
  for (const name of names) {
    try {
      if (strategy === 'ticket') {
        sweep.broke.push(
          ...(await sweepLock(direct, name, { leaseMs: s.leaseMs, timeoutMs: 8 * s.leaseMs })),
        );
      } else {
        const sweeper = direct.lock(name, { ...s.lockOptions, pollIntervalMs: 100, cleanupOnExit: false });
        sweeper.on('broke', (info) => sweep.broke.push(info.lockId));
        if (!(await sweeper.acquire({ timeoutMs: 8 * s.leaseMs })))
          sweep.errors.push(`the sweeper could not acquire ${name} within ${8 * s.leaseMs} ms`);
        else await sweeper.release();
      }
    } catch (error) {
      sweep.errors.push(`${name}: ${error?.message ?? error}`);
    }
  }
  await sleep(Math.max(0, quietAt + 2 * s.leaseMs + 500 - Date.now()));
  for (const name of names) {
    try {
      sweep.broke.push(...(await direct.breakLocks(name, { olderThanMs: 0 })));
    } catch (error) {
      sweep.errors.push(`breakLocks ${name}: ${error?.message ?? error}`);
    }
  }
  sweep.durationMs = Date.now() - sweepStarted;
  const leftovers = await leftoversOf(direct, strategy, names);
  // the stores' qualification races (every contender process runs one) write under .s3func-probe/
  // and delete after, best effort: counted here (bucket-wide, so far), not part of a lock's leftovers
  const probeKeys = await keys(direct, '.s3func-probe/');
  const probeObjects = {
    objects: probeKeys.length,
    races: new Set(probeKeys.map((k) => k.split('/')[1])).size,
  };
  if (sweep.errors.length > 0) problems.push(...sweep.errors.map((e) => `sweep: ${e}`));

  // the checks
  const text = readFileSync(logPath, 'utf8');
  const lines = text.split('\n');
  const log2 = checkCampaignLog(lines);
  const events = workers.flatMap((w) => w.events.map((e) => ({ ...e, worker: w.id })));
  const fence = judgeFence(resource.writes.slice(writesBefore), events);
  const violations = [];
  for (const o of log2.overlaps.filter((o) => o.verdict !== 'suspended'))
    violations.push({
      kind: `overlap (${o.verdict})`,
      lock: o.lock,
      reason: o.reason,
      excerpt: excerpt(
        lines,
        o.inside.want >= 0 ? o.inside.want : o.inside.enter,
        o.inside.end ?? o.entering.enter,
      ),
    });
  for (const t of log2.tokens.filter((t) => t.verdict !== 'suspended'))
    violations.push({
      kind: `token (${t.verdict})`,
      lock: t.lock,
      reason: t.reason,
      excerpt: excerpt(lines, t.earlier.enter, t.later.enter),
    });
  violations.push(...fence.violations);
  const untyped = events.filter((e) => e.event === 'failed' && e.code === 'UNTYPED');
  for (const e of untyped)
    problems.push(`untyped error in ${e.worker} (${e.where}): ${e.message?.slice(0, 300)}`);
  // Node's MaxListenersExceededWarning is a known finding, reported apart (see the README's
  // campaign section); anything else on a contender's stderr is a problem
  const warnings = {};
  for (const w of workers) {
    const rest = w
      .stderr()
      .split('\n')
      .filter((line) => {
        const known = KNOWN_WARNINGS.find((k) => k.pattern.test(line));
        if (known?.count) add(warnings, known.name);
        return !known && line.trim() !== '';
      });
    if (rest.length > 0) problems.push(`stderr of ${w.id}: ${rest.join('\n').slice(0, 300)}`);
  }
  const suspendedHolders = { count: 0, leftNotHolding: 0, died: 0, leftHolding: 0, overtakenWhileStopped: 0 };
  for (const window of log2.suspends) {
    const hold = log2.holds.find(
      (h) => h.id === window.id && h.enter < window.from && (h.end ?? Infinity) > window.from,
    );
    if (!hold) continue;
    suspendedHolders.count++;
    if (hold.how === 'gone') suspendedHolders.leftNotHolding++;
    else if (hold.how === 'died') suspendedHolders.died++;
    else suspendedHolders.leftHolding++;
    if (
      log2.overlaps.some(
        (o) => o.inside === hold && o.entering.enter > window.from && o.entering.enter < window.to,
      )
    )
      suspendedHolders.overtakenWhileStopped++;
  }
  if (log2.malformed.length > 0)
    problems.push(`malformed log lines: ${log2.malformed.slice(0, 5).join(' | ')}`);

  const acquired = events.filter((e) => e.event === 'acquired');
  const errors = {};
  for (const e of events.filter((e) => e.event === 'failed')) add(errors, `${e.where}:${e.code}`);
  const processes = workers.map((w) => {
    const own = w.events;
    const errs = {};
    for (const e of own.filter((e) => e.event === 'failed')) add(errs, `${e.where}:${e.code}`);
    return {
      id: w.id,
      pid: w.pid,
      lifeMs: (w.endedAt ?? Date.now()) - w.startedAt,
      ended: w.signalled ?? 'phase end',
      exit: w.exit ? exitStatus(w.exit) : null,
      acquisitions: {
        exclusive: own.filter((e) => e.event === 'acquired' && e.mode === 'exclusive').length,
        shared: own.filter((e) => e.event === 'acquired' && e.mode === 'shared').length,
      },
      holdsLeftHolding: own.filter((e) => e.event === 'left' && e.held).length,
      lost: own.filter((e) => e.event === 'lost').length,
      notAcquired: own.filter((e) => e.event === 'not-acquired').length,
      errors: errs,
    };
  });
  const byClass = {};
  const byTarget = {};
  for (const r of suspends) {
    add(byClass, r.class);
    add(byTarget, r.state);
  }
  const signalCounts = {};
  for (const r of signals) add(signalCounts, `${r.signal} ${r.state}`);
  const overlapCounts = { logged: log2.overlaps.length, proven: 0, suspended: 0, unexplained: 0 };
  for (const o of log2.overlaps) overlapCounts[o.verdict]++;
  const tokenCounts = { duplicate: 0, proven: 0, suspended: 0, unexplained: 0 };
  for (const t of log2.tokens) tokenCounts[t.verdict]++;
  const phase = {
    index,
    strategy,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    chaosMs: quietAt - started,
    contenders: CONTENDERS,
    processesStarted: workers.length,
    acquisitions: log2.byMode,
    acquisitionEvents: {
      exclusive: acquired.filter((e) => e.mode === 'exclusive').length,
      shared: acquired.filter((e) => e.mode === 'shared').length,
    },
    holds: {
      certified: log2.certifiedHolds,
      beats: log2.beats,
      leftHolding: log2.holds.filter((h) => h.how === 'held').length,
      leftNotHolding: log2.holds.filter((h) => h.how === 'gone').length,
      died: log2.holds.filter((h) => h.how === 'died').length,
    },
    waitMs: summarise(acquired.map((e) => e.waitedMs ?? 0)),
    lost: events.filter((e) => e.event === 'lost').length,
    notAcquired: events.filter((e) => e.event === 'not-acquired').length,
    errors,
    overlaps: overlapCounts,
    suspendedOverlaps: log2.overlaps
      .filter((o) => o.verdict === 'suspended')
      .slice(0, 20)
      .map((o) => `${o.lock}: ${o.reason}`),
    tokens: tokenCounts,
    suspendedHolders,
    fence: fence.counts,
    suspends: {
      count: suspends.length,
      byClass,
      byTarget,
      totalMs: suspends.reduce((n, r) => n + (r.actualMs ?? r.ms), 0),
    },
    signals: {
      count: signals.length,
      byKindAndTarget: signalCounts,
      slowestExitMs: Math.max(0, ...signals.filter((r) => !r.ignored).map((r) => r.exitMs)),
      ignored: ignoredSignals,
    },
    cleanExitsThatLeftObjects: cleanExitLeft,
    faults: { ...faults, storms, requests },
    sweep: { broke: sweep.broke.length, durationMs: sweep.durationMs },
    leftovers,
    probeObjectsSoFar: probeObjects,
    violations,
    problems,
    warnings,
    processes,
    log: relative(ROOT, logPath),
  };
  phase.passed = violations.length === 0 && problems.length === 0 && leftovers.clean;
  return phase;
}

/**
 * The fenced resource's view: accepted writes never go below the highest token (the resource's own
 * rule, checked anyway), no token is accepted from two writers, and no write was refused while its
 * writer still believed it held after the refusal (isHeld() evaluated after the answer: the newer
 * token's holder acquired before that instant, while this one believed; belief never comes back
 * within a hold, so both believed at that acquisition). A refusal whose writer no longer believed
 * it held is fencing doing its job: a stale write, refused.
 */
function judgeFence(writes, events) {
  const counts = {
    writes: writes.length,
    accepted: 0,
    staleRefused: 0,
    staleRefusedAfterSuspend: 0,
    staleRefusedWithoutSuspend: 0,
    refusedWhileBelieving: 0,
    acceptedBelowHighest: 0,
    duplicateTokenAccepted: 0,
    failedRequests: 0,
  };
  const violations = [];
  const highest = new Map();
  for (const w of writes) {
    if (!w.accepted) continue;
    counts.accepted++;
    const top = highest.get(w.resource);
    if (top && w.token < top.token) {
      counts.acceptedBelowHighest++;
      violations.push({
        kind: 'fencing (accepted below the highest)',
        lock: w.resource,
        reason: JSON.stringify(w),
      });
    } else if (top && w.token === top.token && w.writer !== top.writer) {
      counts.duplicateTokenAccepted++;
      violations.push({
        kind: 'fencing (one token, two writers)',
        lock: w.resource,
        reason: `token ${w.token} accepted from ${top.writer} and ${w.writer}`,
      });
    }
    if (!top || w.token >= top.token) highest.set(w.resource, { token: w.token, writer: w.writer });
  }
  for (const e of events.filter((e) => e.event === 'fence')) {
    if (e.accepted === null) {
      counts.failedRequests++;
      continue;
    }
    if (e.accepted) continue;
    if (e.heldAfter) {
      counts.refusedWhileBelieving++;
      violations.push({
        kind: 'fencing (refused while the writer still believed it held)',
        lock: e.name,
        reason: `${e.worker} token ${e.token} (${e.at}) refused, isHeld() true after the answer`,
      });
    } else {
      counts.staleRefused++;
      if (suspendedDuring(e.worker, e.enteredAt, e.answeredAt)) counts.staleRefusedAfterSuspend++;
      else counts.staleRefusedWithoutSuspend++;
    }
  }
  return { counts, violations };

  function suspendedDuring(worker, from, to) {
    return (stopWindows.get(worker) ?? []).some(
      (s) => s.from < to && (s.to ?? Number.POSITIVE_INFINITY) > from,
    );
  }
}

/** Wall-clock suspend windows per worker id (filled as the injector stops and continues). */
const stopWindows = new Map();

async function keys(s3, prefix) {
  const out = [];
  for await (const o of s3.listObjects({ prefix })) out.push(o.key);
  return out;
}

/** What the phase's names hold once the sweep is done. */
async function leftoversOf(direct, strategy, names) {
  const out = { clean: true, names: {} };
  for (const name of names) {
    const { tickets, leases } = await lockLeftovers(direct, name);
    const entry = { tickets, leases, fences: (await keys(direct, `${name}.fence.`)).length };
    if (strategy === 'conditional') {
      const running = await direct.lockStatus(name);
      entry.runningTurns = running.map((t) => ({ turn: t.turn, lockId: t.lockId, mode: t.mode }));
      Object.assign(entry, await queueOf(direct, name));
      if (running.length > 0) out.clean = false;
    }
    if (tickets.length > 0 || leases.length > 0) out.clean = false;
    out.names[name] = entry;
  }
  return out;
}

/** The conditional strategy's queue of `name`: turn objects and done markers, checkpoints apart. */
async function queueOf(direct, name) {
  const k = STRATEGIES.conditional.checkpointEvery;
  const number = (key) => Number(key.slice(key.lastIndexOf('.') + 1));
  const turns = (await keys(direct, `${name}.turn.`)).map(number);
  const done = (await keys(direct, `${name}.done.`)).map(number);
  const frontier = Math.max(0, ...turns, ...done);
  return {
    frontier,
    turnObjects: turns.length,
    doneMarkers: done.length,
    checkpoints: turns.filter((n) => n % k === 0).length,
    nonCheckpointTurns: turns.filter((n) => n % k !== 0).length,
    nonCheckpointDone: done.filter((n) => n % k !== 0).length,
  };
}

/**
 * The conditional queue stays bounded: after the retention has passed with no contender, releases
 * collect every turn but the checkpoints (one per K, kept for ever by design), the newest K below
 * the frontier and the turns those releases took themselves (younger than the retention).
 */
async function finalCollection(direct, names) {
  const s = STRATEGIES.conditional;
  const k = s.checkpointEvery;
  say(
    `waiting out the retention (${s.retentionMs / 1000} s) for the last collection of the conditional queue`,
  );
  await sleep(s.retentionMs + 5_000);
  const out = { bounded: true, names: {} };
  for (const name of names) {
    const before = await queueOf(direct, name);
    let cycles = 0;
    // releases collect at checkpoints always and one time in K otherwise: 3K releases pass at least
    // two checkpoints
    while (cycles < 3 * k) {
      const lock = direct.lock(name, { ...s.lockOptions, cleanupOnExit: false });
      if (!(await lock.acquire({ timeoutMs: 8 * s.leaseMs })))
        throw new Error(`could not acquire ${name} for collection`);
      await lock.release();
      cycles++;
    }
    const after = await queueOf(direct, name);
    const bound = cycles + k + 1;
    const bounded = after.nonCheckpointTurns <= bound && after.nonCheckpointDone <= bound;
    if (!bounded) out.bounded = false;
    out.names[name] = { before, cycles, after, bound, bounded };
  }
  return out;
}

function summariseRun({
  startedAt,
  durationMs,
  machine,
  store,
  bucket,
  phases,
  wholeLog,
  final,
  probeLeft,
  failed,
}) {
  const acquisitions = {};
  const totals = {
    acquisitions: 0,
    overlaps: { logged: 0, proven: 0, suspended: 0, unexplained: 0 },
    tokens: { duplicate: 0, proven: 0, suspended: 0, unexplained: 0 },
    fence: {},
    suspends: { count: 0, byClass: {}, byTarget: {}, totalMs: 0 },
    signals: { count: 0, byKindAndTarget: {}, ignored: 0 },
    faults: {},
    errors: {},
    lost: 0,
    notAcquired: 0,
    processesStarted: 0,
    holds: {},
    violations: 0,
    problems: 0,
    leftoverPhases: 0,
    cleanExitsThatLeftObjects: 0,
    sweepBroke: 0,
    suspendedHolders: {},
    warnings: {},
  };
  for (const s of ORDER) acquisitions[s] = { exclusive: 0, shared: 0 };
  for (const p of phases) {
    acquisitions[p.strategy].exclusive += p.acquisitions.exclusive;
    acquisitions[p.strategy].shared += p.acquisitions.shared;
    totals.acquisitions += p.acquisitions.exclusive + p.acquisitions.shared;
    for (const k of Object.keys(totals.overlaps)) totals.overlaps[k] += p.overlaps[k];
    for (const k of Object.keys(totals.tokens)) totals.tokens[k] += p.tokens[k];
    for (const [k, v] of Object.entries(p.fence)) add(totals.fence, k, v);
    totals.suspends.count += p.suspends.count;
    totals.suspends.totalMs += p.suspends.totalMs;
    for (const [k, v] of Object.entries(p.suspends.byClass)) add(totals.suspends.byClass, k, v);
    for (const [k, v] of Object.entries(p.suspends.byTarget)) add(totals.suspends.byTarget, k, v);
    totals.signals.count += p.signals.count;
    totals.signals.ignored += p.signals.ignored.length;
    for (const [k, v] of Object.entries(p.signals.byKindAndTarget)) add(totals.signals.byKindAndTarget, k, v);
    for (const [k, v] of Object.entries(p.faults)) add(totals.faults, k, v);
    for (const [k, v] of Object.entries(p.errors)) add(totals.errors, k, v);
    for (const [k, v] of Object.entries(p.holds)) add(totals.holds, k, v);
    totals.lost += p.lost;
    totals.notAcquired += p.notAcquired;
    totals.processesStarted += p.processesStarted;
    totals.violations += p.violations.length;
    totals.problems += p.problems.length;
    if (!p.leftovers.clean) totals.leftoverPhases++;
    totals.cleanExitsThatLeftObjects += p.cleanExitsThatLeftObjects.length;
    totals.sweepBroke += p.sweep.broke;
    for (const [k, v] of Object.entries(p.suspendedHolders)) add(totals.suspendedHolders, k, v);
    for (const [k, v] of Object.entries(p.warnings)) add(totals.warnings, k, v);
  }
  const load = loadSamples.length > 0 ? loadSamples : [0];
  const passed =
    !failed &&
    totals.violations === 0 &&
    totals.problems === 0 &&
    totals.leftoverPhases === 0 &&
    (final?.bounded ?? false) &&
    totals.acquisitions >= TARGET;
  return {
    startedAt: startedAt.toISOString(),
    target: TARGET,
    passed,
    reachedTarget: totals.acquisitions >= TARGET,
    durationMs,
    machine: {
      ...machine,
      loadAverageAtEnd: loadavg().map(round2),
      load1mDuringRun: {
        min: round2(Math.min(...load)),
        mean: round2(load.reduce((a, b) => a + b, 0) / load.length),
        max: round2(Math.max(...load)),
        samples: load.length,
      },
    },
    store,
    bucket,
    settings: {
      phaseSeconds: PHASE_MS / 1000,
      contenders: CONTENDERS,
      namesPerStrategy: NAMES_PER_STRATEGY,
      sharedRatio: SHARED_RATIO,
      holdMs: HOLD_MS,
      beatMs: BEAT_MS,
      strategies: Object.fromEntries(ORDER.map((s) => [s, STRATEGIES[s].lockOptions])),
      suspendClasses: Object.fromEntries(ORDER.map((s) => [s, suspendClasses(STRATEGIES[s])])),
      actions: ACTIONS,
      chaos: CHAOS,
      storm: { fault: STORM, probability: 0.9, ms: STORM_MS, everyMs: STORM_EVERY_MS },
    },
    acquisitions,
    totals,
    wholeLog,
    finalCollection: final,
    probeObjectsLeft: probeLeft,
    phases,
  };
}

function writeResults(report) {
  mkdirSync(args.results, { recursive: true });
  const base = join(args.results, `campaign-${stamp}`);
  writeFileSync(`${base}.json`, `${compactJson(report)}\n`);
  writeFileSync(`${base}.md`, markdown(report));
  say(`${report.passed ? 'PASSED' : 'FAILED'}; figures in ${relative(ROOT, base)}.{json,md}`);
}

/** JSON indented by 2, except that each contender process's figures take one line. */
function compactJson(report) {
  const mark = '\u0000';
  const text = JSON.stringify(
    report,
    (key, value) => (key === 'processes' ? value.map((p) => `${mark}${JSON.stringify(p)}${mark}`) : value),
    2,
  );
  return text.replace(/"\\u0000(.*?)\\u0000"/g, (quoted) => JSON.parse(quoted).slice(1, -1));
}

const fmt = (o) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '–';

function markdown(r) {
  const t = r.totals;
  const a = r.acquisitions;
  const lines = [
    `# Campaign ${r.startedAt}`,
    '',
    `${r.passed ? '**Passed.**' : '**FAILED.**'} ${t.acquisitions} acquisitions (target ${r.target}) in ${r.phases.length} phases, ${(r.durationMs / 60_000).toFixed(1)} min; ${t.processesStarted} contender processes.`,
    '',
    `Machine: ${r.machine.cores} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}, Node ${r.machine.node}; load average (1 min) during the run ${r.machine.load1mDuringRun.min} – ${r.machine.load1mDuringRun.max}, mean ${r.machine.load1mDuringRun.mean} (other work shared the machine). Store: ${r.store}.`,
    '',
    '## Acquisitions',
    '',
    '| strategy | exclusive | shared |',
    '| --- | --- | --- |',
    ...ORDER.map((s) => `| ${s} | ${a[s].exclusive} | ${a[s].shared} |`),
    '',
    '## Safety',
    '',
    `- Overlaps of conflicting holders: ${t.overlaps.proven} proven (both provably believed they held at one instant), ${t.overlaps.unexplained} unexplained (logged overlap no suspend explains); ${t.overlaps.suspended} logged overlaps explained by a suspend (the stopped holder had lost its lease and learnt it on waking) out of ${t.overlaps.logged} logged.`,
    `- Fencing tokens in the log: ${t.tokens.duplicate} duplicates, ${t.tokens.proven} proven and ${t.tokens.unexplained} unexplained inversions (${t.tokens.suspended} late enter lines of stopped processes).`,
    `- Fenced resource: ${t.fence.writes ?? 0} writes, ${t.fence.accepted ?? 0} accepted; ${t.fence.staleRefused ?? 0} stale writes refused (${t.fence.staleRefusedAfterSuspend ?? 0} after a suspend, ${t.fence.staleRefusedWithoutSuspend ?? 0} without), ${t.fence.refusedWhileBelieving ?? 0} refused while the writer still believed it held, ${t.fence.acceptedBelowHighest ?? 0} accepted below the highest, ${t.fence.duplicateTokenAccepted ?? 0} tokens accepted from two writers; ${t.fence.failedRequests ?? 0} requests to it failed.`,
    `- Holders suspended while holding: ${t.suspendedHolders.count ?? 0}; ${t.suspendedHolders.overtakenWhileStopped ?? 0} were overtaken by another holder while stopped, and every one of those had learnt it lost the lock when it left (or died); ${t.suspendedHolders.leftNotHolding ?? 0} left not holding, ${t.suspendedHolders.leftHolding ?? 0} kept their lock through the suspend, ${t.suspendedHolders.died ?? 0} were killed.`,
    `- The whole campaign's log checked at once (tokens across phases): ${r.wholeLog.holds} holds, ${r.wholeLog.violations} violations.`,
    `- Violations: ${t.violations}. Problems (exit statuses, untyped errors, stderr, sweeps): ${t.problems}. Phases with leftovers: ${t.leftoverPhases}.`,
    '',
    '## Injected',
    '',
    `- Suspends (SIGSTOP … SIGCONT): ${t.suspends.count}, ${(t.suspends.totalMs / 1000).toFixed(0)} s in all; by length: ${fmt(t.suspends.byClass)}; by target: ${fmt(t.suspends.byTarget)}.`,
    `- Signals: ${t.signals.count}; ${fmt(t.signals.byKindAndTarget)}.`,
    `- Signals not acted on (a failure of the phase): ${t.signals.ignored} SIGTERM/SIGINT after which the process went on (SIGKILLed ${SIGNAL_GRACE_MS / 1000} s later).`,
    `- Network faults: ${fmt(t.faults)}.`,
    `- Known warnings on contenders' stderr (not failures; see the README): ${fmt(t.warnings)}.`,
    `- Seen by contenders: ${t.lost} locks lost while held, ${t.notAcquired} acquisitions timed out, errors ${fmt(t.errors)}; ${t.cleanExitsThatLeftObjects} SIGTERM/SIGINT exits whose clean-up deletes failed under the faults (cleared by later waiters).`,
    '',
    '## Left behind',
    '',
    `After each phase (faults stopped, a later waiter, breakLocks): ${t.leftoverPhases === 0 ? 'no ticket, no lease and no running turn in any phase' : `**leftovers in ${t.leftoverPhases} phase(s)**`}; sweeps broke ${t.sweepBroke} dead contenders in all. Not lock state, counted apart: the stores' qualification races (one per contender process, ${t.processesStarted} processes) left ${r.probeObjectsLeft.objects} objects of ${r.probeObjectsLeft.races} races under \`.s3func-probe/\` (their clean-up is best effort: deletes that failed under the faults, processes killed mid-race).`,
  ];
  if (r.finalCollection) {
    lines.push(
      '',
      `Conditional queue after the retention passed (checkpoints every ${STRATEGIES.conditional.checkpointEvery}, retention ${STRATEGIES.conditional.retentionMs / 1000} s): ${r.finalCollection.bounded ? 'bounded' : '**NOT bounded**'}.`,
      '',
      '| name | frontier | checkpoints (kept by design) | other turns before → after | done markers before → after | releases | bound |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...Object.entries(r.finalCollection.names).map(
        ([n, q]) =>
          `| ${n} | ${q.after.frontier} | ${q.after.checkpoints} | ${q.before.nonCheckpointTurns} → ${q.after.nonCheckpointTurns} | ${q.before.nonCheckpointDone} → ${q.after.nonCheckpointDone} | ${q.cycles} | ≤ ${q.bound} |`,
      ),
    );
  }
  lines.push(
    '',
    '## Phases',
    '',
    '| # | strategy | s | acq. excl / shared | overlaps proven / unexpl. / suspended | stale writes refused | suspends | signals | faults | lost | left |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.phases.map(
      (p) =>
        `| ${p.index} | ${p.strategy} | ${Math.round(p.durationMs / 1000)} | ${p.acquisitions.exclusive} / ${p.acquisitions.shared} | ${p.overlaps.proven} / ${p.overlaps.unexplained} / ${p.overlaps.suspended} | ${p.fence.staleRefused} | ${p.suspends.count} | ${p.signals.count} | ${Object.entries(
          p.faults,
        )
          .filter(([k]) => k !== 'requests' && k !== 'storms')
          .reduce((n, [, v]) => n + v, 0)} | ${p.lost} | ${p.leftovers.clean ? 'none' : '**yes**'} |`,
    ),
  );
  const bad = r.phases.flatMap((p) => [
    ...p.violations.map((v) => ({ ...v, phase: p.index })),
    ...p.problems.map((x) => ({ kind: 'problem', reason: x, phase: p.index })),
  ]);
  if (bad.length > 0) {
    lines.push('', '## Violations and problems', '');
    for (const v of bad.slice(0, 30)) {
      lines.push(`- phase ${v.phase}, ${v.kind}${v.lock ? ` on ${v.lock}` : ''}: ${v.reason}`);
      if (v.excerpt) lines.push('', '  ```', ...v.excerpt.map((l) => `  ${l}`), '  ```', '');
    }
  }
  lines.push('');
  return lines.join('\n');
}

async function destroyBucket(s3) {
  const targets = [];
  for await (const v of s3.listObjectVersions()) targets.push({ key: v.key, versionId: v.versionId });
  if (targets.length > 0) await s3.deleteObjects(targets);
  await s3.deleteBucket();
}

let code = 1;
try {
  code = await main();
} catch (error) {
  say(`error: ${error?.stack ?? error}`);
  code = 1;
} finally {
  for (const w of everyWorker) {
    try {
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
    } catch {}
  }
  await stopCeph().catch(() => {});
  rmSync(PRIVATE_DIST, { recursive: true, force: true });
}
process.exit(code);
