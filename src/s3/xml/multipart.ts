/**
 * Multipart upload bodies: the CreateMultipartUpload answer, the CompleteMultipartUpload request
 * and its answer.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import { malformed, type ResponseContextInput, resolveContext } from './context.js';
import { optionalText, requiredText } from './document.js';
import { escapeXmlText, findUnrepresentableChar } from './entities.js';
import { parseRootElement } from './response.js';
import { unquoteEtag } from './values.js';

/** S3 numbers parts from 1 to 10,000. */
export const MAX_MULTIPART_PARTS = 10_000;

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * Reads the upload id from a CreateMultipartUpload answer (`<InitiateMultipartUploadResult>`).
 *
 * @param context the operation name, or `{ method, status, key }`, for error messages.
 * @throws ResponseError when the body is not such a document or has no (or an empty) `<UploadId>`.
 * @throws S3Error when the body is an `<Error>` document.
 *
 * @example
 * ```ts
 * const uploadId = parseInitiateMultipartUpload(body, 'CreateMultipartUpload');
 * ```
 */
export function parseInitiateMultipartUpload(
  body: string,
  context: ResponseContextInput = 'CreateMultipartUpload',
): string {
  const ctx = resolveContext(context);
  const root = parseRootElement(body, 'InitiateMultipartUploadResult', ctx);
  const uploadId = requiredText(root, 'UploadId', ctx).trim();
  if (uploadId === '') throw malformed(ctx, '<UploadId> is empty');
  return uploadId;
}

/**
 * Builds the CompleteMultipartUpload request body from the parts' ETags, in part order (part 1
 * first). ETags may be given with or without their quotes; they are sent quoted, as S3 documents.
 *
 * @throws ConfigError for no parts, more than {@link MAX_MULTIPART_PARTS}, or an ETag XML cannot carry.
 *
 * @example
 * ```ts
 * buildCompleteMultipartUpload(['a54357aff0632cce46d942af68356b38', '0c78aef83f66abc1fa1e8477f296d394']);
 * ```
 */
export function buildCompleteMultipartUpload(etags: readonly string[]): string {
  if (etags.length === 0) throw new ConfigError('a multipart upload needs at least one part', 'parts');
  if (etags.length > MAX_MULTIPART_PARTS) {
    throw new ConfigError(
      `a multipart upload has at most ${MAX_MULTIPART_PARTS} parts, got ${etags.length}`,
      'parts',
    );
  }
  const parts = [`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="${S3_XMLNS}">`];
  etags.forEach((etag, i) => {
    const bare = unquoteEtag(etag);
    if (bare === '' || findUnrepresentableChar(bare) !== undefined) {
      throw new ConfigError(`the ETag of part ${i + 1} cannot be sent: ${JSON.stringify(etag)}`, 'parts');
    }
    parts.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXmlText(`"${bare}"`)}</ETag></Part>`);
  });
  parts.push('</CompleteMultipartUpload>');
  return parts.join('');
}

/** What a CompleteMultipartUpload answer reports. */
export interface CompleteMultipartUploadResultBody {
  /**
   * The object's ETag without quotes (`…-N` for N parts). Empty when the store left it out: Ceph
   * 16.2.15 answers `<ETag></ETag>` and sends no ETag header either (measured); HEAD the object then.
   */
  etag: string;
}

/**
 * Parses a CompleteMultipartUpload answer. Like CopyObject, completion can fail after the 200 status
 * line was sent, with an `<Error>` body; that becomes an `S3Error` (retryable for `InternalError`,
 * `SlowDown` and `ServiceUnavailable`).
 *
 * @param context the operation name, or `{ method, status, key }`, for error messages.
 * @param key the object key, for the `S3Error` (when `context` is only a name).
 * @throws S3Error when the body is an `<Error>` document.
 * @throws ResponseError when the body is not a well-formed `<CompleteMultipartUploadResult>`.
 */
export function parseCompleteMultipartUpload(
  body: string,
  context: ResponseContextInput = 'CompleteMultipartUpload',
  key?: string,
): CompleteMultipartUploadResultBody {
  const resolved = resolveContext(context);
  const ctx = key === undefined || resolved.key !== undefined ? resolved : { ...resolved, key };
  const root = parseRootElement(body, 'CompleteMultipartUploadResult', ctx);
  return { etag: unquoteEtag(optionalText(root, 'ETag', ctx) ?? '') };
}
