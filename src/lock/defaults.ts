/**
 * Lock options, their defaults (declared once), and their validation.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { describe, validateNumber, validateOptions, validateSignal } from '../store/validate.js';
import { resolveTurnOptions, type TurnOptions } from './conditional/marker.js';
import { validateLockId } from './names.js';
import { type LockRuntime, realRuntime } from './runtime.js';
import type { LockMode } from './ticket.js';

/**
 * How contenders are ordered. `ticket`: the listing election, on any store, compatible with Python
 * s3func. `conditional`: turns taken with create-only writes, for stores whose `If-None-Match: *` is
 * atomic (qualified by a short race, once per bucket and process); no settle delay, FIFO.
 * `auto`: `conditional` where the store qualifies and the name is not in use by tickets, else `ticket`.
 */
export type StrategyOption = 'ticket' | 'conditional' | 'auto';

/** Options of a lock. Durations in milliseconds. */
export interface LockOptions {
  /** The lock strategy (see {@link StrategyOption}). All contenders of a name must use the same one. @default 'ticket' */
  strategy?: StrategyOption | undefined;
  /**
   * Conditional strategy: skip the qualification race and trust the store's create-only writes to
   * be atomic (for stores you qualified yourself with `s3func probe`). @default false
   */
  trustConditionalWrites?: boolean | undefined;
  /**
   * Conditional strategy: settings proposed for the name's turns, used only by the contender that
   * creates the name's marker (every later contender uses the marker's).
   */
  turns?: TurnOptions | undefined;
  /** `exclusive` excludes everyone; `shared` holders coexist and exclude only exclusive ones. @default 'exclusive' */
  mode?: LockMode | undefined;
  /** Lease duration: a contender whose lease object stays unchanged this long may be broken. @default 30000 */
  leaseMs?: number | undefined;
  /**
   * How long before others could break us we consider the lock lost when renewals fail. Must cover
   * listing staleness plus clock-rate drift over a lease. @default leaseMs / 5
   */
  leaseMarginMs?: number | undefined;
  /**
   * Wait between the winning listing and the confirming one. Must be at least
   * `(granularity + 2·skew + write latency + listing staleness) · (1 + drift)` for the store
   * (docs/guarantees.md); `s3func probe` measures and recommends it. The default is twice the whole-second
   * granularity of AWS S3 and B2 listings; stores with millisecond timestamps can use far less.
   * @default 2000
   */
  settleDelayMs?: number | undefined;
  /** Listing interval while waiting (jittered by ±20%). @default 1000 */
  pollIntervalMs?: number | undefined;
  /** How long to wait for our own ticket to show in listings before distrusting the store. @default 30000 */
  visibilityTimeoutMs?: number | undefined;
  /** Give up acquiring after this long (`await session.lock()` and `withLock` then throw `LockTimeoutError`). @default unlimited */
  timeoutMs?: number | undefined;
  /** Recover an existing ticket by its id (13 hex characters) instead of writing a new one. */
  lockId?: string | undefined;
  /** Break waiting-for tickets whose lease expired. @default true */
  breakExpired?: boolean | undefined;
  /** Release on SIGINT/SIGTERM/SIGHUP and `beforeExit` while held. @default true */
  cleanupOnExit?: boolean | undefined;
  /** Describes the holder in its lease object (shown by `lock status`). @default `${hostname}:${pid}` */
  owner?: string | undefined;
  /**
   * A JSON value published in this contender's lease object (at most 1 KiB serialised), readable by
   * others through `holders({ readOwners: true })` and elections' `leader()`.
   */
  value?: unknown;
  /** Clock, timers and randomness; the simulation passes a virtual one. @default real time */
  runtime?: LockRuntime | undefined;
}

/** Options of one `acquire` call. */
export interface AcquireOptions {
  /** Wait for the lock (true) or give up at the first sign of contention (false). @default true */
  blocking?: boolean | undefined;
  /** Give up after this long; `acquire` then resolves to false. @default the lock's `timeoutMs` */
  timeoutMs?: number | undefined;
  /** Aborts the attempt; `acquire` then rejects with the signal's reason and leaves nothing behind. */
  signal?: AbortSignal | undefined;
}

/** Defaults, declared once. */
export const LOCK_DEFAULTS = Object.freeze({
  mode: 'exclusive' as LockMode,
  leaseMs: 30_000,
  settleDelayMs: 2_000,
  pollIntervalMs: 1_000,
  visibilityTimeoutMs: 30_000,
  /** Age beyond which `breakOtherLocks` deletes a ticket by default: tickets carry session start, not activity. */
  breakAgeMs: 2 * 60 * 60 * 1000,
  /** Upper bound on release work when the process is exiting. */
  exitCleanupMs: 5_000,
});

/** Fraction of the lease kept as safety margin by default. */
const DEFAULT_MARGIN_FRACTION = 1 / 5;

