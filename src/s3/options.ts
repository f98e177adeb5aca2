/**
 * `S3Session` options: their defaults, declared once, and their validation.
 *
 * @module
 */
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import { checkTransportOptions, resolveRetry } from '../http/client-options.js';
import type { RetryListener } from '../http/retry.js';
import { DEFAULT_RETRY, type RetryOptions } from '../http/retry-policy.js';
import type { TransportOptions } from '../http/transport.js';
import { describe, validateBucketName, validateNumber, validateOptions } from '../store/validate.js';
import { type Runtime, realRuntime } from '../util/runtime.js';
import type { CredentialsEvent } from './credentials/cache.js';
import type { CredentialsOption, CredentialsPlan } from './credentials/types.js';

/** Static credentials. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (STS). */
  sessionToken?: string | undefined;
}

/** The bucket's region was learned from the store's answer, and requests are signed for it from now on. */
export interface BucketRegionEvent {
  type: 'bucket-region';
  bucket: string;
  /** The region requests were signed for. */
  from: string;
  /** The bucket's region. */
  to: string;
  /** The store's error code that named it (`AuthorizationHeaderMalformed`, `PermanentRedirect`, …). */
  reason: string;
}

/** What a session reports through `onDebug`: credential fetches and refresh failures, region discovery. */
export type S3DebugEvent = CredentialsEvent | BucketRegionEvent;

/** Options of {@link S3Session}. */
export interface S3SessionOptions extends Partial<S3Credentials>, TransportOptions {
  /** The bucket every call of this session works on. */
  bucket: string;
  /**
   * Credentials: static ones, or a provider such as `fromNodeProviderChain()` from
   * `@aws-sdk/credential-providers`. Without them (and without `accessKeyId`), the default chain
   * finds them as the AWS SDKs do: environment, profile, web identity, container, EC2.
   */
  credentials?: CredentialsOption | undefined;
  /** The profile of the shared config files for the default chain (instead of `AWS_PROFILE`). */
  profile?: string | undefined;
  /**
   * Signing region. Without it: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else
   * `us-east-1`; a bucket elsewhere is discovered from the store's answer either way.
   */
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
  /** Told when credentials are fetched or a refresh fails, and when the bucket's region is discovered. */
  onDebug?: ((event: S3DebugEvent) => void) | undefined;
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
   * const s3 = new S3Session({ bucket, dispatcher: new ProxyAgent('http://proxy:3128') });
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
  'credentials',
  'profile',
  'onDebug',
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
  credentials: CredentialsPlan;
  bucket: string;
  /** The signing region to start with. */
  region: string;
  /** True when the region came from the options or the environment; else the profile's is looked up. */
  regionGiven: boolean;
  profile: string | undefined;
  onDebug: ((event: S3DebugEvent) => void) | undefined;
  endpoint: string | undefined;
  forcePathStyle: boolean | undefined;
  retry: RetryOptions;
  partSizeBytes: number;
  onRetry: RetryListener | undefined;
  transport: TransportOptions;
  dispatcher: Dispatcher | undefined;
  runtime: Runtime;
}

/**
 * Checks every option and fills in defaults; throws `ConfigError` naming the first bad one. `env`
 * is where the region is read when no option gives it.
 */
export function resolveS3Options(
  options: S3SessionOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedS3Options {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(`S3Session: options must be an object, got ${describe(options)}`);
  }
  validateOptions(options, KNOWN_OPTIONS, 'S3Session');
  const credentials = credentialsPlan(options);
  validateBucketName(options.bucket);
  const envRegion =
    typeof env === 'object' && env !== null ? env.AWS_REGION || env.AWS_DEFAULT_REGION : undefined;
  const region = options.region ?? envRegion ?? S3_DEFAULTS.region;
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
  const retry = resolveRetry(options.retry, DEFAULT_RETRY, 'S3Session');
  validateNumber(options.partSizeBytes, 'partSizeBytes', {
    min: MIN_PART_BYTES,
    max: MAX_PART_BYTES,
    integer: true,
  });
  checkTransportOptions(options);
  for (const name of ['onRetry', 'onDebug'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigError(`${name} must be a function`, name);
    }
  }
  validateDispatcher(options.dispatcher);
  validateRuntime(options.runtime);
  return {
    credentials,
    bucket: options.bucket,
    region,
    regionGiven: options.region !== undefined || Boolean(envRegion),
    profile: options.profile,
    onDebug: options.onDebug,
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

/**
 * Where the credentials come from: `credentials` (static or a provider), the key options, or the
 * default chain (with `profile`). Static ones are checked here, before any request.
 */
function credentialsPlan(options: S3SessionOptions): CredentialsPlan {
  const keys = options.accessKeyId !== undefined || options.secretAccessKey !== undefined;
  const given = options.credentials;
  if (options.profile !== undefined) {
    requireString(options.profile, 'profile');
    if (keys || given !== undefined) {
      throw new ConfigError(
        'profile chooses a profile for the default credentials chain; it cannot be combined with credentials or accessKeyId',
        'profile',
      );
    }
  }
  if (given !== undefined && (keys || options.sessionToken !== undefined)) {
    throw new ConfigError(
      'give credentials, or accessKeyId and secretAccessKey (with sessionToken), not both',
      'credentials',
    );
  }
  if (typeof given === 'function') return { kind: 'provider', provider: given };
  const fixed = given ?? (keys || options.sessionToken !== undefined ? options : undefined);
  if (fixed === undefined) return { kind: 'chain', profile: options.profile };
  const where = given === undefined ? '' : 'credentials.';
  if (typeof fixed !== 'object' || fixed === null) {
    throw new ConfigError(
      `credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function, got ${describe(fixed)}`,
      'credentials',
    );
  }
  requireString(fixed.accessKeyId, `${where}accessKeyId`);
  requireString(fixed.secretAccessKey, `${where}secretAccessKey`);
  if (fixed.sessionToken !== undefined) requireString(fixed.sessionToken, `${where}sessionToken`);
  const expiration = 'expiration' in fixed ? fixed.expiration : undefined;
  if (expiration !== undefined && !(expiration instanceof Date && Number.isFinite(expiration.getTime()))) {
    throw new ConfigError(`${where}expiration must be a valid Date`, `${where}expiration`);
  }
  return {
    kind: 'static',
    credentials: {
      accessKeyId: fixed.accessKeyId as string,
      secretAccessKey: fixed.secretAccessKey as string,
      sessionToken: fixed.sessionToken,
      expiration,
      source: { kind: 'options', description: 'the session options' },
    },
  };
}

function requireString(value: unknown, option: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${option} must be a non-empty string, got ${describe(value)}`, option);
  }
}

/**
 * The S3 endpoint the environment names, the way the AWS SDKs read it: `AWS_ENDPOINT_URL_S3`, else
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
 */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}
