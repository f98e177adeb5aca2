/**
 * Collection of old turns, run now and then by a releasing holder (best effort).
 *
 * Walking the listed turns upwards from the lowest, it deletes a turn (then its done marker) only
 * while every turn so far is over and older than the retention, stops at the first that is not,
 * never deletes a checkpoint (every `checkpointEvery`-th number, the marker included) and never
 * one of the newest `checkpointEvery` numbers below the frontier. So a collected turn has only
 * finished turns below it, and no number is ever created again (see frontier.ts). A listing may
 * omit only turns younger than its staleness, far younger than the retention: it cannot hide an
 * old running turn below one it shows.
 *
 * Leases unchanged for two of their own durations belong to contenders that died (between writing
 * a lease and a turn, say) or whose release could not delete them; they are deleted too.
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import { deleteRefs } from '../lock-store.js';
import { doneKey, type LockKeys, parseLeaseSuffix, parseTurnNumber, turnKey } from '../names.js';
import type { TurnSettings } from './marker.js';

/** Slack on two leases' age: skew between the store's front ends. */
const LEASE_SLACK_MS = 3000;
/** Listed entries examined per collection. */
const PAGE = 1000;

/**
 * Deletes what may go (see the module). Ages are measured on the store's clock: `releasedTurn`'s
 * done marker, just written, is the reference, so no client clock enters (only the skew between
 * the store's front ends, far below the slack `R / 2`). Resolves with the number of turns deleted.
 */
export async function collectTurns(
  store: ObjectStore,
  keys: LockKeys,
  settings: TurnSettings,
  frontier: number,
  releasedTurn: number,
  signal?: AbortSignal,
): Promise<number> {
  const k = settings.checkpointEvery;
  const nowMs = (await store.headObject(doneKey(keys, releasedTurn), { signal })).lastModified.getTime();
  const oldEnough = (d: Date) => nowMs - d.getTime() > settings.retentionMs;
  const turns: { n: number; lastModified: Date }[] = [];
  for await (const o of store.listObjects({ prefix: keys.turnPrefix, signal })) {
    const n = parseTurnNumber(keys.turnPrefix, o.key);
    if (n !== undefined) turns.push({ n, lastModified: o.lastModified });
    if (turns.length >= PAGE) break;
  }
  const done = new Set<number>();
  for await (const o of store.listObjects({ prefix: keys.donePrefix, signal })) {
    const n = parseTurnNumber(keys.donePrefix, o.key);
    if (n !== undefined) done.add(n);
    if (done.size >= PAGE) break;
  }
  let deleted = 0;
  for (const { n, lastModified } of turns) {
    if (n === 0) continue;
    if (!done.has(n) || !oldEnough(lastModified) || n > frontier - k) break;
    if (n % k === 0) continue; // a checkpoint: kept, and passed only because it is over
    await deleteRefs(store, [{ key: turnKey(keys, n), versionId: undefined }], signal);
    await deleteRefs(store, [{ key: doneKey(keys, n), versionId: undefined }], signal);
    deleted++;
  }
  const lowest = turns.find((t) => t.n !== 0 && t.n % k !== 0)?.n;
  // done markers whose turn went before them (a collector stopped between the two deletes)
  const listedTurns = new Set(turns.map((t) => t.n));
  const orphans = [...done].filter(
    (n) => n % k !== 0 && !listedTurns.has(n) && lowest !== undefined && n < lowest,
  );
  await deleteRefs(
    store,
    orphans.map((n) => ({ key: doneKey(keys, n), versionId: undefined })),
    signal,
  );
  const deadLeases = [];
  for await (const o of store.listObjects({ prefix: keys.leasePrefix, signal })) {
    const lease = parseLeaseSuffix(o.key.slice(keys.leasePrefix.length));
    // a live contender rewrites its lease every third of one: two unchanged leases (plus slack for
    // front-end skew) mean it died or lost its lock; without its lease a running turn is broken
    if (lease && nowMs - o.lastModified.getTime() > 2 * lease.leaseMs + LEASE_SLACK_MS)
      deadLeases.push({ key: o.key, versionId: undefined });
  }
  await deleteRefs(store, deadLeases, signal);
  return deleted;
}
