/**
 * The per-call options every session accepts, and the rules they share: declared once, so that a
 * call refused by one session (`S3Session`, `B2Session`, the embedded stores) is refused the same
 * way, with the same message, by every other.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { GetObjectOptions } from './types.js';
import { validateNumber, validateOptions } from './validate.js';

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

/** An inclusive byte range, validated, with `end` still open when the caller left it open. */
export interface ByteRange {
  start: number;
  end: number | undefined;
}

/** Validates `getObject`'s `range`: integers, `start` given, `end` (inclusive) not below it. */
export function checkRange(range: GetObjectOptions['range']): ByteRange | undefined {
  if (range === undefined) return undefined;
  validateOptions(range, ['start', 'end'], 'getObject range');
  validateNumber(range.start, 'range.start', { integer: true });
  validateNumber(range.end, 'range.end', { min: range.start, integer: true });
  if (range.start === undefined) throw new ConfigError('range.start is required', 'range');
  return { start: range.start, end: range.end };
}

/** The HTTP `Range` header for `range` (validated), or undefined for the whole object. */
export function rangeHeader(range: GetObjectOptions['range']): string | undefined {
  const checked = checkRange(range);
  return checked === undefined ? undefined : `bytes=${checked.start}-${checked.end ?? ''}`;
}
