/**
 * Object keys of a lock, compatible with Python s3func 0.9.x:
 * tickets `{name}.lock.{lockId}-0` and `-1` (nothing else may live under `{name}.lock.`), and our own
 * additions under sibling prefixes: leases `{name}.lease.{lockId}.{leaseMs}`, fencing `{name}.fence.{token}`,
 * and the conditional strategy's turns `{name}.turn.{n}` and their ends `{name}.done.{n}`.
 *
 * @module
 */
import { customAlphabet } from 'nanoid';
import { ConfigError } from '../errors.js';
import { MAX_KEY_BYTES, validateKey } from '../store/validate.js';

/** A lock id: 13 lowercase hex characters, as Python s3func's `uuid4().hex[:13]`. */
export const LOCK_ID_PATTERN = /^[0-9a-f]{13}$/;
const newId = customAlphabet('0123456789abcdef', 13);

/** A fresh random lock id. */
export function newLockId(): string {
  return newId();
}

/** Ticket sequence numbers: seq-0 is written first, seq-1 second; a ticket is complete when both exist. */
export type TicketSeq = 0 | 1;

/** Key prefixes of one lock name. */
export interface LockKeys {
  name: string;
  /** `{name}.lock.`: tickets only. */
  ticketPrefix: string;
  /** `{name}.lease.` */
  leasePrefix: string;
  /** `{name}.fence.` */
  fencePrefix: string;
  /** `{name}.turn.`: the conditional strategy's queue (turn 0 is the name's strategy marker). */
  turnPrefix: string;
  /** `{name}.done.`: one immutable object per turn that is over. */
  donePrefix: string;
}

/** Longest suffix we append to a lock name (`.fence.` plus 16 digits). */
const LONGEST_SUFFIX_BYTES = '.fence.'.length + 16;

/**
 * Checks a lock name and returns its key prefixes. The name is used as a key prefix, so it must be a
 * valid key leaving room for our suffixes, and must not contain `.lock.` (that would put another
 * lock's tickets under ours).
 */
export function lockKeys(name: string): LockKeys {
  validateKey(name, 'lock name');
  if (Buffer.byteLength(name) > MAX_KEY_BYTES - LONGEST_SUFFIX_BYTES) {
    throw new ConfigError(
      `lock name is longer than ${MAX_KEY_BYTES - LONGEST_SUFFIX_BYTES} UTF-8 bytes`,
      'name',
    );
  }
  for (const marker of ['.lock.', '.lease.', '.fence.', '.turn.', '.done.']) {
    if (name.includes(marker))
      throw new ConfigError(`lock name must not contain ${JSON.stringify(marker)}`, 'name');
  }
  return {
    name,
    ticketPrefix: `${name}.lock.`,
    leasePrefix: `${name}.lease.`,
    fencePrefix: `${name}.fence.`,
    turnPrefix: `${name}.turn.`,
    donePrefix: `${name}.done.`,
  };
}

/** Checks a lock id given by a caller (recovery). */
export function validateLockId(lockId: unknown): asserts lockId is string {
  if (typeof lockId !== 'string' || !LOCK_ID_PATTERN.test(lockId)) {
    throw new ConfigError('lockId must be 13 lowercase hex characters', 'lockId');
  }
}

export function ticketKey(keys: LockKeys, lockId: string, seq: TicketSeq): string {
  return `${keys.ticketPrefix}${lockId}-${seq}`;
}

/**
 * A contender's lease object. The lease duration is part of the key, so an observer learns how long
 * to wait from the listing alone, without reading the body.
 */
export function leaseKey(keys: LockKeys, lockId: string, leaseMs: number): string {
  return `${keys.leasePrefix}${lockId}.${leaseMs}`;
}

const LEASE_SUFFIX = /^([0-9a-f]{13})\.(\d{1,12})$/;

/** Parses `{lockId}.{leaseMs}` after the lease prefix; undefined for other keys. */
export function parseLeaseSuffix(suffix: string): { lockId: string; leaseMs: number } | undefined {
  const match = LEASE_SUFFIX.exec(suffix);
  if (!match) return undefined;
  return { lockId: match[1] as string, leaseMs: Number(match[2]) };
}

/** Fencing tokens are zero-padded so key order is numeric order. */
export const FENCE_DIGITS = 16;

export function fenceKey(keys: LockKeys, token: number): string {
  return `${keys.fencePrefix}${String(token).padStart(FENCE_DIGITS, '0')}`;
}

/** Parses `{lockId}-{seq}` after the ticket prefix; undefined for keys that are not tickets. */
export function parseTicketSuffix(suffix: string): { lockId: string; seq: TicketSeq } | undefined {
  if (suffix.length !== 15 || suffix[13] !== '-') return undefined;
  const lockId = suffix.slice(0, 13);
  const seq = suffix[14];
  if (!LOCK_ID_PATTERN.test(lockId) || (seq !== '0' && seq !== '1')) return undefined;
  return { lockId, seq: seq === '0' ? 0 : 1 };
}

/** Turn numbers are zero-padded like fencing tokens, so key order is numeric order. */
export function turnKey(keys: LockKeys, turn: number): string {
  return `${keys.turnPrefix}${String(turn).padStart(FENCE_DIGITS, '0')}`;
}

/** The object that says turn `turn` is over. */
export function doneKey(keys: LockKeys, turn: number): string {
  return `${keys.donePrefix}${String(turn).padStart(FENCE_DIGITS, '0')}`;
}

const TURN_SUFFIX = new RegExp(`^\\d{${FENCE_DIGITS}}$`);

/** The turn number of a key under `prefix` (the turn or done prefix); undefined for other keys. */
export function parseTurnNumber(prefix: string, key: string): number | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const suffix = key.slice(prefix.length);
  return TURN_SUFFIX.test(suffix) ? Number(suffix) : undefined;
}
