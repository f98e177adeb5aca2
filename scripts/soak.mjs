#!/usr/bin/env node
// `npm run soak`: the reliability suites (test/reliability) at length, against a throwaway Ceph RGW
// (or AWS_ENDPOINT_URL_S3 when set), with their figures written to bench/results/soak-<time>.json
// and a Markdown summary beside it.
//
//   SOAK_MINUTES=30 npm run soak      how long the timed suites run in all (default 10)
//   npm run soak -- --minutes 5       the same, on the command line
//
// The timed suites share the minutes: load on one lock 30 %, load on 100 locks 30 %, faults through
// the proxy 20 %, signals 20 %. The property suites (bad input, malformed answers, secrets) run more
// cases than in `npm test`. The Ceph server is stopped at the end, whatever happens.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CEPH = join(ROOT, 'scripts', 'ceph-rgw.sh');
const RESULTS = join(ROOT, 'bench', 'results');
/** Inside the checkout (`.test-tmp/` is ignored by git), so the copy finds node_modules. */
const PRIVATE_DIST = join(ROOT, '.test-tmp', 'soak-dist', 'dist');
const say = (line) => process.stderr.write(`[soak] ${line}\n`);

const { values } = parseArgs({ options: { minutes: { type: 'string' } }, strict: true });
const minutes = Number(values.minutes ?? process.env.SOAK_MINUTES ?? 10);
if (!Number.isFinite(minutes) || minutes <= 0) {
  say(`minutes must be a positive number, got ${values.minutes ?? process.env.SOAK_MINUTES}`);
  process.exit(2);
}

function run(cmd, args, { env = process.env, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
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
  cephDir = mkdtempSync(join(tmpdir(), 's3func-soak-ceph-'));
  if ((await run(CEPH, ['start', '--dir', cephDir])).code !== 0) throw new Error('Ceph RGW did not start');
  const printed = await run(CEPH, ['env', '--dir', cephDir], { capture: true });
  const vars = {};
  for (const [, key, value] of printed.out.matchAll(/^export (\w+)=(.*)$/gm)) vars[key] = value;
  const { AWS_SESSION_TOKEN, AWS_PROFILE, ...inherited } = process.env;
  return { ...inherited, ...vars };
}

async function stopCeph() {
  if (!cephDir) return;
  const dir = cephDir;
  cephDir = undefined;
  await run(CEPH, ['stop', '--dir', dir]);
  rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    say(`${signal}: stopping Ceph`);
    await stopCeph().catch(() => {});
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const fmt = (value) =>
  value === undefined || value === null
    ? '–'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

function markdown(report) {
  const s = report.suites;
  const lines = [
    `# Soak run ${report.startedAt}`,
    '',
    `${report.passed ? 'All suites passed.' : '**Some suites failed** (see the vitest output).'} Requested ${report.minutes} min of timed runs; took ${(report.durationMs / 60_000).toFixed(1)} min in all.`,
    '',
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.platform}, Node ${report.machine.node}; load average ${report.machine.loadAverageAtStart.join(' / ')} at start, ${report.loadAverageAtEnd.join(' / ')} at end (other work shared the machine). Store: ${report.store}.`,
    '',
    '## Locks',
    '',
    '| run | duration | acquisitions (excl / shared) | overlaps | token violations | wait p50 / p99 (ms) | requests | faults / kills |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const row = (name, f, faults) =>
    f &&
    lines.push(
      `| ${name} | ${((f.durationMs ?? 0) / 1000).toFixed(0)} s | ${f.acquisitions?.exclusive ?? '–'} / ${f.acquisitions?.shared ?? '–'} | ${fmt(f.overlaps)} | ${fmt(f.tokenViolations)} | ${f.waitMs ? `${f.waitMs.p50} / ${f.waitMs.p99}` : '–'} | ${fmt(f.requests)} | ${fmt(faults)} |`,
    );
  row(`load: ${s.load?.processes ?? 32} processes, one lock`, s.load?.oneLock);
  row(`load: ${s.load?.processes ?? 32} processes, 100 locks`, s.load?.manyLocks);
  row('faults through the proxy', s['lock-faults'], s['lock-faults']?.faultsInjected);
  if (s['process-faults']) {
    const p = s['process-faults'];
    lines.push(
      `| signals (${p.rounds} kills) | ${(p.durationMs / 1000).toFixed(0)} s | ${p.byMode?.exclusive ?? '–'} / ${p.byMode?.shared ?? '–'} | ${p.overlaps} | ${p.tokenViolations} | – | – | ${fmt(p.kills)} |`,
    );
  }
  if (s.load?.memory) {
    const m = s.load.memory;
    lines.push(
      '',
      '## Memory of a long-running holder',
      '',
      `${m.samples} samples over ${m.spanS} s after warm-up (heap after forced GC), ${m.renewals} lease renewals, ${m.cycles} acquire/release cycles of a second lock: heap ${m.heapFirstMiB} → ${m.heapLastMiB} MiB (growth ${m.heapGrowthKiB} KiB, slope ${m.heapSlopeKiBPerMin} KiB/min), RSS growth ${m.rssGrowthMiB} MiB. ${m.problems.length === 0 ? 'Flat.' : `Problems: ${m.problems.join('; ')}`}`,
    );
  }
  if (s['object-faults']) {
    const o = s['object-faults'];
    lines.push(
      '',
      '## Object operations under faults',
      '',
      `${o.operations} operations: ${o.succeeded} succeeded with exactly their effect, ${o.failedTyped} failed with typed errors (${fmt(o.errorCodes)}); ${o.identicalDuplicateVersions} identical duplicate versions from retried writes whose answer was lost; faults injected: ${fmt(o.faultsInjected)}.`,
    );
  }
  if (s['lease-stall']) {
    const l = s['lease-stall'];
    lines.push(
      '',
      '## Event-loop stall',
      '',
      `A holder stalled ${l.stallMs} ms with a ${l.leaseMs} ms lease: lost (${l.lost?.code}); the heir got token ${l.heirToken} > ${l.stalledToken}; the stalled holder's late write was ${l.lateWriteAccepted ? '**accepted**' : 'refused'} by the fenced resource.`,
    );
  }
  lines.push('', '## Raw figures', '', '```json', JSON.stringify(s, null, 2), '```', '');
  return lines.join('\n');
}

