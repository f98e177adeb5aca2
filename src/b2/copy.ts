/**
 * `copyObject` on B2: `b2_copy_file` from a source file id, keeping or replacing its metadata.
 *
 * @module
 */
import { B2Error } from '../errors.js';
import type { Metadata, PutObjectResult } from '../store/types.js';
import { contentTypeOf } from './call-checks.js';
import type { B2Client } from './client.js';
import { asFile, digestOf } from './wire.js';

/** What to copy where. */
export interface CopySpec {
  sourceKey: string;
  destKey: string;
  /** The version to copy (undefined: the source has no current version). */
  sourceFileId: string | undefined;
  /** New metadata (`REPLACE`); with neither this nor `contentType`, the source's is kept (`COPY`). */
  metadata?: Metadata | undefined;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Copies a file version to a new name in the same bucket. */
export async function copyFile(client: B2Client, spec: CopySpec): Promise<PutObjectResult> {
  const api = 'b2_copy_file';
  if (spec.sourceFileId === undefined) {
    throw new B2Error({ status: 404, method: api, key: spec.sourceKey, b2Code: 'not_found' });
  }
  // REPLACE needs a content type (B2 refuses it without one); COPY must not carry one
  const replace = spec.metadata !== undefined || spec.contentType !== undefined;
  const file = asFile(
    await client.callApi({
      api,
      body: {
        sourceFileId: spec.sourceFileId,
        fileName: spec.destKey,
        metadataDirective: replace ? 'REPLACE' : 'COPY',
        ...(replace ? { contentType: contentTypeOf(spec.contentType), fileInfo: spec.metadata ?? {} } : {}),
      },
      key: spec.destKey,
      // a repeat stores the same bytes as a newer version of the same name, as S3's CopyObject does
      safety: 'idempotent',
      signal: spec.signal,
    }),
    api,
  );
  return { etag: digestOf(file), versionId: file.fileId ?? undefined };
}
