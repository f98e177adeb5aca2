/**
 * `B2Session` options: their defaults, declared once, and their validation.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { checkTransportOptions, resolveRetry } from '../http/client-options.js';
import type { RetryListener } from '../http/retry.js';
import { DEFAULT_RETRY, type RetryOptions } from '../http/retry-policy.js';
import type { TransportOptions } from '../http/transport.js';
import { describe, validateNumber, validateOptions } from '../store/validate.js';
import { validateB2BucketName } from './names.js';

/** Options of {@link B2Session}. */
export interface B2SessionOptions extends TransportOptions {
  /** The application key's id (or the account id for the master key). */
  applicationKeyId: string;
  /** The application key itself. */
  applicationKey: string;
  /** Name of the bucket every call of this session works on. */
  bucket: string;
  /**
   * Base URL that `b2_authorize_account` is called on; every other URL comes from its answer.
   * @default 'https://api.backblazeb2.com'
   */
  endpoint?: string | undefined;
  /** Retry settings; see {@link RetryOptions}. @default { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10000 } */
  retry?: Partial<RetryOptions> | undefined;
  /**
   * Streams of unknown length are read in parts of this size: one part is uploaded with
   * `b2_upload_file`, more become a large file (`b2_start_large_file`). Memory held is about one
   * part. At least B2's minimum part size of 5 MB. @default 16 MiB
   */
  partSizeBytes?: number | undefined;
  /** Most deletes in flight at once in `deleteObjects` (B2 has no bulk delete). @default 16 */
  deleteConcurrency?: number | undefined;
  /** Called before each retry, for metrics and tests. */
  onRetry?: RetryListener | undefined;
}

/** Defaults of B2Session, declared once. */
export const B2_DEFAULTS = Object.freeze({
  endpoint: 'https://api.backblazeb2.com',
  /** Backblaze's uploading guide: "try five different upload URLs before reporting an error". */
  retry: Object.freeze({ ...DEFAULT_RETRY, maxAttempts: 5 }),
  partSizeBytes: 16 * 1024 * 1024,
  deleteConcurrency: 16,
});

/** B2's `absoluteMinimumPartSize` for large files (all parts but the last), in bytes. */
export const MIN_PART_BYTES = 5_000_000;
/** B2's largest part, and largest `b2_upload_file` body: 5 GB. */
export const MAX_PART_BYTES = 5_000_000_000;

const KNOWN_OPTIONS = [
  'applicationKeyId',
  'applicationKey',
  'bucket',
  'endpoint',
  'retry',
  'partSizeBytes',
  'deleteConcurrency',
  'onRetry',
  'maxConnections',
  'connectTimeoutMs',
  'idleTimeoutMs',
  'keepAliveTimeoutMs',
] as const;

/** Validated options with defaults filled in. */
export interface ResolvedB2Options {
  applicationKeyId: string;
  applicationKey: string;
  bucket: string;
  /** Origin plus path, no trailing slash. */
  endpoint: string;
  retry: RetryOptions;
  partSizeBytes: number;
  deleteConcurrency: number;
  onRetry: RetryListener | undefined;
  transport: TransportOptions;
}

/** Checks every option and fills in defaults; throws `ConfigError` naming the first bad one. */
export function resolveB2Options(options: B2SessionOptions): ResolvedB2Options {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(`B2Session: options must be an object, got ${describe(options)}`);
  }
  validateOptions(options, KNOWN_OPTIONS, 'B2Session');
  requireString(options.applicationKeyId, 'applicationKeyId');
  requireString(options.applicationKey, 'applicationKey');
  validateB2BucketName(options.bucket);
  const retry = resolveRetry(options.retry, B2_DEFAULTS.retry, 'B2Session');
  validateNumber(options.partSizeBytes, 'partSizeBytes', {
    min: MIN_PART_BYTES,
    max: MAX_PART_BYTES,
    integer: true,
  });
  validateNumber(options.deleteConcurrency, 'deleteConcurrency', { min: 1, max: 1000, integer: true });
  checkTransportOptions(options);
  if (options.onRetry !== undefined && typeof options.onRetry !== 'function') {
    throw new ConfigError('onRetry must be a function', 'onRetry');
  }
  return {
    applicationKeyId: options.applicationKeyId,
    applicationKey: options.applicationKey,
    bucket: options.bucket,
    endpoint: resolveEndpoint(options.endpoint ?? B2_DEFAULTS.endpoint),
    retry,
    partSizeBytes: options.partSizeBytes ?? B2_DEFAULTS.partSizeBytes,
    deleteConcurrency: options.deleteConcurrency ?? B2_DEFAULTS.deleteConcurrency,
    onRetry: options.onRetry,
    transport: {
      maxConnections: options.maxConnections,
      connectTimeoutMs: options.connectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    },
  };
}

function resolveEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== 'string') {
    throw new ConfigError(`endpoint must be a URL string, got ${describe(endpoint)}`, 'endpoint');
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`endpoint ${JSON.stringify(endpoint)} is not a URL`, 'endpoint');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new ConfigError(
      `endpoint must be an http(s) URL without query, fragment or credentials, got ${JSON.stringify(endpoint)}`,
      'endpoint',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function requireString(value: unknown, option: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${option} must be a non-empty string, got ${describe(value)}`, option);
  }
}

/**
 * Options read from the environment variables Backblaze's own tools use: `B2_APPLICATION_KEY_ID`
 * and `B2_APPLICATION_KEY`.
 */
export function b2OptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<B2SessionOptions> {
  const out: Partial<B2SessionOptions> = {};
  if (env.B2_APPLICATION_KEY_ID) out.applicationKeyId = env.B2_APPLICATION_KEY_ID;
  if (env.B2_APPLICATION_KEY) out.applicationKey = env.B2_APPLICATION_KEY;
  return out;
}