async function main() {
  const startedAt = new Date();
  const t0 = performance.now();
  const info = machine();
  let env = process.env.AWS_ENDPOINT_URL_S3 ? process.env : undefined;
  let code = 1;
  const results = mkdtempSync(join(tmpdir(), 's3func-soak-results-'));
  try {
    if (!env) env = await startCeph();
    say(`S3: ${env.AWS_ENDPOINT_URL_S3}`);
    if ((await run('npx', ['--no', '--', 'tsup'], { env })).code !== 0) throw new Error('the build failed');
    // the worker processes run a private copy of the build: a rebuild of dist/ by anyone else during
    // a long run would otherwise pull the files from under processes that are just starting
    rmSync(PRIVATE_DIST, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), PRIVATE_DIST, { recursive: true });
    say(`running the reliability suites for ${minutes} min of timed runs`);
    ({ code } = await run('npx', ['--no', '--', 'vitest', 'run', '--project', 'reliability'], {
      env: {
        ...env,
        SOAK_MINUTES: String(minutes),
        S3FUNC_DIST: join(PRIVATE_DIST, 'index.js'),
        RELIABILITY_RESULTS: results,
        MALFORMED_RUNS: process.env.MALFORMED_RUNS ?? '1000',
        BAD_INPUT_RUNS: process.env.BAD_INPUT_RUNS ?? '600',
        SECRET_RUNS: process.env.SECRET_RUNS ?? '200',
        // as in `npm test`: this machine's registry refuses npm's advisory endpoint (see the README)
        S3FUNC_AUDIT: process.env.S3FUNC_AUDIT ?? 'unavailable-ok',
      },
    }));
  } finally {
    await stopCeph();
    rmSync(PRIVATE_DIST, { recursive: true, force: true });
  }
  const suites = {};
  for (const file of readdirSync(results).filter((f) => f.endsWith('.json'))) {
    const { suite, ...figures } = JSON.parse(readFileSync(join(results, file), 'utf8'));
    suites[suite] = figures;
  }
  rmSync(results, { recursive: true, force: true });
  const report = {
    startedAt: startedAt.toISOString(),
    minutes,
    durationMs: Math.round(performance.now() - t0),
    passed: code === 0,
    machine: info,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    store: process.env.AWS_ENDPOINT_URL_S3
      ? `AWS_ENDPOINT_URL_S3 (${process.env.AWS_ENDPOINT_URL_S3})`
      : 'Ceph RGW 16 (memstore, loopback), started by scripts/ceph-rgw.sh',
    suites,
  };
  mkdirSync(RESULTS, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const base = join(RESULTS, `soak-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(report));
  say(`${report.passed ? 'passed' : 'FAILED'}; figures in ${base}.{json,md}`);
  process.exit(code);
}

await main().catch(async (error) => {
  say(`error: ${error?.stack ?? error}`);
  await stopCeph().catch(() => {});
  process.exit(1);
});
