// Lock costs: uncontended acquire → release, hand-off under contention, the requests of waiting,
// and how an acquisition's cost grows with the tickets waiting behind it. Settle delay on Ceph
// (millisecond listing timestamps, one gateway): what `s3func probe` recommends, at least
// MIN_SETTLE_MS; the default (2000 ms, twice AWS's whole-second timestamp granularity) for comparison.
//
// The same experiments run for the conditional strategy (`strategy: 'conditional'`, no settle
// delay) in the same run, under `conditional` in the results, with the first acquisition of a
// process (qualification race, marker, frontier search) apart. Every uncontended acquisition and
// release also has its sequential round trips counted (see bench/children/locks.mjs).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runChild } from './lib/child.mjs';
import { summarize } from './lib/stats.mjs';

/** At least this settle delay on a local Ceph, more where `s3func probe` recommends more. */
const MIN_SETTLE_MS = 100;
const DEFAULT_SETTLE_MS = 2000;
const DEFAULT_POLL_MS = 1000;
/** A poll interval for latency-sensitive users, to show what the protocol can do. */
const FAST_POLL_MS = 100;
/** Sequential round trips of an acquisition with no contention, besides the settle delay. */
export const FLOOR_ROUND_TRIPS = {
  // lease PUT, ticket PUT seq-0, PUT seq-1, gate listing, confirming listing (∥ lease and fence
  // listings and the HEAD of the conditional strategy's marker), fence PUT
  exclusive: 6,
  // the same without the fence
  shared: 5,
};
/**
 * The conditional strategy's, once the process knows the name (marker and frontier cached): lease
 * PUT ∥ ticket listing, then turn create ∥ GET of the previous turn's done marker. No settle delay.
 */
export const CONDITIONAL_FLOOR_ROUND_TRIPS = { exclusive: 2, shared: 2 };

export async function run(ctx) {
  const base = { s3: ctx.s3, oursDir: ctx.oursDir };
  const probe = await probeStore(ctx);
  const settleDelayMs = Number(
    process.env.BENCH_SETTLE_MS ??
      Math.max(MIN_SETTLE_MS, Math.ceil(probe.recommendedSettleDelayMs / 10) * 10),
  );
  ctx.log(`locks: probe recommends settleDelayMs ${probe.recommendedSettleDelayMs}; using ${settleDelayMs}`);

  const uncontended = {};
  const cases = [
    ['exclusive', settleDelayMs, ctx.quick ? 5 : 10],
    ['shared', settleDelayMs, ctx.quick ? 5 : 10],
    ['exclusive', DEFAULT_SETTLE_MS, ctx.quick ? 2 : 4],
  ];
  for (const [mode, settle, reps] of cases) {
    const { runs } = await runChild('locks.mjs', {
      ...base,
      experiment: 'uncontended',
      strategy: 'ticket',
      mode,
      reps,
      warmup: 2,
      settleDelayMs: settle,
      pollIntervalMs: DEFAULT_POLL_MS,
    });
    uncontended[`${mode}@${settle}`] = { mode, settleDelayMs: settle, ...uncontendedSummary(runs) };
  }

  const contentions = [
    [2, DEFAULT_POLL_MS],
    [8, DEFAULT_POLL_MS],
    ...(ctx.quick ? [] : [[32, DEFAULT_POLL_MS]]),
    [8, FAST_POLL_MS],
  ];
  const contended = await contendedRows(ctx, { ...base, strategy: 'ticket', settleDelayMs }, contentions);
  const handoff = await handoffRows(ctx, { ...base, strategy: 'ticket', settleDelayMs });
  const growth = {};
  const waiting = ctx.quick ? [1, 4, 16, 32] : [1, 4, 16, 64, 256];
  for (const n of waiting) {
    const runs = await runChild('locks.mjs', {
      ...base,
      experiment: 'growth',
      strategy: 'ticket',
      waiting: n,
      reps: ctx.quick ? 2 : 3,
      settleDelayMs,
      pollIntervalMs: DEFAULT_POLL_MS,
    });
    growth[n] = {
      acquireMs: summarize(runs.map((r) => r.acquireMs)),
      requests: medianCounts(runs.map((r) => r.acquire)),
    };
  }
  const conditional = await runConditional(ctx, base, { contentions, waiting });
  return {
    settleDelayMs,
    defaultSettleDelayMs: DEFAULT_SETTLE_MS,
    pollIntervalMs: DEFAULT_POLL_MS,
    probe,
    floorRoundTrips: FLOOR_ROUND_TRIPS,
    uncontended,
    contended,
    handoff,
    growth,
    conditional,
  };
}

/** Latency, request counts and round trips of uncontended acquisitions and releases. */
function uncontendedSummary(runs) {
  return {
    acquireMs: summarize(runs.map((r) => r.acquireMs)),
    releaseMs: summarize(runs.map((r) => r.releaseMs)),
    acquireRequests: medianCounts(runs.map((r) => r.acquire)),
    releaseRequests: medianCounts(runs.map((r) => r.release)),
    acquireRoundTrips: summarize(runs.map((r) => r.acquireRoundTrips)),
    releaseRoundTrips: summarize(runs.map((r) => r.releaseRoundTrips)),
    acquireChain: commonest(runs.map((r) => r.acquireChain)),
    releaseChain: commonest(runs.map((r) => r.releaseChain)),
  };
}

