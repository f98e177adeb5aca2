/**
 * The client options S3 and B2 sessions share, checked once: retries and the connection pool.
 *
 * @module
 */
import { validateNumber, validateOptions } from '../store/validate.js';
import type { RetryOptions } from './retry-policy.js';
import type { TransportOptions } from './transport.js';

/** Checks a session's `retry` option and fills in `defaults`; `where` names the session. */
export function resolveRetry(
  retry: Partial<RetryOptions> | undefined,
  defaults: Readonly<RetryOptions>,
  where: string,
): RetryOptions {
  validateOptions(retry, ['maxAttempts', 'baseDelayMs', 'maxDelayMs'], `${where} retry`);
  const resolved = { ...defaults, ...retry };
  validateNumber(resolved.maxAttempts, 'retry.maxAttempts', { min: 1, max: 100, integer: true });
  validateNumber(resolved.baseDelayMs, 'retry.baseDelayMs');
  validateNumber(resolved.maxDelayMs, 'retry.maxDelayMs');
  return resolved;
}

/** Checks a session's connection-pool options (each optional; the transport fills in defaults). */
export function checkTransportOptions(options: TransportOptions): void {
  validateNumber(options.maxConnections, 'maxConnections', { min: 1, max: 10_000, integer: true });
  validateNumber(options.connectTimeoutMs, 'connectTimeoutMs', { min: 1 });
  validateNumber(options.idleTimeoutMs, 'idleTimeoutMs', { min: 1 });
  validateNumber(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', { min: 1 });
}
