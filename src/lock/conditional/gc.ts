/**
 * Collection of old turns, run now and then by a releasing holder (best effort).
 *
 * The rule: walking the turns upwards, a turn is deleted (then its done marker) only while every
 * turn so far is over, both it and its done marker older than the retention; the walk stops at the
 * first that is not. A checkpoint (every `checkpointEvery`-th number, the marker included) is never
 * deleted, nor is one of the newest `checkpointEvery` numbers below the frontier. So a collected turn
 * has only finished turns below it, and no number is ever created again (see frontier.ts). A listing
 * may omit only turns younger than its staleness, far younger than the retention: it cannot hide an
 * old running turn below one it shows.
 *
 * Where the walk starts: checkpoints pile up below everything collected, one per block of
 * `checkpointEvery` numbers, so a walk that listed from the bottom would page through them and, once
 * they filled its page, collect nothing more (finding C3 of issue 14). Instead it starts at the
 * first block not fully collected, found by a binary search over blocks: each block's last number
 * is deleted only after the rest of its block (see `Batches`), and blocks are collected in order, so
 * "block `j`'s last number is gone" holds exactly for the blocks below some `j`. From there the walk
 * lists with `startAfter`, page after page, up to a cap per run that exceeds a block, so a run that
 * was skipped (its holder crashed) is caught up by the next.
 *
 * Done markers left behind (finding K26 of issue 14): a walk that stops between a turn's delete and
 * its done marker's (a crash, a failed delete) leaves an orphan marker, which a later walk deletes,
 * provided some later walk still looks at its number. Three rules make sure of it:
 * - the walk starts one number early, at the last number of the block below the first block not
 *   fully collected: the search counts a block collected once its last turn is gone, which may be
 *   before that turn's done marker is;
 * - a turn goes only once its done marker, too, is older than the retention, so every orphan a walk
 *   leaves is old: listed by any listing (which may omit only what is younger than its staleness),
 *   and deletable at once (C5 spares only young ones);
 * - the walk never passes a done marker it leaves: an orphan too young to delete (a young turn that
 *   a stale listing missed, C5) stops it, and orphans go with the batch before the next block's last
 *   turn (see `Batches`).
 * So below the first block whose last turn exists, walks leave nothing but checkpoints and, perhaps,
 * the done marker of the number just below that block, where the next walk starts.
 *
 * Dead turns (finding K30 of issue 14): a contender that crashed in a shared turn is broken by no
 * waiter when only shared turns follow (a shared waiter does not wait for shared turns), so its turn
 * would stay running, and every walk would stop there, for good. So a walk that stops at a running
 * turn ends it, as a waiter would, if its contender is dead by the store's clock: its lease
 * unchanged, or gone while the turn is older, for two of the lease's durations plus the slack
 * below (a live contender rewrites its lease every third of one, and trusts its lock at most one
 * duration past its last renewal's send; `nowMs` is read before both HEADs, so a stall after them
 * only makes the judgement older). A lease is gone only once its turn is over or its contender dead:
 * a release deletes it after its done marker is settled, a breaker after writing one, and the
 * dead-lease sweep below only what stood unchanged as long. The marker, young, stops this walk; a
 * later one collects past it. (It needs HEADs of one key to be consistent, as the strategy does, and
 * the skew between the store's front ends to stay below the slack.)
 *
 * Leases unchanged for two of their own durations belong to contenders that died (between writing
 * a lease and a turn, say) or whose release could not delete them; they are deleted too.
 *
 * @module
 */
import { isNotFound } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { deleteRefs } from '../lock-store.js';
import { doneKey, type LockKeys, leaseKey, parseLeaseSuffix, turnKey } from '../names.js';
import type { TurnSettings } from './marker.js';
import { createDoneOfLiveTurn, headTurn, listQueue } from './turn-store.js';

/** Slack on two leases' age: skew between the store's front ends. */
const LEASE_SLACK_MS = 3000;
/** Numbers examined per listing window (one page of turns and one of done markers). */
const WINDOW = 1000;
/** Deletes sent at once. */
const BATCH = 100;

