// Lock costs through the public API on one S3 endpoint: latency and the requests sent, counted by
// kind from undici's diagnostics channel (every request our sessions send passes through it).

import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const input = JSON.parse(process.argv[2]);
const { s3, oursDir, experiment } = input;
const { S3Session } = await import(pathToFileURL(join(oursDir, 'index.js')).href);

const counts = new Map();
subscribe('undici:request:create', ({ request }) => {
  const kind = requestKind(request.method, request.path);
  if (process.env.BENCH_TRACE)
    process.stderr.write(
      `${(performance.now() | 0).toString().padStart(6)} ${request.method} ${decodeURIComponent(request.path)}\n`,
    );
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
});

/** PUT, GET, HEAD, DELETE, POST, or LIST:<what> for listings of tickets, leases and fences. */
function requestKind(method, path) {
  const q = path.indexOf('?');
  if (method !== 'GET' || q < 0) return method;
  const query = new URLSearchParams(path.slice(q + 1));
  if (!query.has('list-type') && !query.has('versions')) return method;
  const prefix = query.get('prefix') ?? '';
  const what = /\.lock\./.test(prefix)
    ? 'tickets'
    : /\.lease\./.test(prefix)
      ? 'leases'
      : /\.fence\./.test(prefix)
        ? 'fences'
        : 'other';
  return `LIST:${what}`;
}

function snapshot() {
  return Object.fromEntries(counts);
}

function since(before) {
  const out = {};
  for (const [kind, n] of counts) if (n - (before[kind] ?? 0) > 0) out[kind] = n - (before[kind] ?? 0);
  return out;
}

const session = () => new S3Session({ ...s3 });
const lockOptions = {
  settleDelayMs: input.settleDelayMs,
  pollIntervalMs: input.pollIntervalMs,
  cleanupOnExit: false,
};

/** Acquire → release, one after another, without contention. */
async function uncontended({ mode, reps, warmup }) {
  const s = session();
  const name = `bench/locks/uncontended-${mode}-${input.settleDelayMs}`;
  const runs = [];
  for (let i = 0; i < warmup + reps; i++) {
    const lock = s.lock(name, { ...lockOptions, mode });
    const c0 = snapshot();
    const t0 = performance.now();
    if (!(await lock.acquire())) throw new Error('not acquired');
    const t1 = performance.now();
    const acquire = since(c0);
    const c1 = snapshot();
    await lock.release();
    const t2 = performance.now();
    if (i >= warmup) runs.push({ acquireMs: t1 - t0, releaseMs: t2 - t1, acquire, release: since(c1) });
  }
  await s.close();
  return runs;
}

/** Requests sent by `waiters` contenders while one holder keeps the lock: the cost of waiting. */
async function waiting({ waiters, windowMs }) {
  const name = `bench/locks/waiting-${waiters}-${Date.now()}`;
  const holderSession = session();
  const holder = holderSession.lock(name, lockOptions);
  if (!(await holder.acquire())) throw new Error('not acquired');
  const sessions = Array.from({ length: waiters }, session);
  const stop = new AbortController();
  const waiting = sessions.map((s) =>
    s
      .lock(name, lockOptions)
      .acquire({ signal: stop.signal })
      .catch(() => false),
  );
  // past the writes and the self-visibility gate, into steady polling
  await new Promise((r) => setTimeout(r, input.pollIntervalMs * 1.5));
  const c0 = snapshot();
  await new Promise((r) => setTimeout(r, windowMs));
  const requests = since(c0);
  stop.abort();
  if ((await Promise.all(waiting)).some(Boolean)) throw new Error('a waiter acquired a held lock');
  await holder.release();
  await Promise.all([holderSession, ...sessions].map((s) => s.close()));
  return { waiters, windowMs, requests };
}

/** `contenders` sessions acquire and release one lock `rounds` times each, as fast as they can. */
async function contended({ contenders, rounds }) {
  const sessions = Array.from({ length: contenders }, session);
  const name = `bench/locks/contended-${contenders}-${Date.now()}`;
  const events = [];
  let waitingMs = 0;
  const c0 = snapshot();
  const t0 = performance.now();
  await Promise.all(
    sessions.map(async (s) => {
      for (let r = 0; r < rounds; r++) {
        const lock = s.lock(name, lockOptions);
        const asked = performance.now();
        if (!(await lock.acquire())) throw new Error('not acquired');
        const acquiredAt = performance.now();
        waitingMs += acquiredAt - asked;
        const releaseAt = performance.now();
        await lock.release();
        events.push({ acquiredAt, releaseAt, releasedAt: performance.now() });
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const requests = since(c0);
  await Promise.all(sessions.map((s) => s.close()));
  events.sort((a, b) => a.acquiredAt - b.acquiredAt);
  const handoffMs = [];
  for (let i = 1; i < events.length; i++) {
    // exclusive: the next holder cannot have acquired before the previous one began to release
    if (events[i].acquiredAt < events[i - 1].releaseAt) throw new Error('two holders at once');
    handoffMs.push(events[i].acquiredAt - events[i - 1].releaseAt);
  }
  return { acquisitions: events.length, wallMs, waitingMs, requests, handoffMs };
}

const hex13 = () => randomBytes(7).toString('hex').slice(0, 13);

/**
 * One exclusive acquisition with `waiting` younger exclusive tickets (each with a lease) queued
 * behind ours. Our ticket is written first and then recovered by id (`lockId`), the only way to
 * have others' tickets younger than ours before we list.
 */
async function growth({ waiting, reps }) {
  const s = session();
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const name = `bench/locks/growth-${waiting}-${r}`;
    const ours = hex13();
    await s.putObject(`${name}.lock.${ours}-0`, '1');
    await s.putObject(`${name}.lock.${ours}-1`, '1');
    const others = Array.from({ length: waiting }, hex13);
    const keys = others.flatMap((id) => [`${name}.lock.${id}-0`, `${name}.lock.${id}-1`]);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < others.length) {
          const id = others[next++];
          await s.putObject(`${name}.lease.${id}.30000`, JSON.stringify({ lockId: id, renewal: 1 }));
          await s.putObject(`${name}.lock.${id}-0`, '1');
          await s.putObject(`${name}.lock.${id}-1`, '1');
        }
      }),
    );
    const lock = s.lock(name, { ...lockOptions, lockId: ours });
    const c0 = snapshot();
    const t0 = performance.now();
    if (!(await lock.acquire({ blocking: false }))) throw new Error('not acquired');
    const acquireMs = performance.now() - t0;
    const acquire = since(c0);
    await lock.release();
    await s.deleteObjects([...keys, ...others.map((id) => `${name}.lease.${id}.30000`)]);
    runs.push({ acquireMs, acquire });
  }
  await s.close();
  return runs;
}

const experiments = { uncontended, contended, waiting, growth };
console.log(JSON.stringify(await experiments[experiment](input)));
