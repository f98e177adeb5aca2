/**
 * Qualifies a store for the lock protocol by measuring it: how long a write takes to show in a
 * listing, the granularity of listing timestamps, whether versions are listed, whether create-only
 * puts (`If-None-Match: *`) admit exactly one winner under a concurrent race, and whether `If-Match`
 * is honoured. Every probe object lives under one prefix and is deleted afterwards.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isS3funcError, PreconditionFailedError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';

/** What a probe found. */
export interface ProbeReport {
  /** Milliseconds from a completed PUT until a listing showed it: max and median over the samples. */
  listAfterWriteLagMs: { max: number; median: number; samples: number };
  /** Granularity of listed timestamps: 1 when milliseconds vary, 1000 when every timestamp is a whole second. */
  timestampGranularityMs: number;
  /** Versions listing returns real version ids (not 'null'): the bucket keeps versions. */
  versioning: boolean;
  /** `If-None-Match: *` races: rounds run, rounds with exactly one winner, with more, inconclusive. */
  ifNoneMatch: RaceResult;

  /** `If-Match` honoured: a matching ETag succeeds and a wrong one is refused with 412. */
  ifMatch: { matchingAccepted: boolean; wrongRefused: boolean; honoured: boolean };
  /** A settle delay that covers the measured granularity and lag, with a margin. */
  recommendedSettleDelayMs: number;
  /** Whether the conditional lock strategy may run here: atomic create-only writes, no versions. */
  conditionalStrategy: { qualified: boolean; reason: string };
  /** Wall time the probe took. */
  durationMs: number;
}

