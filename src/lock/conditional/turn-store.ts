/**
 * The conditional strategy's objects and their I/O: turns `{name}.turn.{n}` (create-only; the body
 * is the mode, as a ticket's, so listings show it; metadata names the contender and its lease) and
 * done markers `{name}.done.{n}` (create-only, immutable: the turn is over for good).
 *
 * @module
 */
import { isNotFound, isRetryableError, PreconditionFailedError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { doneKey, type LockKeys, parseTurnNumber, turnKey } from '../names.js';
import type { LockRuntime } from '../runtime.js';
import { type LockMode, modeOfDigest, TICKET_BODY } from '../ticket.js';

/** A turn, as a HEAD shows it. */
export interface TurnInfo {
  turn: number;
  /** Unrecognised bodies count as exclusive (the conservative reading). */
  mode: LockMode;
  lockId: string | undefined;
  leaseMs: number | undefined;
  lastModified: Date;
}

/** What a done marker says. */
export interface DoneInfo {
  /** Every turn below `floor` was over when the marker was written (0: nothing known). */
  floor: number;
  /** The turn's holder entered (held the lock) before the turn ended. */
  entered: boolean;
  /** Ended by a waiter that found the turn's lease expired. */
  broken: boolean;
  /** Who wrote the marker. */
  by: string;
}

const META_LOCK_ID = 'lock-id';
const META_LEASE_MS = 'lease-ms';

/** HEAD of turn `n`: its facts, or undefined when it does not exist (never created, or collected). */
export async function headTurn(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  signal?: AbortSignal,
): Promise<TurnInfo | undefined> {
  try {
    const info = await store.headObject(turnKey(keys, turn), { signal });
    const leaseMs = Number(info.metadata[META_LEASE_MS]);
    return {
      turn,
      mode: modeOfDigest(info.etag) ?? 'exclusive',
      lockId: info.metadata[META_LOCK_ID],
      leaseMs: Number.isSafeInteger(leaseMs) && leaseMs > 0 ? leaseMs : undefined,
      lastModified: info.lastModified,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Creates turn `n` for `lockId`. Resolves `'won'`, or `'taken'` when a 412 answered the first
 * attempt (the number was someone else's), or `'unsure'` when a 412 answered a retry (our own
 * earlier attempt may have landed: a HEAD must tell).
 */
export async function createTurn(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  who: { lockId: string; mode: LockMode; leaseMs: number },
  signal?: AbortSignal,
): Promise<'won' | 'taken' | 'unsure'> {
  try {
    await store.putObject(turnKey(keys, turn), TICKET_BODY[who.mode], {
      ifNoneMatch: '*',
      contentType: 'text/plain',
      metadata: { [META_LOCK_ID]: who.lockId, [META_LEASE_MS]: String(who.leaseMs) },
      signal,
    });
    return 'won';
  } catch (error) {
    if (error instanceof PreconditionFailedError) return error.attempts === 1 ? 'taken' : 'unsure';
    throw error;
  }
}

/** Reads the done marker of turn `n` (undefined while the turn is not over, or once collected). */
export async function readDone(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  signal?: AbortSignal,
): Promise<DoneInfo | undefined> {
  let text: string;
  try {
    text = await (await store.getObject(doneKey(keys, turn), { signal })).text();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return parseDone(text);
}

/** A done marker's body; one that is not ours still ends the turn, with nothing else known. */
export function parseDone(text: string): DoneInfo {
  try {
    const d = JSON.parse(text) as Partial<DoneInfo>;
    return {
      floor: Number.isSafeInteger(d.floor) && (d.floor as number) >= 0 ? (d.floor as number) : 0,
      entered: d.entered === true,
      broken: d.broken === true,
      by: typeof d.by === 'string' ? d.by : '',
    };
  } catch {
    return { floor: 0, entered: false, broken: false, by: '' };
  }
}

/** Creates the done marker of turn `n`; resolves false when one exists already (412). */
export async function createDone(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  done: DoneInfo,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await store.putObject(doneKey(keys, turn), JSON.stringify(done), {
      ifNoneMatch: '*',
      contentType: 'application/json',
      signal,
    });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

/**
 * Takes back a done marker of ours for turn `n` if the turn itself is gone; call it once our marker
 * is written (or found to be ours). Resolves true when it was taken back.
 *
 * Why: a contender paused long enough can end its turn after a breaker did and after collection took
 * the turn and the breaker's marker; its create-only PUT then succeeds, and the marker sits below
 * where every later collection walk starts, for ever (K29 of issue 14).
 *
 * Why it is safe: our turn existed (we created it, or a HEAD or listing showed it), so a HEAD that
 * finds it gone means it was deleted, and only collection deletes a turn (or a reset, which deletes
 * everything) — once it is over, its done marker older than the retention, every turn below it over
 * too, and numbers are never created again. Nobody needs a marker of such a turn: a waiter finds the
 * turn gone by HEAD and counts it and everything below it over, exactly as after collection. The
 * marker at that key is ours (create-only: nobody else could write it while ours stood), or, if
 * collection took ours meanwhile, another marker of the same gone turn, needed no more than ours.
 * A HEAD that finds the turn still there leaves our marker: it is the turn's, and collection takes
 * the two together.
 */
export async function dropIfCollected(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if ((await headTurn(store, keys, turn, signal)) !== undefined) return false;
  try {
    await store.deleteObject(doneKey(keys, turn), { signal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return true;
}

/**
 * {@link createDone}, then {@link dropIfCollected} if the marker is ours: for writers that cannot
 * tell how long ago they last saw the turn running (a breaker, a ghost's or a late create's owner).
 * Resolves true when our marker was written and stays.
 */
export async function createDoneOfLiveTurn(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  done: DoneInfo,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!(await createDone(store, keys, turn, done, signal))) return false;
  return !(await dropIfCollected(store, keys, turn, signal));
}

/** Attempts of {@link ensureDone} at most (each with the session's own retries). */
export const DONE_ATTEMPTS = 8;

/**
 * Ends turn `n` with our done marker, trying again through failures that leave a create's fate
 * unknown (a reset, a timeout, a 5xx: it may have landed, or not) until `budgetMs` of `runtime.now()`
 * have passed or `signal` aborts. A turn left without its done marker blocks every later turn until
 * a waiter breaks it, a whole lease later, so a release must not give up after one ambiguous
 * answer; and the session does not resend a create-only PUT after one (a resent create can meet its
 * own first attempt). Here it is safe to: done markers are create-only and immutable, and every
 * marker for one turn tells the truth (the turn is over), so a retry that lands, or a first attempt
 * that landed late, changes nothing but who wrote it. A 412 may answer our own earlier attempt: the
 * marker's `by` tells.
 *
 * Resolves true when the turn's marker is ours (`done.by`), false when another contender's is
 * there (a breaker's); rejects with the last error when the budget ran out.
 */
export async function ensureDone(
  store: ObjectStore,
  keys: LockKeys,
  turn: number,
  done: DoneInfo,
  options: { runtime: LockRuntime; budgetMs: number; signal?: AbortSignal | undefined },
): Promise<boolean> {
  const { runtime, budgetMs, signal } = options;
  const started = runtime.now();
  for (let attempt = 1; ; attempt++) {
    try {
      if (await createDone(store, keys, turn, done, signal)) return true;
      // 412: a marker exists, perhaps from an earlier attempt of ours
      return (await readDone(store, keys, turn, signal))?.by === done.by;
    } catch (error) {
      if (!isRetryableError(error) || signal?.aborted) throw error;
      const waitMs = Math.min(1_000, 50 * 2 ** attempt) * (0.5 + runtime.random() / 2);
      if (attempt >= DONE_ATTEMPTS || runtime.now() - started + waitMs >= budgetMs) throw error;
      await runtime.sleep(waitMs, signal);
    }
  }
}

/** A turn as a listing shows it. */
export interface ListedTurn {
  mode: LockMode;
  lastModified: Date;
}

/**
 * Turns listed from number `from` up to and including `through` (the listing stops there), and the
 * numbers with a done marker listed in the same range (with the marker's timestamp). A listing is a
 * hint: a turn it omits may exist; a done marker it shows exists or existed, and either way the turn
 * is over.
 */
export async function listQueue(
  store: ObjectStore,
  keys: LockKeys,
  from: number,
  through: number,
  signal?: AbortSignal,
): Promise<{ turns: Map<number, ListedTurn>; done: Map<number, Date> }> {
  const startAfter = (key: (k: LockKeys, n: number) => string) =>
    from > 0 ? key(keys, from - 1) : undefined;
  const turns = new Map<number, ListedTurn>();
  const done = new Map<number, Date>();
  const [turnPage, donePage] = await Promise.all([
    collect(store, keys.turnPrefix, startAfter(turnKey), from, through, signal),
    collect(store, keys.donePrefix, startAfter(doneKey), from, through, signal),
  ]);
  for (const o of turnPage) {
    const n = parseTurnNumber(keys.turnPrefix, o.key);
    if (n !== undefined && n >= from && n <= through)
      turns.set(n, { mode: modeOfDigest(o.etag) ?? 'exclusive', lastModified: o.lastModified });
  }
  for (const o of donePage) {
    const n = parseTurnNumber(keys.donePrefix, o.key);
    if (n !== undefined && n >= from && n <= through) done.set(n, o.lastModified);
  }
  return { turns, done };
}

async function collect(
  store: ObjectStore,
  prefix: string,
  startAfter: string | undefined,
  from: number,
  through: number,
  signal: AbortSignal | undefined,
) {
  const out = [];
  // the numbers of interest fit in one page (and more are not wanted) unless the range is long
  const pageSize = Math.min(1000, Math.max(2, through - from + 2));
  for await (const o of store.listObjects({ prefix, startAfter, pageSize, signal })) {
    const n = parseTurnNumber(prefix, o.key);
    if (n !== undefined && n > through) break;
    out.push(o);
  }
  return out;
}
