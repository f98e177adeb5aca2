/**
 * B2's rules for bucket names, file names and file info, checked before any request is sent, and
 * the percent-encoding B2 uses for names and info values in headers and URLs.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { Metadata } from '../store/types.js';
import { describe, validateKey, validateMetadata, validatePrefix } from '../store/validate.js';

/**
 * Characters B2 refuses in file names: codes below 32 and DEL (127). Names are otherwise any UTF-8
 * string of at most 1024 bytes (Backblaze "Files", section "File Names"; `validateKey` checks the length).
 */
const FIRST_ALLOWED_CODE = 0x20;
const DEL = 0x7f;

/** Index of the first character B2 refuses in a name, or -1. */
function forbiddenCharAt(name: string): number {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < FIRST_ALLOWED_CODE || code === DEL) return i;
  }
  return -1;
}

/**
 * A file info name is at most 50 bytes; `b2-` names are reserved for B2's own headers
 * (Backblaze "Add File Information with the Native API").
 */
export const MAX_INFO_NAME_BYTES = 50;
const RESERVED_INFO_PREFIX = 'b2-';
/** The file name and file info headers together may take at most 7000 bytes (`b2_upload_file`). */
export const MAX_NAME_AND_INFO_BYTES = 7000;
const INFO_HEADER_PREFIX = 'X-Bz-Info-';

/** B2 bucket names: 6 to 63 letters, digits and hyphens, not starting with `b2-` (reserved). */
const BUCKET_NAME = /^[A-Za-z0-9-]{6,63}$/;

/** Throws unless `name` is a file name B2 accepts. */
export function validateFileName(name: unknown, option = 'key'): asserts name is string {
  validateKey(name, option);
  checkChars(name, option);
}

/** Throws unless `prefix` is undefined or could start a valid file name (empty is allowed). */
export function validateFilePrefix(prefix: unknown, option = 'prefix'): void {
  validatePrefix(prefix, option);
  if (typeof prefix === 'string') checkChars(prefix, option);
}

function checkChars(name: string, option: string): void {
  const at = forbiddenCharAt(name);
  if (at >= 0) {
    const code = name.charCodeAt(at);
    throw new ConfigError(
      `${option} contains the control character U+${code.toString(16).padStart(4, '0').toUpperCase()} ` +
        `at index ${at}; ` +
        'B2 file names may not contain characters below U+0020 or DEL',
      option,
    );
  }
}

/** Throws unless `bucket` follows B2's bucket naming rules. */
export function validateB2BucketName(bucket: unknown, option = 'bucket'): asserts bucket is string {
  if (typeof bucket !== 'string') {
    throw new ConfigError(`${option} must be a string, got ${describe(bucket)}`, option);
  }
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(
      `${option} ${JSON.stringify(bucket)} is not a valid B2 bucket name: use 6 to 63 letters, digits and hyphens`,
      option,
    );
  }
  if (bucket.toLowerCase().startsWith(RESERVED_INFO_PREFIX)) {
    throw new ConfigError(
      `${option} ${JSON.stringify(bucket)}: names starting with b2- are reserved`,
      option,
    );
  }
}

/**
 * Throws unless `metadata` can be stored as B2 file info for a file called `fileName`: the portable
 * rules of every session (`validateMetadata`), plus B2's own name length, reserved prefix and the
 * 7000-byte budget shared with the file name.
 */
export function validateFileInfo(
  metadata: unknown,
  fileName: string,
  option = 'metadata',
): asserts metadata is Metadata | undefined {
  validateMetadata(metadata, option, { allowUnderscore: true });
  let bytes = Buffer.byteLength(encodeB2Name(fileName));
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (name.length > MAX_INFO_NAME_BYTES) {
      throw new ConfigError(
        `${option} name ${JSON.stringify(name)} is ${name.length} bytes; B2 allows at most ${MAX_INFO_NAME_BYTES}`,
        option,
      );
    }
    if (name.startsWith(RESERVED_INFO_PREFIX)) {
      throw new ConfigError(`${option} name ${JSON.stringify(name)}: b2- names are reserved by B2`, option);
    }
    bytes += INFO_HEADER_PREFIX.length + name.length + Buffer.byteLength(encodeB2Name(value));
  }
  if (bytes > MAX_NAME_AND_INFO_BYTES) {
    throw new ConfigError(
      `the file name and ${option} take ${bytes} bytes as headers; B2 allows at most ${MAX_NAME_AND_INFO_BYTES}`,
      option,
    );
  }
}

/**
 * Percent-encodes a file name or info value as B2 expects in `X-Bz-File-Name`, `X-Bz-Info-*` and
 * download URLs: UTF-8, every byte outside the unreserved set encoded, `/` kept as it is.
 */
export function encodeB2Name(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

/** Decodes a percent-encoded name or value from a B2 header (`+` stands for a space, as B2 allows). */
export function decodeB2Name(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
