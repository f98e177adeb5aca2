/**
 * Lock options as the CLI takes them, and how waiting is described to people.
 *
 * @module
 */
import type { LockOptions, StrategyOption } from '../lock/defaults.js';
import type { TicketInfo } from '../lock/events.js';
import { formatDuration, parseDuration } from './durations.js';

/** `parseArgs` option definitions shared by lock commands. */
export const LOCK_ARG_OPTIONS = {
  shared: { type: 'boolean' },
  lease: { type: 'string' },
  timeout: { type: 'string' },
  settle: { type: 'string' },
  poll: { type: 'string' },
  strategy: { type: 'string' },
} as const;

export interface LockCliOptions {
  shared?: boolean | undefined;
  leaseMs?: number | undefined;
  timeoutMs?: number | undefined;
  settleDelayMs?: number | undefined;
  pollIntervalMs?: number | undefined;
  /** Checked by the library (a ConfigError, exit status 2). */
  strategy?: string | undefined;
}

/** Reads the lock options from parsed arguments (durations like `30s`). */
export function lockCliOptions(values: {
  shared?: boolean | undefined;
  lease?: string | undefined;
  timeout?: string | undefined;
  settle?: string | undefined;
  poll?: string | undefined;
  strategy?: string | undefined;
}): LockCliOptions {
  return {
    shared: values.shared,
    leaseMs: values.lease === undefined ? undefined : parseDuration(values.lease, '--lease'),
    timeoutMs: values.timeout === undefined ? undefined : parseDuration(values.timeout, '--timeout'),
    settleDelayMs: values.settle === undefined ? undefined : parseDuration(values.settle, '--settle'),
    pollIntervalMs: values.poll === undefined ? undefined : parseDuration(values.poll, '--poll'),
    strategy: values.strategy,
  };
}

/** The library's lock options for CLI options. */
export function lockOptionsFrom(options: LockCliOptions): LockOptions {
  return {
    mode: options.shared ? 'shared' : 'exclusive',
    leaseMs: options.leaseMs,
    timeoutMs: options.timeoutMs,
    settleDelayMs: options.settleDelayMs,
    pollIntervalMs: options.pollIntervalMs,
    strategy: options.strategy as StrategyOption | undefined,
  };
}

/** `a1b2c3d4e5f60 (exclusive, 4 m 10 s)` for each ticket we wait for. */
export function describeBlockers(blockers: TicketInfo[]): string {
  return blockers.map((b) => `${b.lockId} (${b.mode}, ${formatDuration(b.ageMs)})`).join(', ');
}