/** Hand-off under contention and the requests of waiting, one row per [contenders, poll interval]. */
async function contendedRows(ctx, options, contentions) {
  const rows = {};
  for (const [k, pollIntervalMs] of contentions) {
    const rounds = k <= 2 ? (ctx.quick ? 4 : 8) : k <= 8 ? (ctx.quick ? 2 : 3) : 1;
    const input = { ...options, pollIntervalMs };
    const r = await runChild('locks.mjs', { ...input, experiment: 'contended', contenders: k, rounds });
    const w = await runChild('locks.mjs', {
      ...input,
      experiment: 'waiting',
      waiters: k - 1,
      windowMs: ctx.quick ? 2000 : 4000,
    });
    const waiterSeconds = (w.waiters * w.windowMs) / 1000;
    rows[`${k}@${pollIntervalMs}`] = {
      contenders: k,
      pollIntervalMs,
      acquisitions: r.acquisitions,
      handoffMs: summarize(r.handoffMs),
      requestsPerAcquisition: sum(Object.values(r.requests)) / r.acquisitions,
      requests: r.requests,
      wallMs: r.wallMs,
      waitingRequests: w.requests,
      listingsPerWaiterSecond: listings(w.requests) / waiterSeconds,
      requestsPerWaiterSecond: sum(Object.values(w.requests)) / waiterSeconds,
    };
    ctx.log(
      `locks: ${options.strategy}, ${k} contenders (poll ${pollIntervalMs} ms), ${r.acquisitions} acquisitions in ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
  return rows;
}

/** Hand-off to one waiter in steady polling (see `handoff` in the child), at both poll intervals. */
async function handoffRows(ctx, options) {
  const rows = {};
  for (const [pollIntervalMs, reps] of [
    [DEFAULT_POLL_MS, ctx.quick ? 3 : 10],
    [FAST_POLL_MS, ctx.quick ? 8 : 20],
  ]) {
    const r = await runChild('locks.mjs', { ...options, experiment: 'handoff', pollIntervalMs, reps });
    rows[pollIntervalMs] = { pollIntervalMs, handoffMs: summarize(r.handoffMs) };
  }
  return rows;
}

/**
 * The conditional strategy, measured as the ticket strategy is above: uncontended acquisitions once
 * the process knows the name; the first acquisition of a process, on a new name (creates the
 * marker) and on a name that has one; hand-off and waiting; the entering poll with turns behind.
 */
async function runConditional(ctx, base, { contentions, waiting }) {
  const options = { ...base, strategy: 'conditional', pollIntervalMs: DEFAULT_POLL_MS };
  const uncontended = {};
  const first = {};
  const firstProcesses = ctx.quick ? 2 : 5;
  for (const mode of ['exclusive', 'shared']) {
    const name = `bench/locks/uncontended-conditional-${mode}`;
    const main = await runChild('locks.mjs', {
      ...options,
      experiment: 'uncontended',
      mode,
      name,
      reps: ctx.quick ? 5 : 10,
      warmup: 2,
    });
    uncontended[mode] = { mode, ...uncontendedSummary(main.runs) };
    const fresh = [main.first];
    const known = [];
    for (let i = 0; i < firstProcesses; i++) {
      const once = { ...options, experiment: 'uncontended', mode, reps: 0, warmup: 1 };
      fresh.push((await runChild('locks.mjs', { ...once, name: `${name}-first-${i}` })).first);
      known.push((await runChild('locks.mjs', { ...once, name })).first);
    }
    first[`${mode}@new`] = { mode, name: 'new', ...uncontendedSummary(fresh) };
    first[`${mode}@existing`] = { mode, name: 'existing', ...uncontendedSummary(known) };
    ctx.log(
      `locks: conditional ${mode}, acquire ${uncontended[mode].acquireRoundTrips.median} round trips ` +
        `(first in a process: ${first[`${mode}@existing`].acquireRoundTrips.median} on a known name)`,
    );
  }

  const contended = await contendedRows(ctx, { ...base, strategy: 'conditional' }, contentions);
  const handoff = await handoffRows(ctx, { ...base, strategy: 'conditional' });

  const growth = {};
  for (const n of waiting) {
    const runs = await runChild('locks.mjs', {
      ...options,
      experiment: 'growthTurns',
      waiting: n,
      reps: ctx.quick ? 2 : 3,
    });
    growth[n] = {
      enterMs: summarize(runs.map((r) => r.acquireMs)),
      requests: medianCounts(runs.map((r) => r.acquire)),
      roundTrips: summarize(runs.map((r) => r.roundTrips)),
    };
  }
  return {
    pollIntervalMs: DEFAULT_POLL_MS,
    floorRoundTrips: CONDITIONAL_FLOOR_ROUND_TRIPS,
    uncontended,
    first,
    contended,
    handoff,
    growth,
  };
}

/** `s3func probe --json` on the bench bucket: what the store looks like to the lock protocol. */
async function probeStore(ctx) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ctx.oursDir, 'cli.js'), 'probe', '--json', '--store', `s3://${ctx.s3.bucket}`],
    {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_S3: ctx.s3.endpoint,
        AWS_ACCESS_KEY_ID: ctx.s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ctx.s3.secretAccessKey,
        AWS_REGION: ctx.s3.region,
      },
    },
  );
  return JSON.parse(stdout);
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const listings = (counts) =>
  sum(Object.entries(counts).map(([kind, n]) => (kind.startsWith('LIST') ? n : 0)));

/** The most frequent of some arrays (round-trip chains), compared by content. */
function commonest(arrays) {
  const tally = new Map();
  for (const a of arrays) {
    const key = JSON.stringify(a ?? []);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  let best;
  for (const [key, n] of tally) if (!best || n > best[1]) best = [key, n];
  return best ? JSON.parse(best[0]) : [];
}

/** Per request kind, the median count over runs (a kind missing from a run counts 0). */
function medianCounts(runs) {
  const kinds = new Set(runs.flatMap((r) => Object.keys(r)));
  const out = {};
  for (const kind of [...kinds].sort()) out[kind] = summarize(runs.map((r) => r[kind] ?? 0)).median;
  return out;
}