/** Whether a release of `turn` runs collection: checkpoints always, any other turn one time in K. */
export function collectsAfter(turn: number, settings: TurnSettings, random: () => number): boolean {
  return turn % settings.checkpointEvery === 0 || random() < 1 / settings.checkpointEvery;
}

/**
 * Deletes what may go (see the module). Ages are measured on the store's clock: `releasedTurn`'s
 * done marker, just written, is the reference, so no client clock enters (only the skew between
 * the store's front ends, far below the slack `R / 2`). Resolves with the number of turns deleted;
 * `onBroke` hears the lock id of each dead contender's turn the walk ended.
 */
export async function collectTurns(
  store: ObjectStore,
  keys: LockKeys,
  settings: TurnSettings,
  frontier: number,
  releasedTurn: number,
  signal?: AbortSignal,
  onBroke?: (lockId: string) => void,
): Promise<number> {
  const k = settings.checkpointEvery;
  const nowMs = (await store.headObject(doneKey(keys, releasedTurn), { signal })).lastModified.getTime();
  const oldEnough = (d: Date) => nowMs - d.getTime() > settings.retentionMs;
  // never one of the newest K numbers below the frontier (the frontier search bisects that block)
  const limit = frontier - k;
  let deleted = 0;
  if (limit >= 1) {
    const block = await firstUncollectedBlock(store, keys, k, limit, signal);
    deleted = await walk(
      store,
      keys,
      // one number early: the done marker of the block below's last turn may still be there (K26)
      {
        k,
        limit,
        oldEnough,
        nowMs,
        from: Math.max(1, block * k - 1),
        cap: Math.max(4 * k, WINDOW),
        onBroke: onBroke ?? (() => {}),
      },
      signal,
    );
  }
  await deleteDeadLeases(store, keys, nowMs, signal);
  return deleted;
}

/**
 * The lowest block `j` (numbers `jK … (j+1)K − 1`) whose last number still exists, among blocks
 * wholly at or below `limit`; one past the last such block when all are collected.
 */
