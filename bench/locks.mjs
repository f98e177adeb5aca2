// Lock costs: uncontended acquire → release, hand-off under contention, the requests of waiting,
// and how an acquisition's cost grows with the tickets waiting behind it. Settle delay on Ceph
// (millisecond listing timestamps, one gateway): what `s3func probe` recommends, at least
// MIN_SETTLE_MS; the default (2000 ms, twice AWS's whole-second timestamp granularity) for comparison.
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
  // listings), fence PUT
  exclusive: 6,
  // the same without the fence
  shared: 5,
};

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
    const runs = await runChild('locks.mjs', {
      ...base,
      experiment: 'uncontended',
      mode,
      reps,
      warmup: 2,
      settleDelayMs: settle,
      pollIntervalMs: DEFAULT_POLL_MS,
    });
    uncontended[`${mode}@${settle}`] = {
      mode,
      settleDelayMs: settle,
      acquireMs: summarize(runs.map((r) => r.acquireMs)),
      releaseMs: summarize(runs.map((r) => r.releaseMs)),
      acquireRequests: medianCounts(runs.map((r) => r.acquire)),
      releaseRequests: medianCounts(runs.map((r) => r.release)),
    };
  }

  const contended = {};
  const contentions = [
    [2, DEFAULT_POLL_MS],
    [8, DEFAULT_POLL_MS],
    ...(ctx.quick ? [] : [[32, DEFAULT_POLL_MS]]),
    [8, FAST_POLL_MS],
  ];
  for (const [k, pollIntervalMs] of contentions) {
    const rounds = k <= 2 ? (ctx.quick ? 4 : 8) : k <= 8 ? (ctx.quick ? 2 : 3) : 1;
    const options = { ...base, settleDelayMs, pollIntervalMs };
    const r = await runChild('locks.mjs', { ...options, experiment: 'contended', contenders: k, rounds });
    const w = await runChild('locks.mjs', {
      ...options,
      experiment: 'waiting',
      waiters: k - 1,
      windowMs: ctx.quick ? 2000 : 4000,
    });
    const waiterSeconds = (w.waiters * w.windowMs) / 1000;
    contended[`${k}@${pollIntervalMs}`] = {
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
      `locks: ${k} contenders (poll ${pollIntervalMs} ms), ${r.acquisitions} acquisitions in ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }

  const growth = {};
  const waiting = ctx.quick ? [1, 4, 16, 32] : [1, 4, 16, 64, 256];
  for (const n of waiting) {
    const runs = await runChild('locks.mjs', {
      ...base,
      experiment: 'growth',
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
  return {
    settleDelayMs,
    defaultSettleDelayMs: DEFAULT_SETTLE_MS,
    pollIntervalMs: DEFAULT_POLL_MS,
    probe,
    floorRoundTrips: FLOOR_ROUND_TRIPS,
    uncontended,
    contended,
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

/** Per request kind, the median count over runs (a kind missing from a run counts 0). */
function medianCounts(runs) {
  const kinds = new Set(runs.flatMap((r) => Object.keys(r)));
  const out = {};
  for (const kind of [...kinds].sort()) out[kind] = summarize(runs.map((r) => r[kind] ?? 0)).median;
  return out;
}
