/**
 * Argument checks of the embedded stores' object calls beyond the shared ones of
 * `store/call-options.ts`: what S3 would check on the server, checked here before anything is kept.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { describe } from '../store/validate.js';

/** Keys per listing page, as S3 (`max-keys`): the default and the most a page holds. */
export const PAGE_LIMIT = 1000;
/** What S3 stores when a put names no content type. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

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