export interface ProbeOptions {
  /** Key prefix for probe objects (deleted afterwards). @default '.s3func-probe/{random}/' */
  prefix?: string | undefined;
  /** Writes timed for list-after-write lag. @default 10 */
  lagSamples?: number | undefined;
  /** Concurrent writers per If-None-Match round. @default 8 */
  racers?: number | undefined;
  /** If-None-Match rounds. @default 10 */
  rounds?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Polling interval while waiting for a write to be listed. */
const LAG_POLL_MS = 5;
/** Give up on a write showing in a listing after this long. */
const LAG_GIVE_UP_MS = 60_000;

/** Runs every probe on `store`. Sends a few hundred small requests. */
export async function probeStore(store: ObjectStore, options: ProbeOptions = {}): Promise<ProbeReport> {
  const started = performance.now();
  const prefix = options.prefix ?? `.s3func-probe/${randomBytes(7).toString('hex').slice(0, 13)}/`;
  const signal = options.signal;
  try {
    const lag = await measureLag(store, prefix, options.lagSamples ?? 10, signal);
    const granularity = await measureGranularity(store, prefix, signal);
    const versioning = await detectVersioning(store, prefix, signal);
    const ifNoneMatch = await raceIfNoneMatch(
      store,
      prefix,
      options.racers ?? 8,
      options.rounds ?? 10,
      signal,
    );
    const ifMatch = await checkIfMatch(store, prefix, signal);
    return {
      listAfterWriteLagMs: lag,
      timestampGranularityMs: granularity,
      versioning,
      ifNoneMatch,
      ifMatch,
      recommendedSettleDelayMs: recommendSettleDelay(granularity, lag.max),
      conditionalStrategy: verdictOf(versioning, ifNoneMatch),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await cleanUp(store, prefix);
  }
}

/** The conditional strategy's verdict from the probe's own measurements (as `qualifyStore` decides). */
export function verdictOf(versioning: boolean, race: RaceResult): { qualified: boolean; reason: string } {
  if (!race.supported) return { qualified: false, reason: 'it refuses create-only writes' };
  if (versioning) return { qualified: false, reason: 'the bucket keeps versions' };
  if (race.multipleWinners > 0) {
    return {
      qualified: false,
      reason: `create-only writes are not atomic: ${race.multipleWinners} of ${race.rounds} races had more than one winner`,
    };
  }
  if (!race.atomic) {
    return {
      qualified: false,
      reason: `only ${race.exactlyOne} of ${race.rounds} races were conclusive (${race.inconclusive} had failed requests or no winner)`,
    };
  }
  return { qualified: true, reason: `${race.exactlyOne} races had one winner each` };
}

/** Settle delay = granularity + measured worst lag, doubled for unseen tails, at least 50 ms. */
export function recommendSettleDelay(granularityMs: number, maxLagMs: number): number {
  return Math.max(50, Math.ceil((granularityMs + maxLagMs) * 2));
}

async function measureLag(store: ObjectStore, prefix: string, samples: number, signal?: AbortSignal) {
  const lags: number[] = [];
  for (let i = 0; i < samples; i++) {
    const key = `${prefix}lag-${i}`;
    await store.putObject(key, String(i), { signal });
    const written = performance.now();
    for (;;) {
      let seen = false;
      for await (const o of store.listObjects({ prefix: key, signal })) if (o.key === key) seen = true;
      if (seen) break;
      if (performance.now() - written > LAG_GIVE_UP_MS) break;
      await new Promise((r) => setTimeout(r, LAG_POLL_MS));
    }
    lags.push(performance.now() - written);
  }
  lags.sort((a, b) => a - b);
  return {
    max: Math.round(lags[lags.length - 1] ?? 0),
    median: Math.round(lags[Math.floor(lags.length / 2)] ?? 0),
    samples: lags.length,
  };
}

async function measureGranularity(store: ObjectStore, prefix: string, signal?: AbortSignal): Promise<number> {
  for (let i = 0; i < 5; i++) {
    await store.putObject(`${prefix}stamp-${i}`, 'x', { signal });
    await new Promise((r) => setTimeout(r, 37)); // spread the writes across milliseconds
  }
  const stamps: number[] = [];
  for await (const o of store.listObjects({ prefix: `${prefix}stamp-`, signal }))
    stamps.push(o.lastModified.getTime());
  return stamps.every((t) => t % 1000 === 0) ? 1000 : 1;
}

/** True when the bucket keeps versions: two puts of one key list as two real version ids. */
export async function detectVersioning(
  store: ObjectStore,
  prefix: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!store.capabilities.listVersions) return false;
  const key = `${prefix}versions`;
  await store.putObject(key, 'a', { signal });
  await store.putObject(key, 'b', { signal });
  let versions = 0;
  for await (const v of store.listObjectVersions({ prefix: key, signal })) {
    if (v.key === key && v.versionId !== 'null' && v.versionId !== '') versions++;
  }
  return versions >= 2;
}

/** What a race of create-only writers showed. */
export interface RaceResult {
  /** The store takes create-only puts at all (B2's native API refuses them). */
  supported: boolean;
  rounds: number;
  /**
   * Rounds with exactly one winner: every writer answered, or all but one, and the key's body
   * names the one that won.
   */
  exactlyOne: number;
  /** Rounds with two or more winners: atomicity refuted. */
  multipleWinners: number;
  /**
   * Rounds that prove nothing: two or more writers' requests failed (they may have won unseen), or
   * one failed and the key's body could not settle it.
   */
  inconclusive: number;
  /** No round with several winners, and at least half the rounds with exactly one. */
  atomic: boolean;
}

/**
 * Races `racers` create-only puts of one key, `rounds` times: an atomic store never lets two win.
 * Failed requests make a round inconclusive rather than failing the race, so that a flaky network
 * is not mistaken for a verdict; a round with one lost answer is settled by reading the key, whose
 * body names the writer whose create stands (a round that would need more cannot tell a second
 * winner whose write was overwritten).
 */
export async function raceIfNoneMatch(
  store: ObjectStore,
  prefix: string,
  racers: number,
  rounds: number,
  signal?: AbortSignal,
  firstRound = 0,
): Promise<RaceResult> {
  let exactlyOne = 0;
  let multipleWinners = 0;
  let inconclusive = 0;
  let supported = true;
  for (let round = firstRound; round < firstRound + rounds && supported; round++) {
    const key = `${prefix}race-${round}`;
    const results = await Promise.allSettled(
      Array.from({ length: racers }, (_, i) =>
        store.putObject(key, `racer ${i}`, { ifNoneMatch: '*', signal }),
      ),
    );
    signal?.throwIfAborted();
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    const lost = results.flatMap((r, i) =>
      r.status === 'rejected' && !(r.reason instanceof PreconditionFailedError) ? [i] : [],
    );
    const failures = lost.map((i) => (results[i] as PromiseRejectedResult).reason as unknown);
    // a store without conditional puts refuses the header itself (B2) or the client does (ConfigError)
    const refusal = failures.find((e) => isS3funcError(e) && !e.retryable);
    if (refusal !== undefined) {
      if (won.length > 0) throw refusal; // refused for some writers only: not a verdict
      supported = false;
    } else if (won.length > 1) multipleWinners++;
    else if (won.length === 1 && lost.length === 0) exactlyOne++;
    else if (lost.length === 1) {
      // one answer lost (a reset, a timeout): the key's body names the writer whose create stands,
      // which in an atomic store is the one winner. Ours answered 200 and the body is another's:
      // two won. The body is the lost writer's and nobody else won: it was the one winner.
      const writer = await readRacer(store, key, signal);
      const seen = won[0];
      if (seen !== undefined && writer !== undefined && writer !== seen) multipleWinners++;
      else if (writer !== undefined && writer === (seen ?? lost[0])) exactlyOne++;
      else inconclusive++;
    } else inconclusive++;
  }
  const atomic = supported && multipleWinners === 0 && exactlyOne * 2 >= rounds;
  return { supported, rounds: supported ? rounds : 0, exactlyOne, multipleWinners, inconclusive, atomic };
}

/** Which racer wrote the race's key (its body `racer i`), or undefined if it cannot be read. */
async function readRacer(store: ObjectStore, key: string, signal?: AbortSignal): Promise<number | undefined> {
  try {
    const match = /^racer (\d+)$/.exec(await (await store.getObject(key, { signal })).text());
    return match ? Number(match[1]) : undefined;
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
}

async function checkIfMatch(store: ObjectStore, prefix: string, signal?: AbortSignal) {
  const key = `${prefix}if-match`;
  const { etag } = await store.putObject(key, 'v1', { signal });
  const attempt = async (ifMatch: string) => {
    try {
      await store.putObject(key, 'v2', { ifMatch, signal });
      return 'accepted';
    } catch (error) {
      return error instanceof PreconditionFailedError ? 'refused' : 'error';
    }
  };
  const wrongRefused = (await attempt('"00000000000000000000000000000000"')) === 'refused';
  const matchingAccepted = (await attempt(`"${etag}"`)) === 'accepted';
  return { matchingAccepted, wrongRefused, honoured: matchingAccepted && wrongRefused };
}

/** Deletes everything under the probe's prefix (best effort). */
export async function cleanUp(store: ObjectStore, prefix: string): Promise<void> {
  const refs: { key: string; versionId: string | undefined }[] = [];
  try {
    if (store.capabilities.listVersions) {
      for await (const v of store.listObjectVersions({ prefix }))
        refs.push({ key: v.key, versionId: v.versionId });
    } else {
      for await (const o of store.listObjects({ prefix })) refs.push({ key: o.key, versionId: undefined });
    }
    await Promise.all(
      refs.map((r) =>
        store
          .deleteObject(r.key, r.versionId === undefined ? {} : { versionId: r.versionId })
          .catch(() => {}),
      ),
    );
  } catch {
    // best effort: the prefix is unique and small
  }
}
