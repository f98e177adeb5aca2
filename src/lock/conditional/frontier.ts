/**
 * Finding the frontier: the highest turn number in use. Turns exist as an interval up to the
 * frontier plus checkpoints (`K, 2K, …`, never deleted) below it, so the search needs HEADs only,
 * never a listing: gallop over checkpoints, binary-search the last block, then HEAD the next
 * checkpoint once more — if it exists now, the frontier moved on during the search, and the search
 * goes on from there (without that re-check a search racing many creates can stop too low; see
 * docs/conditional-strategy.md and models/conditional.pml).
 *
 * A frontier value is trusted for `R/4` from the moment it was learned (for a search, its first
 * HEAD): every number above it was created after that moment, so collection (which takes only
 * turns older than `R`) cannot have taken any of them while a create sent from it can still land.
 * That moment is read off the suspend-aware clock, which counts time the machine spent suspended: a
 * monotonic clock stops then, and a value trusted on it outlived collection (finding C1 of issue 14).
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import type { LockKeys } from '../names.js';
import { headTurn } from './turn-store.js';

/** A frontier value and when it was learned (on the suspend-aware clock: see `LockRuntime`). */
export interface Frontier {
  turn: number;
  learnedAtMs: number;
}

type Exists = (turn: number) => Promise<boolean>;

function existsOn(store: ObjectStore, keys: LockKeys, signal: AbortSignal | undefined): Exists {
  return async (turn) => turn === 0 || (await headTurn(store, keys, turn, signal)) !== undefined;
}

/** Searches the frontier from scratch (see the module). */
export async function discoverFrontier(
  store: ObjectStore,
  keys: LockKeys,
  checkpointEvery: number,
  clock: () => number,
  signal?: AbortSignal,
): Promise<Frontier> {
  const learnedAtMs = clock();
  const exists = existsOn(store, keys, signal);
  const k = checkpointEvery;
  let known = 0; // a checkpoint index whose checkpoint exists (0: the marker)
  for (;;) {
    // gallop over checkpoints, then bisect: checkpoint `lo` exists, `lo + 1` does not
    let lo = known;
    let step = 1;
    let hi = lo + step;
    while (await exists(hi * k)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (await exists(mid * k)) lo = mid;
      else hi = mid;
    }
    // the last block is whole at rest (the newest K turns are never collected): bisect it
    let a = lo * k;
    let b = (lo + 1) * k;
    while (b - a > 1) {
      const mid = a + Math.floor((b - a) / 2);
      if (await exists(mid)) a = mid;
      else b = mid;
    }
    if (await exists((lo + 1) * k)) {
      known = lo + 1; // the frontier left the block while we searched it
      continue;
    }
    return { turn: a, learnedAtMs };
  }
}

/**
 * From a fresh frontier value `from` whose next number is known to exist (a create there got 412),
 * finds a higher one by galloping: every number above a fresh value exists once created, so
 * existence is monotone there. The learned time stays `from`'s.
 */
export async function gallopFrontier(
  store: ObjectStore,
  keys: LockKeys,
  from: Frontier,
  signal?: AbortSignal,
): Promise<Frontier> {
  const exists = existsOn(store, keys, signal);
  let lo = from.turn + 1;
  let step = 1;
  let hi = lo + step;
  while (await exists(hi)) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return { turn: lo, learnedAtMs: from.learnedAtMs };
}

const cache = new WeakMap<ObjectStore, Map<string, Frontier>>();

/** The newest frontier value this process learned for the name, if any. */
export function cachedFrontier(store: ObjectStore, keys: LockKeys): Frontier | undefined {
  return cache.get(store)?.get(keys.name);
}

/** Records a frontier value if it is newer (higher, or learned later) than the cached one. */
export function rememberFrontier(store: ObjectStore, keys: LockKeys, frontier: Frontier): void {
  let names = cache.get(store);
  if (!names) {
    names = new Map();
    cache.set(store, names);
  }
  const old = names.get(keys.name);
  if (
    !old ||
    frontier.learnedAtMs > old.learnedAtMs ||
    (frontier.learnedAtMs === old.learnedAtMs && frontier.turn > old.turn)
  )
    names.set(keys.name, frontier);
}

/** Forgets the cached frontier of `keys` (after a reset deleted its turns: see reset.ts). */
export function forgetFrontier(store: ObjectStore, keys: LockKeys): void {
  cache.get(store)?.delete(keys.name);
}
