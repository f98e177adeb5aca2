/**
 * Streams of unknown length: read in parts; one part is a plain `b2_upload_file`, more become a B2
 * large file (`b2_start_large_file`, `b2_upload_part` per part, `b2_finish_large_file`), each part
 * held in memory so it can be retried. A large file that fails is cancelled so no parts are left.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { readParts } from '../store/request-body.js';
import type { Metadata } from '../store/types.js';
import { type B2Client, readJson } from './client.js';
import { isStaleTokenError } from './error-response.js';
import { sha1Hex } from './upload.js';
import type { UploadTarget } from './upload-pool.js';
import { asFile, type B2File, stringField } from './wire.js';

/** A stream to store under `key`. */
export interface StreamUpload {
  key: string;
  stream: Readable;
  contentType: string;
  metadata: Metadata;
  partSizeBytes: number;
  bucketId: () => Promise<string>;
  signal: AbortSignal | undefined;
  /** Uploads a body that fits in one part with `b2_upload_file`. */
  uploadSingle(bytes: Uint8Array): Promise<B2File>;
}

/** Uploads `stream` with memory bounded by about one part. */
export async function uploadStreamInParts(client: B2Client, upload: StreamUpload): Promise<B2File> {
  const parts = readParts(upload.stream, upload.partSizeBytes);
  const first = await parts.next();
  if (first.done) return upload.uploadSingle(new Uint8Array(0));
  const second = await parts.next();
  if (second.done) return upload.uploadSingle(first.value);

  const { key, signal } = upload;
  const started = await client.callApi({
    api: 'b2_start_large_file',
    body: {
      bucketId: await upload.bucketId(),
      fileName: key,
      contentType: upload.contentType,
      fileInfo: upload.metadata,
    },
    key,
    // each call starts another unfinished file; a lost answer leaves one behind for lifecycle rules
    safety: 'unsafe',
    signal,
  });
  const fileId = stringField(started, 'fileId', 'b2_start_large_file');
  try {
    const sender = new PartSender(client, fileId, key, signal);
    await sender.send(first.value);
    await sender.send(second.value);
    for await (const part of parts) await sender.send(part);
    const finished = await client.callApi({
      api: 'b2_finish_large_file',
      body: { fileId, partSha1Array: sender.sha1s },
      key,
      safety: 'unsafe',
      signal,
    });
    return asFile(finished, 'b2_finish_large_file');
  } catch (error) {
    await cancel(client, fileId, key);
    throw error;
  }
}

/** Sends the parts of one large file in order, over one part URL until it fails. */
class PartSender {
  readonly sha1s: string[] = [];
  #target: UploadTarget | undefined;

  constructor(
    private readonly client: B2Client,
    private readonly fileId: string,
    private readonly key: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async send(bytes: Uint8Array): Promise<void> {
    const partNumber = this.sha1s.length + 1;
    const sha1 = sha1Hex(bytes);
    await this.client.retrying('idempotent', this.signal, async () => {
      for (let fresh = 0; ; fresh++) {
        const target = this.#target ?? (await this.#newTarget());
        this.#target = undefined;
        try {
          await this.#sendOnce(target, partNumber, bytes, sha1);
          this.#target = target;
          return;
        } catch (error) {
          if (isStaleTokenError(error) && fresh === 0) continue;
          throw error;
        }
      }
    });
    this.sha1s.push(sha1);
  }

  async #newTarget(): Promise<UploadTarget> {
    const json = await this.client.callApi({
      api: 'b2_get_upload_part_url',
      body: { fileId: this.fileId },
      key: this.key,
      safety: 'idempotent',
      signal: this.signal,
    });
    const api = 'b2_get_upload_part_url';
    return {
      uploadUrl: stringField(json, 'uploadUrl', api),
      authorizationToken: stringField(json, 'authorizationToken', api),
    };
  }

  async #sendOnce(target: UploadTarget, partNumber: number, bytes: Uint8Array, sha1: string): Promise<void> {
    const api = 'b2_upload_part';
    const { transport, path } = this.client.origins.target(target.uploadUrl);
    const res = await transport.request({
      method: 'POST',
      path,
      headers: {
        authorization: target.authorizationToken,
        'x-bz-part-number': String(partNumber),
        'content-length': String(bytes.byteLength),
        'x-bz-content-sha1': sha1,
      },
      body: bytes,
      signal: this.signal,
      key: this.key,
      operation: api,
    });
    await readJson(res, api, this.key, this.signal);
  }
}

async function cancel(client: B2Client, fileId: string, key: string): Promise<void> {
  try {
    await client.callApi({ api: 'b2_cancel_large_file', body: { fileId }, key, safety: 'idempotent' });
  } catch {
    // best effort: the original failure is what the caller needs to see
  }
}
