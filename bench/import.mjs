// Cold start: import time (ESM and CJS, each in a fresh process), time from process start to the
// first completed PUT, and what an install brings (transitive packages, bytes on disk).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BENCH_DIR, runChild } from './lib/child.mjs';
import { PEERS, peerModule } from './lib/peers.mjs';
import { summarize } from './lib/stats.mjs';

const ROOT = join(BENCH_DIR, '..');
/** What `npm pack` ships besides dist (see package.json "files"). */
const PUBLISHED_EXTRAS = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];

export async function run(ctx) {
  const reps = ctx.quick ? 5 : 15;
  const install = Object.fromEntries(PEERS.map((peer) => [peer, installFootprint(peer, ctx.oursDir)]));

  const samples = {};
  for (const peer of PEERS) samples[peer] = { esm: [], cjs: [], firstPut: [] };
  // interleaved, so that a noisy moment hurts every peer alike
  for (let i = 0; i < reps; i++) {
    for (const peer of PEERS) {
      for (const format of ['esm', 'cjs']) {
        const script = format === 'esm' ? 'import.mjs' : 'import.cjs';
        const { ms } = await runChild(script, [peerModule(peer, ctx.oursDir, format)]);
        samples[peer][format].push(ms);
      }
    }
  }
  const firstPutReps = ctx.quick ? 5 : 11;
  for (let i = 0; i < firstPutReps; i++) {
    for (const peer of PEERS) {
      const input = { peer, s3: ctx.s3, oursDir: ctx.oursDir, key: `bench/first-put/${peer}-${i}` };
      samples[peer].firstPut.push((await runChild('first-put.mjs', input)).ms);
    }
  }
  ctx.log(`import: ${reps} cold imports per format, ${firstPutReps} first PUTs per peer`);
  return Object.fromEntries(
    PEERS.map((peer) => [
      peer,
      {
        install: install[peer],
        importEsmMs: summarize(samples[peer].esm),
        importCjsMs: summarize(samples[peer].cjs),
        firstPutMs: summarize(samples[peer].firstPut),
      },
    ]),
  );
}

/** Transitive production dependencies and bytes on disk of an install of `peer`. */
function installFootprint(peer, oursDir) {
  let ownBytes;
  let ownDir;
  if (peer === 's3func') {
    ownDir = ROOT;
    ownBytes = dirBytes(oursDir) + PUBLISHED_EXTRAS.reduce((n, f) => n + fileBytes(join(ROOT, f)), 0);
  } else {
    ownDir = packageDir(peerModule(peer), ROOT);
    ownBytes = dirBytes(ownDir);
  }
  const deps = dependencyClosure(ownDir);
  const depBytes = [...deps].reduce((n, dir) => n + dirBytes(dir), 0);
  return { packages: deps.size, bytes: ownBytes + depBytes };
}

/** Where Node would find package `name` from `fromDir`. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} not found from ${fromDir}`);
  }
}

/** Directories of every package `dependencies` and `optionalDependencies` pull in, transitively. */
function dependencyClosure(rootDir) {
  const seen = new Set();
  const stack = [rootDir];
  while (stack.length > 0) {
    const dir = stack.pop();
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      let found;
      try {
        found = packageDir(name, dir);
      } catch {
        continue; // an optional dependency for another platform
      }
      if (!seen.has(found)) {
        seen.add(found);
        stack.push(found);
      }
    }
  }
  return seen;
}

function fileBytes(path) {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Bytes of the files under `dir`, not counting nested node_modules (counted as packages of their own). */
function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
