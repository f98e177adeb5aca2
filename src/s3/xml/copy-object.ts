/**
 * CopyObject response bodies (`<CopyObjectResult>`).
 *
 * @module
 */
import { type ResponseContextInput, resolveContext } from './context.js';
import { requiredText } from './document.js';
import { parseRootElement } from './response.js';
import { parseTimestamp, unquoteEtag } from './values.js';

/** The new object's ETag (quotes removed) and modification time, as CopyObject reports them. */
export interface CopyObjectResultBody {
  etag: string;
  lastModified: Date;
}

/**
 * Parses a CopyObject response body. S3 may answer 200 and still fail the copy, with an `<Error>` body
 * instead of `<CopyObjectResult>`; that becomes an `S3Error` (retryable for `InternalError`,
 * `SlowDown` and `ServiceUnavailable`).
 *
 * @param context the operation name, or `{ method, status, key }`, for error messages.
 * @throws S3Error when the body is an `<Error>` document.
 * @throws ResponseError when the body is not a well-formed `<CopyObjectResult>` with an ETag and a date.
 *
 * @example
 * ```ts
 * const { etag, lastModified } = parseCopyObjectResult(body, { method: 'CopyObject', key: destKey });
 * ```
 */
export function parseCopyObjectResult(
  body: string,
  context: ResponseContextInput = 'CopyObject',
): CopyObjectResultBody {
  const ctx = resolveContext(context);
  const root = parseRootElement(body, 'CopyObjectResult', ctx);
  return {
    etag: unquoteEtag(requiredText(root, 'ETag', ctx)),
    lastModified: parseTimestamp(requiredText(root, 'LastModified', ctx), '<LastModified>', ctx),
  };
}