async function firstUncollectedBlock(
  store: ObjectStore,
  keys: LockKeys,
  k: number,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const gone = async (block: number) => {
    try {
      await store.headObject(turnKey(keys, (block + 1) * k - 1), { signal });
      return false;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  };
  // blocks 0 … last lie wholly at or below the limit; the answer is in 0 … last + 1
  let lo = 0;
  let hi = Math.floor((limit + 1) / k);
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await gone(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Walk {
  k: number;
  limit: number;
  oldEnough: (d: Date) => boolean;
  /** The store's clock before the walk's reads. */
  nowMs: number;
  onBroke: (lockId: string) => void;
  /** The first number to look at (the last number of a block, or 1). */
  from: number;
  /** Most turns deleted in one run. */
  cap: number;
}

/** Walks up from `w.from`, deleting while the rule allows (see the module). Returns the turns deleted. */
async function walk(
  store: ObjectStore,
  keys: LockKeys,
  w: Walk,
  signal: AbortSignal | undefined,
): Promise<number> {
  const batches = new Batches(store, keys, signal);
  let n = w.from;
  try {
    while (n <= w.limit && batches.deleted < w.cap) {
      const through = Math.min(w.limit, n + WINDOW - 1);
      const { turns, done } = await listQueue(store, keys, n, through, signal);
      for (; n <= through; n++) {
        const turn = turns.get(n);
        if (!turn) {
          // gone: collected, or younger than the listing (then so is everything above). A done
          // marker here, once old, goes: a walk that stopped between the two deletes left it (old:
          // see the module), or it was written after its turn was collected. A young one may be a
          // young turn's that a stale listing missed (C5): it stays, and the walk stops, so that it
          // never passes a marker it leaves
          const marker = done.get(n);
          if (!marker) continue;
          if (!w.oldEnough(marker)) return batches.deleted;
          await batches.orphanDone(n);
          continue;
        }
        const ended = done.get(n);
        if (!ended) {
          // running: ended here if its contender is dead (K30), then collected by a later walk
          if (w.nowMs - turn.lastModified.getTime() > LEASE_SLACK_MS) {
            const lockId = await breakIfDead(store, keys, n, w.nowMs, signal);
            if (lockId !== undefined) w.onBroke(lockId);
          }
          return batches.deleted;
        }
        if (!w.oldEnough(turn.lastModified) || !w.oldEnough(ended)) return batches.deleted;
        if (n % w.k === 0) continue; // a checkpoint: kept, and passed only because it is over
        if (batches.deleted >= w.cap) return batches.deleted;
        await batches.add(n, (n + 1) % w.k === 0);
      }
    }
    return batches.deleted;
  } finally {
    await batches.flush();
  }
}

/**
 * Deletes collected turns in ascending batches, each turn before its done marker. A block's last
 * number goes alone, after everything below it (orphan done markers included): so "the last number
 * of block `j` is gone" means the whole block is but, perhaps, that number's done marker, whatever a
 * crash interrupts (the search in `firstUncollectedBlock` relies on it, and the walk starts there).
 */
class Batches {
  readonly #store: ObjectStore;
  readonly #keys: LockKeys;
  readonly #signal: AbortSignal | undefined;
  #pending: number[] = [];
  #orphans: number[] = [];
  deleted = 0;

  constructor(store: ObjectStore, keys: LockKeys, signal: AbortSignal | undefined) {
    this.#store = store;
    this.#keys = keys;
    this.#signal = signal;
  }

  async add(turn: number, lastOfBlock: boolean): Promise<void> {
    if (lastOfBlock) await this.flush();
    this.#pending.push(turn);
    this.deleted++;
    if (lastOfBlock || this.#pending.length >= BATCH) await this.flush();
  }

  /** A done marker whose turn is already gone. */
  async orphanDone(turn: number): Promise<void> {
    this.#orphans.push(turn);
    if (this.#orphans.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const turns = this.#pending;
    const orphans = this.#orphans;
    this.#pending = [];
    this.#orphans = [];
    const ref = (key: string) => ({ key, versionId: undefined });
    await deleteRefs(
      this.#store,
      turns.map((n) => ref(turnKey(this.#keys, n))),
      this.#signal,
    );
    await deleteRefs(
      this.#store,
      [...turns, ...orphans].map((n) => ref(doneKey(this.#keys, n))),
      this.#signal,
    );
  }
}

/**
 * Ends running turn `n` with a done marker saying it was broken, and deletes its lease, if its
 * contender is dead by the store's clock (see the module). Resolves the contender's lock id when
 * the marker written is ours; a turn that does not name its lease (not written by s3func) is left.
 */
async function breakIfDead(
  store: ObjectStore,
  keys: LockKeys,
  n: number,
  nowMs: number,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const facts = await headTurn(store, keys, n, signal);
  if (facts?.lockId === undefined || facts.leaseMs === undefined) return undefined;
  const deadAfterMs = 2 * facts.leaseMs + LEASE_SLACK_MS;
  const key = leaseKey(keys, facts.lockId, facts.leaseMs);
  let renewedMs = facts.lastModified.getTime(); // no lease: it was there when the turn was created
  try {
    renewedMs = Math.max(renewedMs, (await store.headObject(key, { signal })).lastModified.getTime());
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (nowMs - renewedMs <= deadAfterMs) return undefined;
  const done = { floor: 0, entered: false, broken: true, by: 'collection' };
  if (!(await createDoneOfLiveTurn(store, keys, n, done, signal))) return undefined;
  await deleteRefs(store, [{ key, versionId: undefined }], signal);
  return facts.lockId;
}

/** Leases unchanged for two of their own durations, by the store's clock (see the module). */
async function deleteDeadLeases(
  store: ObjectStore,
  keys: LockKeys,
  nowMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const dead = [];
  for await (const o of store.listObjects({ prefix: keys.leasePrefix, signal })) {
    const lease = parseLeaseSuffix(o.key.slice(keys.leasePrefix.length));
    // a live contender rewrites its lease every third of one: two unchanged leases (plus slack for
    // front-end skew) mean it died or lost its lock; without its lease a running turn is broken
    if (lease && nowMs - o.lastModified.getTime() > 2 * lease.leaseMs + LEASE_SLACK_MS)
      dead.push({ key: o.key, versionId: undefined });
  }
  await deleteRefs(store, dead, signal);
}
