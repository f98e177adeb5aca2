/**
 * DeleteObjects response bodies (`<DeleteResult>`).
 *
 * @module
 */
import type { DeleteObjectsFailure } from '../../errors.js';
import { malformed, type ResolvedContext, type ResponseContextInput, resolveContext } from './context.js';
import { childrenNamed, optionalText, requiredText, type XmlElement } from './document.js';
import { parseRootElement } from './response.js';

/** What a DeleteObjects response reports, key by key. */
export interface DeleteResultBody {
  /** Keys (and versions) the store deleted, or found already absent, in document order. */
  deleted: { key: string; versionId?: string | undefined }[];
  /** Keys the store did not delete, with its error code and message, in document order. */
  errors: DeleteObjectsFailure[];
}

/**
 * Parses a DeleteObjects response body. In quiet mode the store lists only the failures, so an empty
 * `<DeleteResult/>` means everything was deleted. Keys are exact (entities decoded, `&#x0d;` included);
 * this response is never url-encoded.
 *
 * @param context the operation name, or `{ method, status }`, for error messages.
 * @throws ResponseError when the body is not a well-formed `<DeleteResult>`, or an entry has no `<Key>`
 *   (or an `<Error>` entry no `<Code>`): a failure that cannot be attributed to a key must not vanish.
 * @throws S3Error when the whole body is an `<Error>` document.
 *
 * @example
 * ```ts
 * const { deleted, errors } = parseDeleteResult(body, 'DeleteObjects');
 * if (errors.length > 0) throw new DeleteObjectsError(deleted, errors);
 * ```
 */
export function parseDeleteResult(
  body: string,
  context: ResponseContextInput = 'DeleteObjects',
): DeleteResultBody {
  const ctx = resolveContext(context);
  const root = parseRootElement(body, 'DeleteResult', ctx);
  const deleted = childrenNamed(root, 'Deleted').map((entry, i) => {
    const done: { key: string; versionId?: string | undefined } = {
      key: readKey(entry, `<Deleted> #${i + 1}`, ctx),
    };
    const versionId = readVersionId(entry, ctx);
    if (versionId !== undefined) done.versionId = versionId;
    return done;
  });
  const errors = childrenNamed(root, 'Error').map((entry, i) => {
    const where = `<Error> #${i + 1}`;
    const key = readKey(entry, where, ctx);
    const code = requiredText(entry, 'Code', ctx, `${where} (key ${JSON.stringify(key)})`).trim();
    if (code === '') throw malformed(ctx, `${where} (key ${JSON.stringify(key)}) has an empty <Code>`);
    const failure: DeleteObjectsFailure = {
      key,
      code,
      message: optionalText(entry, 'Message', ctx)?.trim() ?? '',
    };
    const versionId = readVersionId(entry, ctx);
    if (versionId !== undefined) failure.versionId = versionId;
    return failure;
  });
  return { deleted, errors };
}

function readKey(entry: XmlElement, where: string, ctx: ResolvedContext): string {
  const key = requiredText(entry, 'Key', ctx, where);
  if (key === '') throw malformed(ctx, `${where} has an empty <Key>`);
  return key;
}

function readVersionId(entry: XmlElement, ctx: ResolvedContext): string | undefined {
  const versionId = optionalText(entry, 'VersionId', ctx);
  return versionId === '' ? undefined : versionId;
}
