/**
 * `putObject` on B2: picks the upload path for a body. Bytes go in one `b2_upload_file`; a stream of
 * known length (up to 5 GB) is hashed while sent; a stream of unknown length is read in parts and
 * becomes a large file when it needs more than one.
 *
 * @module
 */
import type { PreparedBody } from '../store/request-body.js';
import type { Metadata, PutObjectResult } from '../store/types.js';
import type { B2Client } from './client.js';
import { uploadStreamInParts } from './large-file.js';
import { MAX_PART_BYTES } from './options.js';
import { type UploadBody, uploadFile } from './upload.js';
import type { UploadUrlPool } from './upload-pool.js';
import { type B2File, digestOf } from './wire.js';

/** How to store the file. */
export interface PutSpec {
  contentType: string;
  metadata: Metadata;
  /** Length of a streaming body, when the caller knows it. */
  contentLength?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Stores `body` as a new version of `key`; resolves with its SHA-1 and file id. */
export async function putFile(
  client: B2Client,
  pool: UploadUrlPool,
  key: string,
  body: PreparedBody,
  spec: PutSpec,
): Promise<PutObjectResult> {
  const upload = (content: UploadBody) =>
    uploadFile(client, pool, {
      key,
      contentType: spec.contentType,
      metadata: spec.metadata,
      body: content,
      signal: spec.signal,
    });
  let file: B2File;
  if (body.kind === 'bytes') file = await upload(body);
  else if (spec.contentLength !== undefined && spec.contentLength <= MAX_PART_BYTES) {
    file = await upload({ kind: 'stream', source: body, length: spec.contentLength });
  } else {
    file = await uploadStreamInParts(client, {
      key,
      stream: body.open(),
      contentType: spec.contentType,
      metadata: spec.metadata,
      partSizeBytes: client.options.partSizeBytes,
      bucketId: () => client.bucketId(spec.signal),
      signal: spec.signal,
      uploadSingle: (bytes) => upload({ kind: 'bytes', bytes }),
    });
  }
  return { etag: digestOf(file), versionId: file.fileId ?? undefined };
}