export interface ResolvedLockOptions {
  strategy: StrategyOption;
  trustConditionalWrites: boolean;
  turns: Required<TurnOptions>;
  mode: LockMode;
  leaseMs: number;
  leaseMarginMs: number;
  settleDelayMs: number;
  pollIntervalMs: number;
  visibilityTimeoutMs: number;
  timeoutMs: number | undefined;
  lockId: string | undefined;
  breakExpired: boolean;
  cleanupOnExit: boolean;
  owner: string | undefined;
  value: unknown;
  runtime: LockRuntime;
}

const KNOWN = [
  'strategy',
  'trustConditionalWrites',
  'turns',
  'mode',
  'leaseMs',
  'leaseMarginMs',
  'settleDelayMs',
  'pollIntervalMs',
  'visibilityTimeoutMs',
  'timeoutMs',
  'lockId',
  'breakExpired',
  'cleanupOnExit',
  'owner',
  'value',
  'runtime',
] as const;

/** Validates lock options and fills in defaults. */
export function resolveLockOptions(options: LockOptions = {}, where = 'lock'): ResolvedLockOptions {
  validateOptions(options, KNOWN, where);
  const mode = options.mode ?? LOCK_DEFAULTS.mode;
  if (mode !== 'exclusive' && mode !== 'shared') {
    throw new ConfigError(`${where}: mode must be 'exclusive' or 'shared', got ${describe(mode)}`, 'mode');
  }
  validateNumber(options.leaseMs, 'leaseMs', { min: 100, max: 24 * 3600_000 });
  const leaseMs = options.leaseMs ?? LOCK_DEFAULTS.leaseMs;
  // above half the lease, renewals could not be trusted long enough to keep an idle lock (K6)
  validateNumber(options.leaseMarginMs, 'leaseMarginMs', { min: 0, max: leaseMs / 2 });
  validateNumber(options.settleDelayMs, 'settleDelayMs');
  validateNumber(options.pollIntervalMs, 'pollIntervalMs', { min: 1 });
  validateNumber(options.visibilityTimeoutMs, 'visibilityTimeoutMs', { min: 1 });
  validateNumber(options.timeoutMs, 'timeoutMs');
  const strategy = options.strategy ?? 'ticket';
  if (strategy !== 'ticket' && strategy !== 'conditional' && strategy !== 'auto') {
    throw new ConfigError(
      `${where}: strategy must be 'ticket', 'conditional' or 'auto', got ${describe(strategy)}`,
      'strategy',
    );
  }
  if (options.lockId !== undefined) {
    validateLockId(options.lockId);
    if (strategy !== 'ticket') {
      throw new ConfigError(`${where}: lockId (recovering a ticket) needs strategy 'ticket'`, 'lockId');
    }
  }
  for (const flag of ['breakExpired', 'cleanupOnExit', 'trustConditionalWrites'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new ConfigError(`${where}: ${flag} must be a boolean`, flag);
    }
  }
  if (options.owner !== undefined && typeof options.owner !== 'string') {
    throw new ConfigError(`${where}: owner must be a string`, 'owner');
  }
  return {
    strategy,
    trustConditionalWrites: options.trustConditionalWrites ?? false,
    turns: resolveTurnOptions(options.turns, where),
    mode,
    leaseMs,
    leaseMarginMs: options.leaseMarginMs ?? Math.round(leaseMs * DEFAULT_MARGIN_FRACTION),
    settleDelayMs: options.settleDelayMs ?? LOCK_DEFAULTS.settleDelayMs,
    pollIntervalMs: options.pollIntervalMs ?? LOCK_DEFAULTS.pollIntervalMs,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? LOCK_DEFAULTS.visibilityTimeoutMs,
    timeoutMs: options.timeoutMs,
    lockId: options.lockId,
    breakExpired: options.breakExpired ?? true,
    cleanupOnExit: options.cleanupOnExit ?? true,
    owner: options.owner,
    value: checkValue(options.value, where),
    runtime: options.runtime ?? realRuntime,
  };
}

/** Validates one acquire call's options. */
export function validateAcquireOptions(options: AcquireOptions): void {
  validateOptions(options, ['blocking', 'timeoutMs', 'signal'], 'acquire');
  if (options.blocking !== undefined && typeof options.blocking !== 'boolean') {
    throw new ConfigError('acquire: blocking must be a boolean', 'blocking');
  }
  validateNumber(options.timeoutMs, 'timeoutMs');
  validateSignal(options.signal);
}

/** Largest published value, serialised: lease objects are rewritten every `leaseMs / 3`. */
export const MAX_VALUE_BYTES = 1024;

function checkValue(value: unknown, where: string): unknown {
  if (value === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new ConfigError(`${where}: value must be JSON-serialisable (${String(error)})`, 'value');
  }
  if (json === undefined) throw new ConfigError(`${where}: value must be JSON-serialisable`, 'value');
  if (Buffer.byteLength(json) > MAX_VALUE_BYTES) {
    throw new ConfigError(
      `${where}: value is ${Buffer.byteLength(json)} bytes as JSON; at most ${MAX_VALUE_BYTES}`,
      'value',
    );
  }
  return value;
}
