/**
 * What one contender wrote, so that giving the lock back deletes exactly that, however stale the
 * store's listings are and whichever writes failed half-way.
 *
 * A PUT that failed may still have landed (the response was lost, or the store answered 5xx after
 * applying it), so every key is recorded *before* its PUT. Release then deletes:
 * - every version a listing shows, plus every version id a PUT returned;
 * - on a store known to keep no versions, every attempted key by name (a plain delete is final),
 *   and a key whose write failed once more `settleDelayMs` later (the write may still be on its way);
 * - otherwise (versions kept, or nothing answered to tell), when a write failed and may have
 *   landed unseen, or the listing missed a version we wrote (so it may also miss one a retried
 *   attempt left behind), whatever a second listing shows after `settleDelayMs` (a plain delete
 *   there would only add a delete marker).
 *
 * @module
 */
import type { ObjectStore } from '../store/types.js';
import { deleteRefs, listEntries, type ObjectRef } from './lock-store.js';
import type { LockRuntime } from './runtime.js';

/** Version ids that stand for "no versioning" in listings and responses. */
const NO_VERSION = new Set([undefined, '', 'null']);

/** One key we attempted to write, and the version ids its successful writes returned. */
interface Attempt {
  key: string;
  versions: string[];
  /** A write of this key failed: it may have landed in a version we do not know. */
  uncertain: boolean;
}

/** The objects of one contender: its ticket keys and its lease key. */
export class OwnObjects {
  readonly #attempts = new Map<string, Attempt>();
  /** Learned from the first write that answered: does the store keep versions? */
  #versioned: boolean | undefined;

  /** Records a key before writing it. */
  attempt(key: string): void {
    if (!this.#attempts.has(key)) this.#attempts.set(key, { key, versions: [], uncertain: false });
  }

  /**
   * Records the answer of a successful write. One that took more than one attempt (`attempts`, as
   * the session reports it) is also uncertain: an earlier attempt may have landed, or land later,
   * in a version the answer does not name.
   */
  wrote(key: string, versionId: string | undefined, attempts = 1): void {
    this.attempt(key);
    const versioned = !NO_VERSION.has(versionId);
    this.#versioned ??= versioned;
    const a = this.#attempts.get(key) as Attempt;
    if (versioned) a.versions.push(versionId as string);
    if (attempts > 1) a.uncertain = true;
  }

  /** Records a failed write: it may or may not have landed. */
  failed(key: string): void {
    this.attempt(key);
    (this.#attempts.get(key) as Attempt).uncertain = true;
  }

  /** Records that a version was deleted already (the lease keeper prunes old renewals). */
  deleted(key: string, versionId: string): void {
    const a = this.#attempts.get(key);
    if (a) a.versions = a.versions.filter((v) => v !== versionId);
  }

  /** Versions written of `key` and not deleted yet, oldest first. */
  versionsOf(key: string): readonly string[] {
    return this.#attempts.get(key)?.versions ?? [];
  }

  get isEmpty(): boolean {
    return this.#attempts.size === 0;
  }

  /**
   * Deletes everything recorded under `prefix` (the keys of one kind: ticket or lease). Listing
   * first, then exact versions, then what the listing may have missed.
   */
  async deleteUnder(
    store: ObjectStore,
    prefix: string,
    options: { runtime: LockRuntime; settleDelayMs: number; signal?: AbortSignal | undefined },
  ): Promise<void> {
    const mine = [...this.#attempts.values()].filter((a) => a.key.startsWith(prefix));
    if (mine.length === 0) return;
    const refs = await this.#listed(store, prefix, options.signal);
    const listed = new Set(refs.map((r) => `${r.key}\u0000${r.versionId}`));
    // a listing that misses a version we wrote is older than that write: it may also miss a version
    // an earlier, retried attempt of the same PUT left (the retry hid it from us)
    const stale = mine.some((a) => a.versions.some((v) => !listed.has(`${a.key}\u0000${v}`)));
    for (const a of mine) for (const v of a.versions) refs.push({ key: a.key, versionId: v });
    if (this.#versioned === false) {
      // no versions: a plain delete of each key is final, and catches what a stale listing missed
      for (const a of mine) refs.push({ key: a.key, versionId: undefined });
    }
    await deleteRefs(store, refs, options.signal);
    const uncertain = mine.filter((a) => a.uncertain);
    if (this.#versioned === false && uncertain.length > 0) {
      // a write we gave up on may still be on its way and land after that delete (a request reaches
      // the store within the latency the settle delay covers): delete its key once more after it
      await options.runtime.sleep(options.settleDelayMs, options.signal);
      await deleteRefs(
        store,
        uncertain.map((a) => ({ key: a.key, versionId: undefined })),
        options.signal,
      );
    } else if (this.#versioned !== false && (stale || uncertain.length > 0)) {
      // a failed write may have landed unseen by that listing, and a plain delete could only add a
      // delete marker where versions are kept: a listing settleDelayMs later shows what landed
      await options.runtime.sleep(options.settleDelayMs, options.signal);
      await deleteRefs(store, await this.#listed(store, prefix, options.signal), options.signal);
    }
    for (const a of mine) this.#attempts.delete(a.key);
  }

  /** What a listing shows under `prefix`; also tells whether the store keeps versions, if still unknown. */
  async #listed(store: ObjectStore, prefix: string, signal: AbortSignal | undefined): Promise<ObjectRef[]> {
    const refs: ObjectRef[] = [];
    for (const e of await listEntries(store, prefix, signal)) {
      if (store.capabilities.listVersions) this.#versioned ??= !NO_VERSION.has(e.versionId);
      if (e.isDeleteMarker === true && this.#versioned !== true) continue;
      refs.push({ key: e.key, versionId: NO_VERSION.has(e.versionId) ? undefined : e.versionId });
    }
    return refs;
  }
}
