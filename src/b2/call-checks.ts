/**
 * Checks of per-call arguments that only B2 calls have, each throwing a `ConfigError` naming the
 * argument before anything is sent.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { PutObjectOptions } from '../store/types.js';
import { describe } from '../store/validate.js';

/** Content type of files stored without one, as S3 does (B2 would guess from the name with `b2/x-auto`). */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** `type/subtype` and optional parameters, printable ASCII: what B2 accepts as a content type. */
const CONTENT_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[\x20-\x7e]*)?$/;
/** B2 file ids are at most 200 characters (Backblaze "Files", section "File IDs"). */
const MAX_FILE_ID_LENGTH = 200;
const FILE_ID = /^[\x21-\x7e]+$/;

/** The content type to send: `contentType` when valid, else the default. */
export function contentTypeOf(contentType: unknown): string {
  if (contentType === undefined) return DEFAULT_CONTENT_TYPE;
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    throw new ConfigError(
      `contentType must be a MIME type such as text/plain, got ${describe(contentType)}`,
      'contentType',
    );
  }
  return contentType;
}

/** Throws unless `versionId` is undefined or looks like a B2 file id. */
export function validateVersionId(versionId: unknown, option = 'versionId'): void {
  if (versionId === undefined) return;
  if (typeof versionId !== 'string' || versionId.length > MAX_FILE_ID_LENGTH || !FILE_ID.test(versionId)) {
    throw new ConfigError(
      `${option} must be a B2 file id (1 to ${MAX_FILE_ID_LENGTH} printable characters), got ${describe(versionId)}`,
      option,
    );
  }
}

/** B2's native API has no conditional writes: `ifNoneMatch`/`ifMatch` on a put are refused, never ignored. */
export function refuseConditionalWrite(options: PutObjectOptions): void {
  for (const option of ['ifNoneMatch', 'ifMatch'] as const) {
    if (options[option] !== undefined) {
      throw new ConfigError(
        `putObject: ${option} is not supported on B2's native API, which has no conditional writes (capabilities.conditionalPut is false)`,
        option,
      );
    }
  }
}
