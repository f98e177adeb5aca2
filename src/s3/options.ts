/**
 * `S3Session` options: their defaults, declared once, and their validation.
 *
 * @module
 */
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import type { RetryListener } from '../http/retry.js';
import { DEFAULT_RETRY, type RetryOptions } from '../http/retry-policy.js';
import type { TransportOptions } from '../http/transport.js';
import { describe, validateBucketName, validateNumber, validateOptions } from '../store/validate.js';
import { type Runtime, realRuntime } from '../util/runtime.js';

/** Static credentials. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (STS). */
  sessionToken?: string | undefined;
}

/** Options of {@link S3Session}. */
export interface S3SessionOptions extends S3Credentials, TransportOptions {
  /** The bucket every call of this session works on. */
  bucket: string;
  /** Signing region. @default 'us-east-1' */
  region?: string | undefined;
  /** Base URL of an S3-compatible store (`https://…`); AWS's regional endpoint when omitted. */
  endpoint?: string | undefined;
  /** Bucket in the path rather than the host name. @default false on AWS, true with a custom `endpoint` */
  forcePathStyle?: boolean | undefined;
  /** Retry settings; see {@link RetryOptions}. */
  retry?: Partial<RetryOptions> | undefined;
  /**
   * Part size for streams of unknown length, which are uploaded in parts of this size (a stream that
   * fits in one part is sent with a single PUT). Memory held is about one part. @default 8 MiB
   */
  partSizeBytes?: number | undefined;
  /** Called before each retry, for metrics and tests. */
  onRetry?: RetryListener | undefined;
  /**
   * An undici `Dispatcher` to send every request through instead of the session's own connection
   * pool: a `ProxyAgent` for a proxy, a `MockAgent` in tests, a simulated store. It is told the
   * endpoint's origin with each request. The session never closes it (`close()` only stops the
   * session from sending more); the connection options (`maxConnections`, the timeouts) are then
   * the dispatcher's business.
   *
   * @example
   * ```ts
   * import { ProxyAgent } from 'undici';
   * const s3 = new S3Session({ bucket, accessKeyId, secretAccessKey, dispatcher: new ProxyAgent('http://proxy:3128') });
   * ```
   */
  dispatcher?: Dispatcher | undefined;
  /**
   * The clock, timers and random source the session uses: the wall clock it signs requests with
   * (and presigns URLs from), the waits between retries and their jitter. Same shape as a lock's
   * `runtime`; a simulation passes a virtual one. @default real time
   */
  runtime?: Runtime | undefined;
}

/** Defaults of S3Session, declared once. */
export const S3_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  partSizeBytes: 8 * 1024 * 1024,
});

/** S3's smallest allowed part, except the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest allowed part. */
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

const KNOWN_OPTIONS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'bucket',
  'region',
  'endpoint',
  'forcePathStyle',
  'retry',
  'partSizeBytes',
  'onRetry',
  'dispatcher',
  'runtime',
  'maxConnections',
  'connectTimeoutMs',
  'idleTimeoutMs',
  'keepAliveTimeoutMs',
] as const;

const REGION = /^[a-z0-9-]{1,64}$/;

/** Validated options with defaults filled in. */
export interface ResolvedS3Options {
  credentials: S3Credentials;
  bucket: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean | undefined;
  retry: RetryOptions;
  partSizeBytes: number;
  onRetry: RetryListener | undefined;
  transport: TransportOptions;
  dispatcher: Dispatcher | undefined;
  runtime: Runtime;
}

