/**
 * Fencing tokens: every exclusive acquisition of a name gets an integer strictly greater than every
 * earlier holder's. Tokens live as small objects `{name}.fence.{token}` beside the tickets, so they
 * survive the tickets being deleted.
 *
 * The new holder reads the highest token and writes the next one while it holds the lock, so no other
 * exclusive holder writes at the same time. Where the store honours `If-None-Match: *`, the write is
 * create-only and a collision (a stale listing) moves on to the next number.
 *
 * @module
 */
import { isRetryableError, PreconditionFailedError } from '../errors.js';
import type { ObjectStore } from '../store/types.js';
import { deleteRefs, listEntries } from './lock-store.js';
import { FENCE_DIGITS, fenceKey, type LockKeys } from './names.js';

const FENCE_SUFFIX = new RegExp(`^\\d{${FENCE_DIGITS}}$`);
/** How many fence objects are kept; older ones are deleted on release. */
export const FENCES_KEPT = 4;
/**
 * Fences are pruned by the holder of every this-many-th token only: pruning costs two listings
 * and a delete, which would otherwise lengthen every release. At most `FENCES_KEPT +
 * FENCE_PRUNE_EVERY` fence objects stay (more only while a pruning holder has crashed).
 */
export const FENCE_PRUNE_EVERY = 8;
/** Collisions tolerated before giving up (each means the listing missed a newer token). */
const MAX_COLLISIONS = 20;

/** Tokens listed under `{name}.fence.`, ascending. */
export function parseFenceTokens(keys: LockKeys, listedKeys: Iterable<string>): number[] {
  const tokens: number[] = [];
  for (const key of listedKeys) {
    if (!key.startsWith(keys.fencePrefix)) continue;
    const suffix = key.slice(keys.fencePrefix.length);
    if (FENCE_SUFFIX.test(suffix)) tokens.push(Number(suffix));
  }
  return tokens.sort((a, b) => a - b);
}

/** The token after the highest listed one (1 for a name never held). */
export function nextToken(tokens: readonly number[]): number {
  return (tokens.length === 0 ? 0 : (tokens[tokens.length - 1] as number)) + 1;
}

/** Fence tokens currently listed, ascending. */
export async function listFenceTokens(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
): Promise<number[]> {
  const listed: string[] = [];
  for await (const o of store.listObjects({ prefix: keys.fencePrefix, signal })) listed.push(o.key);
  return parseFenceTokens(keys, listed);
}

/**
 * Takes the next fencing token for `keys` on behalf of holder `lockId`. With `createOnly` (the store
 * qualified: its create-only writes are atomic) the write is create-only and a collision moves on;
 * `listed` may then carry a fence listing started during the confirming election listing: the
 * previous holder's token was written before it released, hence before our first winning listing,
 * so that listing already sees it.
 */
export async function takeFencingToken(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  options: { createOnly: boolean; signal?: AbortSignal | undefined; listed?: Promise<number[]> | undefined },
): Promise<number> {
  const { signal, createOnly: conditional } = options;
  let token = nextToken(await (options.listed ?? listFenceTokens(store, keys, signal)));
  for (let collisions = 0; ; collisions++) {
    try {
      await store.putObject(fenceKey(keys, token), JSON.stringify({ token, lockId }), {
        contentType: 'application/json',
        ifNoneMatch: conditional ? '*' : undefined,
        signal,
      });
      return token;
    } catch (error) {
      // a create that failed ambiguously may have landed; the next number is safe either way
      const collision = error instanceof PreconditionFailedError || isRetryableError(error);
      if (!collision || collisions >= MAX_COLLISIONS || signal?.aborted) throw error;
      token = Math.max(token + 1, nextToken(await listFenceTokens(store, keys, signal)));
    }
  }
}

/**
 * Deletes all but the newest `FENCES_KEPT` fence objects below `ownToken`, every listed version of
 * each (a plain delete would only hide them on a store that keeps versions). Best effort.
 */
export async function pruneFences(
  store: ObjectStore,
  keys: LockKeys,
  ownToken: number,
  signal?: AbortSignal,
): Promise<void> {
  const tokens = (await listFenceTokens(store, keys, signal)).filter((t) => t < ownToken);
  const stale = new Set(
    tokens.slice(0, Math.max(0, tokens.length - (FENCES_KEPT - 1))).map((t) => fenceKey(keys, t)),
  );
  if (stale.size === 0) return;
  const refs = (await listEntries(store, keys.fencePrefix, signal))
    .filter((e) => stale.has(e.key))
    .map((e) => ({ key: e.key, versionId: e.versionId }));
  await deleteRefs(store, refs, signal).catch(() => {});
}
