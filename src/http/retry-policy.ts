/**
 * The retry policy as pure functions: which failures are worth another attempt, and how long to
 * wait before it. The loop that applies it lives in `retry.ts`.
 *
 * @module
 */
import { B2Error, CredentialsError, NetworkError, RequestError, S3Error, TimeoutError } from '../errors.js';

/** How a client retries. */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 disables retries. @default 4 */
  maxAttempts: number;
  /** Upper bound of the first backoff; doubles per attempt (full jitter). @default 100 */
  baseDelayMs: number;
  /** Cap on any single wait, `Retry-After` included. @default 10000 */
  maxDelayMs: number;
}

/** Defaults declared once. */
export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
});

/**
 * `idempotent`: sending the request twice has the effect of sending it once (GET, HEAD, PUT of a
 * whole object, DELETE of a version). `unsafe`: it may not (POSTs, conditional creates whose second
 * attempt would report a false conflict); these are resent only when the first attempt certainly
 * did not take effect.
 */
export type RequestSafety = 'idempotent' | 'unsafe';

/** S3 error codes that mean "try again", whatever their status. */
const RETRYABLE_S3_CODES: ReadonlySet<string> = new Set([
  'SlowDown',
  'RequestTimeout', // 400: the server gave up reading our body; resending is the documented remedy
  'InternalError',
  'ServiceUnavailable',
  'ConditionalRequestConflict', // 409: a concurrent conditional write was in flight
  'RequestTimeTooSkewed', // transient when our clock was adjusted between signing and sending
]);

/** Statuses that mean the server refused before doing anything, so even unsafe requests may be resent. */
const NOT_APPLIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/**
 * S3 codes that mean the request was refused without effect, so even unsafe requests may be resent:
 * AWS answers a conditional write that met a concurrent one with 409 ConditionalRequestConflict and
 * documents "on a 409 failure you should retry" (a second attempt is then judged afresh: 200 or 412).
 */
const NOT_APPLIED_S3_CODES: ReadonlySet<string> = new Set(['SlowDown', 'ConditionalRequestConflict']);

/** True when `error` is worth another attempt of a request of the given safety. */
export function isRetryable(error: unknown, safety: RequestSafety): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return safety === 'idempotent' || !error.sent;
  }
  if (error instanceof S3Error) {
    if (safety === 'unsafe')
      return NOT_APPLIED_STATUSES.has(error.status) || NOT_APPLIED_S3_CODES.has(error.s3Code);
    return error.retryable || RETRYABLE_S3_CODES.has(error.s3Code);
  }
  // credentials that could not be fetched for a transient reason: the request itself was never sent
  if (error instanceof CredentialsError) return error.retryable;
  if (error instanceof B2Error) {
    return safety === 'idempotent' ? error.retryable : NOT_APPLIED_STATUSES.has(error.status);
  }
  return false;
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, after `attempt` attempts failed: full jitter
 * over an exponentially growing window, or the server's `Retry-After` when it said more; never more
 * than `maxDelayMs`.
 */
export function retryDelayMs(
  attempt: number,
  options: RetryOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const window = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * window);
  const wanted = retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
  return Math.min(options.maxDelayMs, wanted);
}

/**
 * An HTTP date in any of its three forms (IMF-fixdate, RFC 850, asctime) starts with a day name and
 * holds a time. Checked before `Date.parse`, which reads almost anything as a date ("1.5" is
 * 2001-01-05, "-5" the year -5), so a malformed value would otherwise mean "retry now".
 */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? .*\b\d{2}:\d{2}:\d{2}\b/;

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`; `undefined`
 * for anything else. Fractional seconds, which HTTP does not allow but some servers send, are read
 * as what they say.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The server's requested wait carried by an error, if any. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof RequestError ? error.retryAfterMs : undefined;
}
