/**
 * Typed values out of element text: timestamps, sizes, booleans, ETags and url-encoded keys. Each
 * rejects what it cannot read exactly, with a `ResponseError` naming the field.
 *
 * @module
 */
import { malformed, type ResolvedContext } from './context.js';

/**
 * ISO 8601 as S3 stores write it: `2009-10-12T17:50:30.000Z`. The fraction is optional (Ceph's PUT
 * responses carry none) and so is the zone: the CopyObject example in the AWS reference has none, and
 * S3 times are UTC.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses an S3 timestamp; rejects anything that is not a real instant (`2024-02-30`, `25:00`). */
export function parseTimestamp(text: string, field: string, context: ResolvedContext): Date {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null)
    throw malformed(context, `${field} is not an ISO 8601 timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Milliseconds are all a Date holds; finer digits (some stores send microseconds) are truncated.
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw malformed(context, `${field} is not a valid date: ${JSON.stringify(text)}`);
  }
  return new Date(utc - zoneOffsetMs(zone));
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Parses a size or count: a non-negative integer that a `number` holds exactly. */
export function parseNonNegativeInteger(text: string, field: string, context: ResolvedContext): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
    throw malformed(context, `${field} is not a non-negative integer: ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses `true` or `false` (any case, as some stores capitalise). */
export function parseBoolean(text: string, field: string, context: ResolvedContext): boolean {
  const value = text.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw malformed(context, `${field} is not true or false: ${JSON.stringify(text)}`);
}

/**
 * An ETag without its quotes. AWS writes `"…"` (sometimes as `&quot;…&quot;`, already decoded here);
 * Ceph's CopyObject result writes it bare. Both give the same value.
 */
export function unquoteEtag(text: string): string {
  const trimmed = text.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/**
 * Undoes `encoding-type=url`. What the stores do, measured or read from their source:
 * - AWS S3 writes a space as `+` and a literal `+` as `%2B` (form encoding, `/` left as is);
 *   botocore decodes with `unquote_plus` accordingly.
 * - Ceph RGW (16.2.15, measured) writes a space as `%20`, a `+` as `%2B`, and in `<Key>` also `/` as
 *   `%2F`; `'` stays literal (as `&apos;`).
 * - MinIO writes a space as `+` and a `+` as `%2B`.
 * A literal `+` is therefore never sent unencoded, and reading `+` as a space is safe for all three.
 *
 * @throws ResponseError for a malformed percent sequence or bytes that are not UTF-8.
 */
export function decodeUrlEncoded(text: string, field: string, context: ResolvedContext): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    throw malformed(context, `${field} is not valid url-encoded UTF-8: ${JSON.stringify(text)}`, error);
  }
}
