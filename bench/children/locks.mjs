// Lock costs through the public API on one S3 endpoint: latency and the requests sent, counted by
// kind from undici's diagnostics channel (every request our sessions send passes through it).
//
// The same channel gives each request its round-trip depth: 1 + the deepest request whose response
// (headers, or an error) arrived before it was created, counted from the last `resetTrace()`. The
// depth of an acquisition is its number of sequential round trips: requests sent side by side share
// a depth. Each request is tagged with the async context it was sent from (`as(who, fn)`), so
// requests of one contender can be told from another's in the same process.

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const input = JSON.parse(process.argv[2]);
const { s3, oursDir, experiment } = input;
const { S3Session } = await import(pathToFileURL(join(oursDir, 'index.js')).href);

const counts = new Map();
const context = new AsyncLocalStorage();
/** Requests in flight: request → trace entry. */
const inFlight = new Map();
/** Requests created since the last reset, in order: { what, who, start, end, depth }. */
let trace = [];
let traceEpoch = 0;
/** The deepest request answered since the last reset. */
let answeredDepth = 0;

subscribe('undici:request:create', ({ request }) => {
  const kind = requestKind(request.method, request.path);
  if (process.env.BENCH_TRACE)
    process.stderr.write(
      `${(performance.now() | 0).toString().padStart(6)} d${answeredDepth + 1} ${request.method} ${decodeURIComponent(request.path)}\n`,
    );
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const entry = {
    kind,
    what: describeRequest(request.method, request.path),
    who: context.getStore(),
    start: performance.now(),
    end: undefined,
    depth: answeredDepth + 1,
    epoch: traceEpoch,
  };
  inFlight.set(request, entry);
  trace.push(entry);
});
const answered = ({ request }) => {
  const entry = inFlight.get(request);
  if (!entry) return;
  inFlight.delete(request);
  entry.end = performance.now();
  if (entry.epoch === traceEpoch && entry.depth > answeredDepth) answeredDepth = entry.depth;
};
subscribe('undici:request:headers', answered);
subscribe('undici:request:error', answered);

/** Starts counting depths afresh (requests in flight now count as answered before anything new). */
function resetTrace() {
  traceEpoch++;
  answeredDepth = 0;
  trace = [];
}

/** Runs `fn` with its requests tagged `who`. */
const as = (who, fn) => context.run(who, fn);

/**
 * The round trips of `entries`: their depth (from the last reset) and the requests at each depth,
 * e.g. ['PUT lease ∥ LIST tickets', 'PUT turn ∥ GET done'].
 */
function roundTrips(entries) {
  const byDepth = new Map();
  for (const e of entries) {
    const at = byDepth.get(e.depth) ?? new Map();
    at.set(e.what, (at.get(e.what) ?? 0) + 1);
    byDepth.set(e.depth, at);
  }
  const depth = Math.max(0, ...byDepth.keys());
  const chain = [];
  for (let d = 1; d <= depth; d++) {
    const at = byDepth.get(d);
    chain.push(
      at
        ? [...at]
            .map(([what, n]) => (n > 1 ? `${n}× ${what}` : what))
            .sort()
            .join(' ∥ ')
        : '–',
    );
  }
  return { depth, chain };
}

/** PUT, GET, HEAD, DELETE, POST, or LIST:<what> for listings of tickets, leases, fences, turns and done markers. */
function requestKind(method, path) {
  const q = path.indexOf('?');
  if (method !== 'GET' || q < 0) return method;
  const query = new URLSearchParams(path.slice(q + 1));
  if (!query.has('list-type') && !query.has('versions')) return method;
  return `LIST:${objectClass(query.get('prefix') ?? '')}`;
}

