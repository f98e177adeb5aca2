/**
 * Whether a store qualifies for the conditional strategy, decided by measuring it: create-only
 * puts must exist, admit exactly one winner among concurrent writers (a short version of the
 * probe's race), and the bucket must not keep versions (Ceph RGW honours `If-None-Match` only on
 * unversioned buckets, and deleted turns would pile up as old versions). The verdict is cached per
 * bucket (`storeId`) for the life of the process; `recheck` measures again.
 *
 * @module
 */

import { isRetryableError, NetworkError, S3funcError } from '../../errors.js';
import { cleanUp, detectVersioning, raceIfNoneMatch, verdictOf } from '../../probe/probe.js';
import type { ObjectStore } from '../../store/types.js';
import { newLockId } from '../names.js';

/** Races run at most this many times the wanted conclusive rounds before giving up (not a verdict). */
const MAX_ROUNDS_FACTOR = 3;

/** The verdict on one store. */
export interface Qualification {
  qualified: boolean;
  /** Why not (or what was measured, when qualified). */
  reason: string;
}

export interface QualifyOptions {
  /** Measure again even if a verdict is cached. @default false */
  recheck?: boolean | undefined;
  /** Concurrent create-only writers per round. @default 8 */
  racers?: number | undefined;
  /** Rounds of the race. @default 4 */
  rounds?: number | undefined;
  signal?: AbortSignal | undefined;
}

const byId = new Map<string, Promise<Qualification>>();
const byStore = new WeakMap<ObjectStore, Promise<Qualification>>();

/**
 * Qualifies `store` for the conditional strategy (cached; see the module). Sends nothing for a store
 * without create-only puts; otherwise some 40 small requests under `.s3func-probe/`, deleted after.
 */
export function qualifyStore(store: ObjectStore, options: QualifyOptions = {}): Promise<Qualification> {
  const cached = store.storeId === undefined ? byStore.get(store) : byId.get(store.storeId);
  if (cached && options.recheck !== true) return cached;
  const verdict = measure(store, options);
  if (store.storeId === undefined) byStore.set(store, verdict);
  else byId.set(store.storeId, verdict);
  // a failed measurement (network) is not a verdict: the next call measures again
  verdict.catch(() => {
    if (store.storeId === undefined) {
      if (byStore.get(store) === verdict) byStore.delete(store);
    } else if (byId.get(store.storeId) === verdict) byId.delete(store.storeId);
  });
  return verdict;
}

async function measure(store: ObjectStore, options: QualifyOptions): Promise<Qualification> {
  try {
    return await race(store, options);
  } catch (error) {
    // a refusal that will not change by trying again (no permission to write the probe's objects,
    // say) is a verdict: the store cannot be shown to qualify. Failures that may pass are not.
    if (isRetryableError(error) || options.signal?.aborted || !(error instanceof S3funcError)) throw error;
    return { qualified: false, reason: `the qualification race could not run: ${error.message}` };
  }
}

async function race(store: ObjectStore, options: QualifyOptions): Promise<Qualification> {
  if (!store.capabilities.conditionalPut) {
    return { qualified: false, reason: 'it offers no create-only writes (If-None-Match: *)' };
  }
  const prefix = `.s3func-probe/${newLockId()}/`;
  const { signal } = options;
  try {
    // a versioned bucket is refused without a race (Ceph RGW would let several writers win there)
    if (await detectVersioning(store, prefix, signal))
      return { qualified: false, reason: 'the bucket keeps versions' };
    // races until enough rounds were conclusive: requests that fail make a round inconclusive,
    // never a verdict (which is cached for the life of the process)
    const wanted = options.rounds ?? 4;
    const racers = options.racers ?? 8;
    let exactlyOne = 0;
    let round = 0;
    while (exactlyOne < wanted) {
      if (round >= MAX_ROUNDS_FACTOR * wanted) {
        throw new NetworkError(
          `could not qualify the store for the conditional strategy: ${round - exactlyOne} of ${round} create-only races were inconclusive (failed requests)`,
          { method: 'PUT', sent: true },
        );
      }
      // a signal of its own: the racers' abort listeners must not pile up on the caller's signal
      // beside its own requests (the ticket strategy qualifies beside its ticket writes), where
      // more than 10 make Node print a MaxListenersExceededWarning
      const race = await raceIfNoneMatch(
        store,
        prefix,
        racers,
        1,
        signal && AbortSignal.any([signal]),
        round++,
      );
      if (!race.supported || race.multipleWinners > 0) return verdictOf(false, race);
      exactlyOne += race.exactlyOne;
    }
    return verdictOf(false, {
      supported: true,
      rounds: round,
      exactlyOne,
      multipleWinners: 0,
      inconclusive: round - exactlyOne,
      atomic: true,
    });
  } finally {
    await cleanUp(store, prefix);
  }
}
