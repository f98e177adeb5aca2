/**
 * The one retry loop: abortable, jittered, capped, and only for failures the policy allows.
 *
 * @module
 */
import { RequestError } from '../errors.js';
import { sleep as realSleep, throwIfAborted } from '../util/abort.js';
import {
  isRetryable,
  type RequestSafety,
  type RetryOptions,
  retryAfterOf,
  retryDelayMs,
} from './retry-policy.js';

/** Observes retries, for tests and metrics. Never used for logging by the library itself. */
export type RetryListener = (event: { attempt: number; delayMs: number; error: unknown }) => void;

export interface RetryLoopOptions {
  retry: RetryOptions;
  safety: RequestSafety;
  signal?: AbortSignal | undefined;
  onRetry?: RetryListener | undefined;
  /** The jitter's random source. @default Math.random */
  random?: (() => number) | undefined;
  /** Waits between attempts (rejecting with the signal's reason on abort). @default real timers */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/**
 * Runs `attempt(n)` (n from 1) until it succeeds, fails with an error the policy does not retry,
 * or `maxAttempts` is reached. Waits between attempts are aborted by the signal, which then rejects
 * the whole call with its reason.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryLoopOptions,
): Promise<T> {
  for (let n = 1; ; n++) {
    throwIfAborted(options.signal);
    try {
      return await attempt(n);
    } catch (error) {
      throwIfAborted(options.signal);
      if (n >= options.retry.maxAttempts || !isRetryable(error, options.safety)) {
        if (error instanceof RequestError) error.attempts = n;
        throw error;
      }
      const delayMs = retryDelayMs(n, options.retry, retryAfterOf(error), options.random);
      options.onRetry?.({ attempt: n, delayMs, error });
      await (options.sleep ?? realSleep)(delayMs, options.signal);
    }
  }
}
