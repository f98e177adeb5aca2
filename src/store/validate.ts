/**
 * Input checks shared by every session. Each throws a `ConfigError` naming the argument, so bad
 * input fails before any request is sent.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { DeleteTarget, Metadata } from './types.js';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** S3's limit on user metadata: names and values together, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 2048;

/** A UTF-16 surrogate without its pair (String#isWellFormed is not in Node 20's TypeScript lib). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws unless `key` is a non-empty string of at most 1024 UTF-8 bytes that UTF-8 can represent. */
export function validateKey(key: unknown, option = 'key'): asserts key is string {
  if (typeof key !== 'string')
    throw new ConfigError(`${option} must be a string, got ${describe(key)}`, option);
  if (key.length === 0) throw new ConfigError(`${option} must not be empty`, option);
  if (LONE_SURROGATE.test(key)) {
    throw new ConfigError(`${option} contains a lone UTF-16 surrogate, which UTF-8 cannot carry`, option);
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new ConfigError(`${option} is ${bytes} UTF-8 bytes long; the limit is ${MAX_KEY_BYTES}`, option);
  }
}

/** Throws unless `prefix` is undefined or a string that could start a valid key (empty is allowed). */
export function validatePrefix(prefix: unknown, option = 'prefix'): void {
  if (prefix === undefined) return;
  if (typeof prefix !== 'string') {
    throw new ConfigError(`${option} must be a string, got ${describe(prefix)}`, option);
  }
  if (prefix.length > 0) validateKey(prefix, option);
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Prefixes and suffixes AWS reserves for its own bucket-like names. */
const RESERVED_BUCKET_AFFIXES = {
  prefixes: ['xn--', 'sthree-', 'amzn-s3-demo-'],
  suffixes: ['-s3alias', '--ol-s3', '.mrap', '--x-s3'],
};

/** Throws unless `bucket` follows the S3 bucket naming rules (which also cover Ceph, MinIO and R2). */
export function validateBucketName(bucket: unknown, option = 'bucket'): asserts bucket is string {
  if (typeof bucket !== 'string')
    throw new ConfigError(`${option} must be a string, got ${describe(bucket)}`, option);
  const problem = bucketNameProblem(bucket);
  if (problem)
    throw new ConfigError(
      `${option} ${JSON.stringify(bucket)} is not a valid bucket name: ${problem}`,
      option,
    );
}

function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'it must be 3 to 63 characters long';
  if (!BUCKET_NAME.test(bucket)) {
    return 'use only lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit';
  }
  if (bucket.includes('..')) return 'it must not contain two adjacent dots';
  if (bucket.includes('.-') || bucket.includes('-.')) return 'a dot must not be next to a hyphen';
  if (IP_ADDRESS.test(bucket)) return 'it must not look like an IP address';
  for (const p of RESERVED_BUCKET_AFFIXES.prefixes)
    if (bucket.startsWith(p)) return `the prefix ${p} is reserved`;
  for (const s of RESERVED_BUCKET_AFFIXES.suffixes)
    if (bucket.endsWith(s)) return `the suffix ${s} is reserved`;
  return undefined;
}

/** An HTTP token (RFC 9110), the characters a header name may hold. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Printable ASCII plus space and tab: what can be sent in a header and signed without encoding. */
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Throws unless every metadata name is a lower-case HTTP token and every value is printable ASCII.
 * Non-ASCII values are refused rather than silently mangled: S3 stores them inconsistently across
 * implementations. Encode them yourself (for example with `encodeURIComponent`) to store them.
 * `_` in names is refused unless `allowUnderscore` (B2 keeps it; Ceph RGW rewrites it to `-`).
 */
export function validateMetadata(
  metadata: unknown,
  option = 'metadata',
  { allowUnderscore = false }: { allowUnderscore?: boolean } = {},
): asserts metadata is Metadata {
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ConfigError(`${option} must be an object of string values, got ${describe(metadata)}`, option);
  }
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!allowUnderscore && name.includes('_')) {
      // Ceph RGW (and proxies that drop underscore headers, as nginx does by default) turn it into '-'
      throw new ConfigError(
        `${option} name ${JSON.stringify(name)} contains '_', which some stores rewrite to '-'; use '-' instead`,
        option,
      );
    }
    if (!HEADER_TOKEN.test(name)) {
      throw new ConfigError(
        `${option} name ${JSON.stringify(name)} must be lower-case letters, digits and - _ . (an HTTP header token)`,
        option,
      );
    }
    if (typeof value !== 'string') {
      throw new ConfigError(`${option}.${name} must be a string, got ${describe(value)}`, option);
    }
    if (!SAFE_HEADER_VALUE.test(value)) {
      throw new ConfigError(
        `${option}.${name} holds non-ASCII or control characters, which cannot be sent safely as a header; ` +
          'encode the value (for example with encodeURIComponent) before storing it',
        option,
      );
    }
    if (value !== value.trim()) {
      throw new ConfigError(
        `${option}.${name} has leading or trailing white space, which stores strip`,
        option,
      );
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new ConfigError(
      `${option} is ${bytes} bytes in all; S3 allows at most ${MAX_METADATA_BYTES}`,
      option,
    );
  }
}

/** Throws if `options` holds a property not in `allowed`: a misspelt option should not be ignored. */
export function validateOptions(options: unknown, allowed: readonly string[], where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      throw new ConfigError(
        `${where}: unknown option ${JSON.stringify(name)} (known: ${allowed.join(', ')})`,
        name,
      );
    }
  }
}

/** Throws unless `value` is undefined or a finite number >= `min` (an integer when `integer`). */
export function validateNumber(
  value: unknown,
  option: string,
  {
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${option} must be a finite number, got ${describe(value)}`, option);
  }
  if (integer && !Number.isInteger(value))
    throw new ConfigError(`${option} must be an integer, got ${value}`, option);
  if (value < min || value > max) {
    throw new ConfigError(`${option} must be between ${min} and ${max}, got ${value}`, option);
  }
}

/** Throws unless `value` is undefined or a string (header values, delimiters). */
export function validateOptionalString(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new ConfigError(`${option} must be a string, got ${describe(value)}`, option);
  }
}

/** Throws unless `signal` is undefined or an `AbortSignal`. */
export function validateSignal(signal: unknown, option = 'signal'): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigError(`${option} must be an AbortSignal, got ${describe(signal)}`, option);
  }
}

/** Short description of a value for error messages, never its full content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * The targets of a `deleteObjects` call as `{ key, versionId }`, checked for shape: an iterable of
 * keys or `{ key, versionId }` objects with no other properties. Keys and version ids themselves are
 * left to the caller's own checks (they differ between stores).
 */
export function deleteTargets(targets: unknown): { key: string; versionId: string | undefined }[] {
  if (targets === null || typeof targets !== 'object' || !(Symbol.iterator in targets)) {
    throw new ConfigError('deleteObjects: keys must be an iterable of keys or { key, versionId }', 'keys');
  }
  return [...(targets as Iterable<unknown>)].map((t) => {
    if (typeof t === 'string') return { key: t, versionId: undefined };
    if (t === null || typeof t !== 'object') return { key: t as string, versionId: undefined };
    validateOptions(t, ['key', 'versionId'], 'deleteObjects target');
    const { key, versionId } = t as Exclude<DeleteTarget, string>;
    return { key, versionId };
  });
}
