#!/usr/bin/env node
// `npm run bench`: s3func and its peers measured in one run, on one S3 server and one machine.
//
//   npm run bench                       full run: bench/results/<time>.json, latest.md, bench/README.md tables, README summary
//   npm run bench -- --quick            small sizes and few repetitions, for development
//   npm run bench -- --only sign,locks  some suites (import, sign, objects, list, stream, locks)
//
// Quick and partial runs write to bench/results/dev/ (not committed) and leave the README alone.
//
// Without AWS_ENDPOINT_URL_S3 a throwaway Ceph RGW is started (scripts/ceph-rgw.sh) and stopped at
// the end. The build under test goes to node_modules/.cache/s3func-bench, so a concurrent
// `npm run build` cannot change it halfway (--no-build reuses the last one).
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './lib/child.mjs';
import { emptyPrefix, openSetupSession, provideS3 } from './lib/s3env.mjs';
import { renderMarkdown, spliceReports } from './report.mjs';

const ROOT = join(BENCH_DIR, '..');
// under node_modules: ignored by git and the linter, and its imports resolve to the project's packages
const OURS_DIR = join(ROOT, 'node_modules', '.cache', 's3func-bench', 'dist');
const SUITES = ['import', 'sign', 'objects', 'list', 'stream', 'locks'];
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function parseCli() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'no-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    log('usage: npm run bench -- [--quick] [--only suite,suite] [--no-build] [--no-readme]');
    log(`suites: ${SUITES.join(', ')}`);
    process.exit(0);
  }
  const only = values.only?.split(',').map((s) => s.trim()) ?? SUITES;
  const unknown = only.filter((s) => !SUITES.includes(s));
  if (unknown.length > 0) {
    log(`--only: unknown suite(s) ${unknown.join(', ')}; suites: ${SUITES.join(', ')}`);
    process.exit(2);
  }
  return { ...values, suites: SUITES.filter((s) => only.includes(s)) };
}

function build() {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no', '--', 'tsup', '--out-dir', OURS_DIR, '--silent'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tsup exited ${code}`))));
  });
}

function machine(server) {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    server,
  };
}

/** Installed versions of the peers, as the report names them. */
async function peerVersions() {
  const version = async (name) =>
    JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const names = ['@aws-sdk/client-s3', 'minio', '@smithy/signature-v4'];
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await version(n)])));
}

async function main() {
  const args = parseCli();
  const started = performance.now();
  const startedAt = new Date();
  if (!args['no-build']) {
    log(`building s3func into ${OURS_DIR}`);
    await build();
  }
  const provided = await provideS3(log);
  let signalled = false;
  for (const signal of Object.keys(SIGNAL_EXIT)) {
    process.on(signal, async () => {
      if (signalled) return;
      signalled = true;
      log(`${signal}: stopping`);
      await provided.stop().catch(() => {});
      process.exit(SIGNAL_EXIT[signal]);
    });
  }
  const bucket = process.env.BENCH_BUCKET ?? `s3func-bench-${Date.now().toString(36)}`;
  const s3 = { ...provided.s3, bucket };
  const setup = await openSetupSession(provided.s3, bucket, OURS_DIR);
  const results = {};
  try {
    if (!process.env.BENCH_BUCKET) await setup.createBucket();
    const ctx = { quick: args.quick, s3, oursDir: OURS_DIR, cephConf: provided.cephConf, setup, log };
    for (const suite of args.suites) {
      const t0 = performance.now();
      log(`${suite}: running`);
      const mod = await import(`./${suite}.mjs`);
      results[suite] = await mod.run(ctx);
      log(`${suite}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await emptyPrefix(setup).catch((e) => log(`cleanup: ${e.message}`));
    if (!process.env.BENCH_BUCKET) await setup.deleteBucket().catch((e) => log(`cleanup: ${e.message}`));
    await setup.close();
    await provided.stop();
  }

  const report = {
    startedAt: startedAt.toISOString(),
    mode: args.quick ? 'quick' : 'full',
    durationS: Math.round((performance.now() - started) / 1000),
    machine: machine(provided.server),
    versions: await peerVersions(),
    suites: args.suites,
    results,
  };
  // only complete full runs are results to keep; the rest go to results/dev (ignored by git)
  const complete = !args.quick && args.suites.length === SUITES.length;
  const dir = join(BENCH_DIR, 'results', complete ? '' : 'dev');
  await mkdir(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  await writeFile(join(dir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report);
  await writeFile(join(dir, 'latest.md'), markdown);
  process.stdout.write(markdown);
  log(`wrote ${join(dir, `${stamp}.json`)} and latest.md (${report.durationS} s)`);
  if (complete && !args['no-readme']) {
    await spliceReports(report, {
      readme: join(ROOT, 'README.md'),
      benchReadme: join(BENCH_DIR, 'README.md'),
    });
    log('bench/README.md: tables updated; README.md: summary updated');
  }
}

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exit(1);
});
