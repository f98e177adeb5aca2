/**
 * Uploading a stream of unknown length: read it in parts; one part means one PUT, more mean a
 * multipart upload whose parts are each held in memory, so each can be retried. An upload that
 * fails is aborted so no parts are left behind.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { readParts } from '../store/request-body.js';
import type { PutObjectResult } from '../store/types.js';
import { unquoteEtag } from './object-response.js';
import type { S3Requester } from './requester.js';
import {
  buildCompleteMultipartUpload,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
} from './xml/index.js';

export interface StreamUpload {
  key: string;
  stream: Readable;
  /** Headers of the object (content type, metadata, conditions). */
  headers: Record<string, string | undefined>;
  partSizeBytes: number;
  signal: AbortSignal | undefined;
  /** Sends a body that fits in one part as a plain PUT. */
  putSingle(bytes: Uint8Array): Promise<PutObjectResult>;
}

/** Uploads `stream` with memory bounded by about one part (two while the first two are read). */
export async function uploadStream(requester: S3Requester, upload: StreamUpload): Promise<PutObjectResult> {
  // a part sent successfully comes back here to be refilled: one part buffer serves the whole upload
  const spare: Buffer[] = [];
  const parts = readParts(upload.stream, upload.partSizeBytes, spare);
  // the first two parts decide between one PUT and a multipart upload
  const head = await takeParts(parts, 2);
  if (head.length < 2) return upload.putSingle(head[0] ?? new Uint8Array(0));

  const { key, signal } = upload;
  const objectHeaders = { ...upload.headers, 'if-none-match': undefined, 'if-match': undefined };
  const uploadId = await requester.send(
    // a lost answer leaves at most an empty upload behind, which bucket lifecycle rules clean up
    {
      operation: 'CreateMultipartUpload',
      method: 'POST',
      key,
      query: { uploads: '' },
      headers: objectHeaders,
      safety: 'unsafe',
      signal,
    },
    async (res) => parseInitiateMultipartUpload(await res.body.text(), 'CreateMultipartUpload'),
  );
  try {
    const etags: string[] = [];
    const sendPart = async (bytes: Buffer) => {
      const partNumber = etags.length + 1;
      const res = await requester.sendAndDiscard({
        operation: 'UploadPart',
        method: 'PUT',
        key,
        query: { partNumber: String(partNumber), uploadId },
        body: { kind: 'bytes', bytes },
        safety: 'idempotent',
        signal,
      });
      etags.push(unquoteEtag(res.headers.etag));
      // the store answered, so it has read the whole part: the buffer is free to be refilled (one is
      // enough, as parts go one at a time; the second of the first two is left to the collector)
      if (spare.length === 0) spare.push(bytes);
    };
    for (let part = head.shift(); part !== undefined; part = head.shift()) await sendPart(part);
    for await (const part of parts) await sendPart(part);
    const bytes = Buffer.from(buildCompleteMultipartUpload(etags), 'utf8');
    return await requester.send(
      {
        operation: 'CompleteMultipartUpload',
        method: 'POST',
        key,
        query: { uploadId },
        headers: { 'if-none-match': upload.headers['if-none-match'], 'if-match': upload.headers['if-match'] },
        body: { kind: 'bytes', bytes },
        safety: 'unsafe',
        signal,
      },
      async (res) => {
        // like CopyObject, completion can fail after a 200 status line: the error is in the body
        const result = parseCompleteMultipartUpload(await res.body.text(), 'CompleteMultipartUpload', key);
        return { etag: result.etag, versionId: res.headers['x-amz-version-id'] };
      },
    );
  } catch (error) {
    await abortUpload(requester, key, uploadId);
    throw error;
  }
}

/** Reads up to `count` parts. */
async function takeParts(parts: AsyncGenerator<Buffer>, count: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  while (out.length < count) {
    const next = await parts.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

async function abortUpload(requester: S3Requester, key: string, uploadId: string): Promise<void> {
  try {
    await requester.sendAndDiscard({
      operation: 'AbortMultipartUpload',
      method: 'DELETE',
      key,
      query: { uploadId },
      safety: 'idempotent',
    });
  } catch {
    // best effort: the original failure is what the caller needs to see
  }
}
