/**
 * Turn 0 of a name: the marker that binds the name to the conditional strategy and carries the
 * settings every contender of the name must share.
 *
 * - `checkpointEvery` (K): turns `K, 2K, …` are never deleted; the frontier search relies on them,
 *   so every contender must use the same K.
 * - `retentionMs` (R): a done turn is deleted only once older than R, and a frontier value is
 *   trusted for at most R/4 (and a create for at most R/4 more), so the bound the safety argument
 *   needs, R > C + L, holds for every pair of contenders.
 * - `tokenBase`: fencing tokens are `tokenBase + turn`. A name that was used by the ticket strategy
 *   starts above its highest fencing token, plus a gap, so tokens keep rising across the switch.
 *
 * The marker is created once (create-only; a loser reads the winner's) and never deleted or
 * changed, so a process caches it for its life.
 *
 * @module
 */
import { ConfigError, isNotFound, PreconditionFailedError, ResponseError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { listFenceTokens } from '../fencing.js';
import { type LockKeys, turnKey } from '../names.js';

/** Settings of a name's turns, fixed by its marker. */
export interface TurnSettings {
  checkpointEvery: number;
  retentionMs: number;
  tokenBase: number;
}

/** Settings a contender proposes when it is the one that creates the marker. */
export interface TurnOptions {
  /** Turns kept for ever, one per this many (and the newest this many are never deleted). @default 1024 */
  checkpointEvery?: number | undefined;
  /**
   * A turn is deleted once it and its done marker are older than this; a quarter of it must exceed
   * any create's duration. @default 24 hours
   */
  retentionMs?: number | undefined;
}

export const TURN_DEFAULTS = Object.freeze({ checkpointEvery: 1024, retentionMs: 24 * 3600_000 });
/**
 * Smallest retention accepted. A quarter of the retention bounds how long a create may take to land,
 * retries included, so production names want minutes at least; the simulation uses seconds.
 */
export const MIN_RETENTION_MS = 1000;
/** Tokens skipped when a ticket-strategy name moves to turns (ticket acquisitions racing the switch). */
export const TOKEN_GAP = 1024;

const cache = new WeakMap<ObjectStore, Map<string, TurnSettings>>();

/** Reads the marker of `keys` (undefined when the name has none). Cached once found. */
export async function readMarker(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
  options: { fresh?: boolean } = {},
): Promise<TurnSettings | undefined> {
  const known = options.fresh ? undefined : cache.get(store)?.get(keys.name);
  if (known) return known;
  let text: string;
  try {
    text = await (await store.getObject(turnKey(keys, 0), { signal })).text();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const settings = parseMarker(keys, text);
  let names = cache.get(store);
  if (!names) {
    names = new Map();
    cache.set(store, names);
  }
  names.set(keys.name, settings);
  return settings;
}

/**
 * Reads the marker, creating it first if the name has none. `created` is true when this call
 * created it: the name then had no turn when the create was sent.
 */
export async function ensureMarker(
  store: ObjectStore,
  keys: LockKeys,
  proposed: Required<TurnOptions>,
  signal?: AbortSignal,
): Promise<TurnSettings & { created: boolean }> {
  const existing = await readMarker(store, keys, signal);
  if (existing) return { ...existing, created: false };
  const fences = await listFenceTokens(store, keys, signal);
  const highest = fences[fences.length - 1];
  const body = JSON.stringify({
    strategy: 'conditional',
    version: 1,
    checkpointEvery: proposed.checkpointEvery,
    retentionMs: proposed.retentionMs,
    tokenBase: highest === undefined ? 0 : highest + TOKEN_GAP,
  });
  let created = true;
  try {
    await store.putObject(turnKey(keys, 0), body, {
      ifNoneMatch: '*',
      contentType: 'application/json',
      signal,
    });
  } catch (error) {
    // another contender created it first; a retried create of ours may also have landed
    if (!(error instanceof PreconditionFailedError)) throw error;
    created = false;
  }
  const settings = await readMarker(store, keys, signal);
  if (!settings) {
    throw new ResponseError(`the marker of lock ${JSON.stringify(keys.name)} vanished after it was created`, {
      status: 404,
      method: 'GET',
    });
  }
  return { ...settings, created };
}

function parseMarker(keys: LockKeys, text: string): TurnSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const m = parsed as Partial<TurnSettings> & { strategy?: unknown };
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    m.strategy === 'conditional' &&
    Number.isSafeInteger(m.checkpointEvery) &&
    (m.checkpointEvery as number) >= 1 &&
    Number.isSafeInteger(m.retentionMs) &&
    (m.retentionMs as number) >= 1 &&
    Number.isSafeInteger(m.tokenBase) &&
    (m.tokenBase as number) >= 0;
  if (!valid) {
    throw new ResponseError(
      `${turnKey(keys, 0)} is not a conditional-strategy marker written by s3func; refusing to use lock ${JSON.stringify(keys.name)}`,
      { status: 200, method: 'GET' },
    );
  }
  return {
    checkpointEvery: m.checkpointEvery as number,
    retentionMs: m.retentionMs as number,
    tokenBase: m.tokenBase as number,
  };
}

/** Validates proposed turn settings and fills in defaults. */
export function resolveTurnOptions(options: TurnOptions | undefined, where: string): Required<TurnOptions> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ConfigError(`${where}: turns must be an object`, 'turns');
  }
  const checkpointEvery = options?.checkpointEvery ?? TURN_DEFAULTS.checkpointEvery;
  const retentionMs = options?.retentionMs ?? TURN_DEFAULTS.retentionMs;
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 2 || checkpointEvery > 1_000_000) {
    throw new ConfigError(`${where}: turns.checkpointEvery must be an integer from 2 to 1000000`, 'turns');
  }
  if (!Number.isSafeInteger(retentionMs) || retentionMs < MIN_RETENTION_MS) {
    throw new ConfigError(
      `${where}: turns.retentionMs must be an integer of at least ${MIN_RETENTION_MS}`,
      'turns',
    );
  }
  return { checkpointEvery, retentionMs };
}

/** Forgets the cached marker of `keys` (after a reset deleted it: see reset.ts). */
export function forgetMarker(store: ObjectStore, keys: LockKeys): void {
  cache.get(store)?.delete(keys.name);
}