/** What a key (or a listing's prefix) belongs to. */
function objectClass(key) {
  if (/\.lock\./.test(key)) return 'tickets';
  if (/\.lease\./.test(key)) return 'leases';
  if (/\.fence\./.test(key)) return 'fences';
  if (/\.turn\.0{16}$/.test(key)) return 'marker';
  if (/\.turn\./.test(key)) return 'turns';
  if (/\.done\./.test(key)) return 'done';
  if (/(^|\/)\.s3func-probe\//.test(key)) return 'probe';
  return 'other';
}

/** `PUT lease`, `GET done`, `LIST tickets`, `POST delete`: a request as round-trip chains show it. */
function describeRequest(method, path) {
  const q = path.indexOf('?');
  const pathname = decodeURIComponent(q < 0 ? path : path.slice(0, q));
  const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  if (method === 'GET' && (query.has('list-type') || query.has('versions')))
    return `LIST ${objectClass(query.get('prefix') ?? '')}`;
  if (method === 'POST' && query.has('delete')) return 'POST delete';
  const singular = { tickets: 'ticket', leases: 'lease', fences: 'fence', turns: 'turn' };
  const what = objectClass(pathname);
  return `${method} ${singular[what] ?? what}`;
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
const strategy = input.strategy ?? 'ticket';
const lockOptions = {
  strategy,
  settleDelayMs: input.settleDelayMs,
  pollIntervalMs: input.pollIntervalMs,
  cleanupOnExit: false,
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Acquire → release, one after another, without contention. The first acquisition of the process
 * is returned apart (`first`) whether or not it is a warm-up: the conditional strategy's first one
 * also qualifies the store, reads or creates the name's marker and searches the frontier.
 */
async function uncontended({ mode, reps, warmup, name: given }) {
  const s = session();
  const name = given ?? `bench/locks/uncontended-${strategy}-${mode}-${input.settleDelayMs}`;
  const runs = [];
  let first;
  for (let i = 0; i < warmup + reps; i++) {
    const lock = s.lock(name, { ...lockOptions, mode });
    const c0 = snapshot();
    resetTrace();
    const t0 = performance.now();
    if (!(await lock.acquire())) throw new Error('not acquired');
    const t1 = performance.now();
    const acquire = since(c0);
    const acquireTrips = roundTrips(trace);
    const c1 = snapshot();
    resetTrace();
    const t1b = performance.now();
    await lock.release();
    const t2 = performance.now();
    const run = {
      acquireMs: t1 - t0,
      releaseMs: t2 - t1b,
      acquire,
      release: since(c1),
      acquireRoundTrips: acquireTrips.depth,
      acquireChain: acquireTrips.chain,
      ...releaseTrips(roundTrips(trace)),
    };
    if (i === 0) first = run;
    if (i >= warmup) runs.push(run);
  }
  await s.close();
  return { first, runs };
}

const releaseTrips = ({ depth, chain }) => ({ releaseRoundTrips: depth, releaseChain: chain });

/** Requests sent by `waiters` contenders while one holder keeps the lock: the cost of waiting. */
async function waiting({ waiters, windowMs }) {
  const name = `bench/locks/waiting-${strategy}-${waiters}-${Date.now()}`;
  const holderSession = session();
  const holder = holderSession.lock(name, lockOptions);
  if (!(await holder.acquire())) throw new Error('not acquired');
  const sessions = Array.from({ length: waiters }, session);
  const stop = new AbortController();
  const blocked = [];
  const waiting = sessions.map((s) => {
    const lock = s.lock(name, lockOptions);
    blocked.push(new Promise((resolve) => lock.once('waiting', resolve)));
    return lock.acquire({ signal: stop.signal }).catch(() => false);
  });
  // every waiter past its writes (tickets and gate, or its turn's create race) and blocked, then
  // into steady polling
  await Promise.race([Promise.all(blocked), new Promise((r) => setTimeout(r, 30_000).unref())]);
  await sleep(input.pollIntervalMs * 1.5);
  const c0 = snapshot();
  await sleep(windowMs);
  const requests = since(c0);
  stop.abort();
  if ((await Promise.all(waiting)).some(Boolean)) throw new Error('a waiter acquired a held lock');
  await holder.release();
  await Promise.all([holderSession, ...sessions].map((s) => s.close()));
  return { waiters, windowMs, requests };
}

/**
 * Hand-off after a wait: a holder keeps the lock while one waiter polls, and releases at a random
 * moment of the waiter's poll cycle; measured from the holder's `release()` call to the waiter's
 * `acquire()` resolving. The first round (both sides learning the name) is not measured.
 */
async function handoff({ reps }) {
  const holderSession = session();
  const waiterSession = session();
  const name = `bench/locks/handoff-${strategy}-${input.pollIntervalMs}-${Date.now()}`;
  const handoffMs = [];
  for (let r = 0; r <= reps; r++) {
    const holder = holderSession.lock(name, lockOptions);
    if (!(await holder.acquire())) throw new Error('not acquired');
    const waiter = waiterSession.lock(name, lockOptions);
    const blocked = new Promise((resolve) => waiter.once('waiting', resolve));
    const acquiring = waiter.acquire();
    await Promise.race([blocked, acquiring]);
    await sleep(input.pollIntervalMs * (1 + Math.random()));
    const t0 = performance.now();
    await holder.release();
    if (!(await acquiring)) throw new Error('not acquired');
    const t1 = performance.now();
    await waiter.release();
    if (r > 0) handoffMs.push(t1 - t0);
  }
  await Promise.all([holderSession.close(), waiterSession.close()]);
  return { handoffMs };
}

/** `contenders` sessions acquire and release one lock `rounds` times each, as fast as they can. */
async function contended({ contenders, rounds }) {
  const sessions = Array.from({ length: contenders }, session);
  const name = `bench/locks/contended-${strategy}-${contenders}-${Date.now()}`;
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

/**
 * The conditional strategy's counterpart of `growth`: the acquisition that enters with `waiting`
 * exclusive turns (each with a lease) queued behind ours. A holder takes turn 1, ours takes turn 2
 * and waits; the others' turns 3… are then created directly (create-only, with their contender's
 * metadata, as `createTurn` writes them); then the holder releases. Measured: our entering poll,
 * from its first request (the listing of turns) to `acquire()` resolving, and its requests. An
 * uncontended acquisition cannot have turns behind it (ours is always the newest), and waiting
 * turns above ours are never read, only listed: a listing page runs past our number.
 */
async function growthTurns({ waiting, reps }) {
  const s = session();
  const oursSession = session();
  const runs = [];
  const turnKey = (name, n) => `${name}.turn.${String(n).padStart(16, '0')}`;
  for (let r = 0; r < reps; r++) {
    const name = `bench/locks/growth-conditional-${waiting}-${r}`;
    const holder = s.lock(name, lockOptions);
    if (!(await holder.acquire())) throw new Error('not acquired');
    const lock = oursSession.lock(name, lockOptions);
    const acquiring = as('ours', () => lock.acquire());
    acquiring.catch(() => {});
    // ours has taken turn 2 (the holder has 1)
    for (;;) {
      const exists = await s.headObject(turnKey(name, 2)).then(
        () => true,
        () => false,
      );
      if (exists) break;
      await sleep(5);
    }
    const others = Array.from({ length: waiting }, hex13);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < others.length) {
          const i = next++;
          const id = others[i];
          await s.putObject(`${name}.lease.${id}.30000`, JSON.stringify({ lockId: id, renewal: 1 }));
          await s.putObject(turnKey(name, 3 + i), '1', {
            ifNoneMatch: '*',
            contentType: 'text/plain',
            metadata: { 'lock-id': id, 'lease-ms': '30000' },
          });
        }
      }),
    );
    resetTrace();
    await holder.release();
    if (!(await acquiring)) throw new Error('not acquired');
    const acquiredAt = performance.now();
    const ours = trace.filter((e) => e.who === 'ours');
    const from = ours.findLast((e) => e.what === 'LIST turns');
    if (!from) throw new Error('no listing of turns seen in the entering poll');
    const poll = ours.filter((e) => e.start >= from.start);
    const enter = {};
    for (const e of poll) enter[e.kind] = (enter[e.kind] ?? 0) + 1;
    const trips = roundTrips(poll.map((e) => ({ ...e, depth: e.depth - from.depth + 1 })));
    await lock.release();
    await s.deleteObjects(others.flatMap((id, i) => [`${name}.lease.${id}.30000`, turnKey(name, 3 + i)]));
    runs.push({
      acquireMs: acquiredAt - from.start,
      acquire: enter,
      roundTrips: trips.depth,
      chain: trips.chain,
    });
  }
  await Promise.all([s.close(), oursSession.close()]);
  return runs;
}

const experiments = { uncontended, contended, waiting, handoff, growth, growthTurns };
console.log(JSON.stringify(await experiments[experiment](input)));