/** Checks every option and fills in defaults; throws `ConfigError` naming the first bad one. */
export function resolveS3Options(options: S3SessionOptions): ResolvedS3Options {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(`S3Session: options must be an object, got ${describe(options)}`);
  }
  validateOptions(options, KNOWN_OPTIONS, 'S3Session');
  requireString(options.accessKeyId, 'accessKeyId');
  requireString(options.secretAccessKey, 'secretAccessKey');
  if (options.sessionToken !== undefined) requireString(options.sessionToken, 'sessionToken');
  validateBucketName(options.bucket);
  const region = options.region ?? S3_DEFAULTS.region;
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw new ConfigError(
      `region must be lower-case letters, digits and hyphens, got ${describe(region)}`,
      'region',
    );
  }
  if (options.endpoint !== undefined && typeof options.endpoint !== 'string') {
    throw new ConfigError(`endpoint must be a URL string, got ${describe(options.endpoint)}`, 'endpoint');
  }
  if (options.forcePathStyle !== undefined && typeof options.forcePathStyle !== 'boolean') {
    throw new ConfigError('forcePathStyle must be a boolean', 'forcePathStyle');
  }
  validateOptions(options.retry, ['maxAttempts', 'baseDelayMs', 'maxDelayMs'], 'S3Session retry');
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  validateNumber(retry.maxAttempts, 'retry.maxAttempts', { min: 1, max: 100, integer: true });
  validateNumber(retry.baseDelayMs, 'retry.baseDelayMs');
  validateNumber(retry.maxDelayMs, 'retry.maxDelayMs');
  validateNumber(options.partSizeBytes, 'partSizeBytes', {
    min: MIN_PART_BYTES,
    max: MAX_PART_BYTES,
    integer: true,
  });
  validateNumber(options.maxConnections, 'maxConnections', { min: 1, max: 10_000, integer: true });
  validateNumber(options.connectTimeoutMs, 'connectTimeoutMs', { min: 1 });
  validateNumber(options.idleTimeoutMs, 'idleTimeoutMs', { min: 1 });
  validateNumber(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', { min: 1 });
  if (options.onRetry !== undefined && typeof options.onRetry !== 'function') {
    throw new ConfigError('onRetry must be a function', 'onRetry');
  }
  validateDispatcher(options.dispatcher);
  validateRuntime(options.runtime);
  return {
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
    },
    bucket: options.bucket,
    region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    retry,
    partSizeBytes: options.partSizeBytes ?? S3_DEFAULTS.partSizeBytes,
    onRetry: options.onRetry,
    transport: {
      maxConnections: options.maxConnections,
      connectTimeoutMs: options.connectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    },
    dispatcher: options.dispatcher,
    runtime: options.runtime ?? realRuntime,
  };
}

/** Throws unless `dispatcher` is undefined or has undici's `dispatch(options, handler)` method. */
function validateDispatcher(dispatcher: unknown): void {
  if (dispatcher === undefined) return;
  const dispatch =
    typeof dispatcher === 'object' && dispatcher !== null
      ? (dispatcher as { dispatch?: unknown }).dispatch
      : undefined;
  if (typeof dispatch !== 'function') {
    throw new ConfigError(
      `dispatcher must be an undici Dispatcher (an object with a dispatch method), got ${describe(dispatcher)}`,
      'dispatcher',
    );
  }
}

/** The methods a `Runtime` must have. */
const RUNTIME_METHODS = ['now', 'suspendAwareNow', 'wallNow', 'sleep', 'random'] as const;

/** Throws unless `runtime` is undefined or has every method of a `Runtime`, naming the first missing. */
function validateRuntime(runtime: unknown): void {
  if (runtime === undefined) return;
  if (typeof runtime !== 'object' || runtime === null) {
    throw new ConfigError(`runtime must be an object, got ${describe(runtime)}`, 'runtime');
  }
  for (const name of RUNTIME_METHODS) {
    if (typeof (runtime as Record<string, unknown>)[name] !== 'function') {
      throw new ConfigError(`runtime.${name} must be a function`, 'runtime');
    }
  }
}

/**
 * Throws unless `versionId` is undefined or a non-empty string. An empty id must not reach the store:
 * S3 and Ceph read `versionId=` as "no version", so an exact-version delete would become a plain one
 * (a delete marker on a versioned bucket).
 */
export function validateVersionId(versionId: unknown, option = 'versionId'): void {
  if (versionId === undefined) return;
  if (typeof versionId !== 'string' || versionId.length === 0) {
    throw new ConfigError(`${option} must be a non-empty string, got ${describe(versionId)}`, option);
  }
}

function requireString(value: unknown, option: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${option} must be a non-empty string, got ${describe(value)}`, option);
  }
}

/**
 * Options read from the standard AWS environment variables: `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (or `AWS_DEFAULT_REGION`) and
 * `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`).
 */
export function s3OptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<S3SessionOptions> {
  const out: Partial<S3SessionOptions> = {};
  const set = <K extends keyof S3SessionOptions>(key: K, value: S3SessionOptions[K] | undefined) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('accessKeyId', env.AWS_ACCESS_KEY_ID);
  set('secretAccessKey', env.AWS_SECRET_ACCESS_KEY);
  set('sessionToken', env.AWS_SESSION_TOKEN);
  set('region', env.AWS_REGION || env.AWS_DEFAULT_REGION);
  set('endpoint', env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return out;
}
