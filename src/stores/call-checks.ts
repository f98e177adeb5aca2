/**
 * Argument checks of the embedded stores' object calls: the same option lists and rules as
 * `S3Session`, so a call that fails on one session fails the same way on every other.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { GetObjectOptions } from '../store/types.js';
import { describe, validateNumber, validateOptions } from '../store/validate.js';

export const PUT_OPTIONS = [
  'metadata',
  'contentType',
  'ifNoneMatch',
  'ifMatch',
  'contentLength',
  'signal',
] as const;
export const GET_OPTIONS = ['range', 'versionId', 'ifMatch', 'signal'] as const;
export const LIST_OPTIONS = ['prefix', 'delimiter', 'startAfter', 'pageSize', 'signal'] as const;
export const LIST_VERSIONS_OPTIONS = ['prefix', 'delimiter', 'pageSize', 'signal'] as const;
export const COPY_OPTIONS = ['metadata', 'contentType', 'sourceVersionId', 'signal'] as const;
export const DELETE_OPTIONS = ['versionId', 'signal'] as const;

/** Keys per listing page, as S3 (`max-keys`): the default and the most a page holds. */
export const PAGE_LIMIT = 1000;
/** What S3 stores when a put names no content type. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** An inclusive byte range, validated, with `end` still open when the caller left it open. */
export interface ByteRange {
  start: number;
  end: number | undefined;
}

/** Validates `getObject`'s `range` as `S3Session` does. */
export function checkRange(range: GetObjectOptions['range']): ByteRange | undefined {
  if (range === undefined) return undefined;
  validateOptions(range, ['start', 'end'], 'getObject range');
  validateNumber(range.start, 'range.start', { integer: true });
  validateNumber(range.end, 'range.end', { min: range.start, integer: true });
  if (range.start === undefined) throw new ConfigError('range.start is required', 'range');
  return { start: range.start, end: range.end };
}

/**
 * Throws unless `value` is undefined or a string. The embedded stores keep what they are given, so a
 * number where a string belongs would come back as a number; S3Session would send it as text.
 */
export function checkOptionalString(value: unknown, option: string): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new ConfigError(`${option} must be a string, got ${describe(value)}`, option);
  }
}

/** Strips the quotes an ETag may be given with (`"abc"` and `abc` name the same ETag, as in S3). */
export function bareEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/**
 * Whether a put's conditions allow writing over `currentEtag` (undefined: no current object).
 * `ifNoneMatch: '*'` needs no object; `ifNoneMatch: etag` any object but that one; `ifMatch` that one.
 * Returns the failure: 'precondition' (412) or 'missing' (404, S3's answer to `ifMatch` on no object).
 */
export function putConditionFailure(
  currentEtag: string | undefined,
  conditions: { ifNoneMatch?: string | undefined; ifMatch?: string | undefined },
): 'precondition' | 'missing' | undefined {
  const { ifNoneMatch, ifMatch } = conditions;
  if (ifNoneMatch !== undefined && currentEtag !== undefined) {
    if (ifNoneMatch === '*' || bareEtag(ifNoneMatch) === currentEtag) return 'precondition';
  }
  if (ifMatch !== undefined) {
    if (currentEtag === undefined) return 'missing';
    if (ifMatch !== '*' && bareEtag(ifMatch) !== currentEtag) return 'precondition';
  }
  return undefined;
}
