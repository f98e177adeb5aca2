/**
 * `b2_upload_file`: one file in one request, with its SHA-1 on every upload, from an upload URL of
 * the pool. Bytes in memory carry their SHA-1 in `X-Bz-Content-Sha1`; a stream of known length
 * carries it after the content (`hex_digits_at_end`), so it is hashed while it is sent and never
 * held in memory.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BodyNotReplayableError, ConfigError, isRetryableError } from '../errors.js';
import type { StreamBody } from '../store/request-body.js';
import type { Metadata } from '../store/types.js';
import { type B2Client, readJson } from './client.js';
import { isStaleTokenError } from './error-response.js';
import { encodeB2Name } from './names.js';
import type { UploadTarget, UploadUrlPool } from './upload-pool.js';
import { asFile, type B2File } from './wire.js';

/** `X-Bz-Content-Sha1` value saying the 40 hex digits of the SHA-1 follow the content (Backblaze "Uploading"). */
export const SHA1_AT_END = 'hex_digits_at_end';
/** Length of a hex SHA-1, appended to the body with `hex_digits_at_end`. */
const SHA1_HEX_LENGTH = 40;

/** The content of an upload: bytes in memory, or a stream whose length is known. */
export type UploadBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; source: StreamBody; length: number };

/** Everything `b2_upload_file` needs besides the URL. */
export interface UploadRequest {
  key: string;
  contentType: string;
  metadata: Metadata;
  body: UploadBody;
  signal?: AbortSignal | undefined;
}

/** Hex SHA-1 of bytes. */
export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Headers naming a file and its info, as `b2_upload_file` and `b2_start_large_file` expect them. */
export function fileHeaders(key: string, contentType: string, metadata: Metadata): Record<string, string> {
  const headers: Record<string, string> = {
    'x-bz-file-name': encodeB2Name(key),
    'content-type': contentType,
  };
  for (const [name, value] of Object.entries(metadata)) headers[`x-bz-info-${name}`] = encodeB2Name(value);
  return headers;
}

/**
 * Uploads one file, retried as the session's policy allows. Each attempt takes its own upload URL;
 * a failed attempt drops it, and an upload URL whose token went stale is replaced at once (the
 * account token is renewed by `b2_get_upload_url` itself when that one is stale too).
 */
export function uploadFile(client: B2Client, pool: UploadUrlPool, req: UploadRequest): Promise<B2File> {
  const api = 'b2_upload_file';
  const hash = req.body.kind === 'bytes' ? sha1Hex(req.body.bytes) : SHA1_AT_END;
  const notReplayable = () =>
    req.body.kind === 'stream' && !req.body.source.replayable && req.body.source.consumed();
  // a duplicate attempt stores the same content as a newer version of the same name, as a PUT does
  return client.retrying('idempotent', req.signal, async () => {
    for (let fresh = 0; ; fresh++) {
      if (notReplayable()) throw new BodyNotReplayableError(api, req.key, undefined);
      const target = await pool.acquire(req.signal);
      try {
        const file = await send(client, target, req, hash);
        pool.release(target);
        return file;
      } catch (error) {
        if (isStaleTokenError(error) && fresh === 0 && !notReplayable()) continue;
        // a failure worth retrying cannot be retried once a one-shot stream gave away its bytes
        throw notReplayable() && isRetryableError(error)
          ? new BodyNotReplayableError(api, req.key, error)
          : error;
      }
    }
  });
}

async function send(
  client: B2Client,
  target: UploadTarget,
  req: UploadRequest,
  hash: string,
): Promise<B2File> {
  const api = 'b2_upload_file';
  const { transport, path } = client.origins.target(target.uploadUrl);
  const headers = fileHeaders(req.key, req.contentType, req.metadata);
  headers.authorization = target.authorizationToken;
  headers['x-bz-content-sha1'] = hash;
  const problem: { error?: unknown } = {};
  let body: Uint8Array | Readable;
  if (req.body.kind === 'bytes') {
    body = req.body.bytes;
    headers['content-length'] = String(req.body.bytes.byteLength);
  } else {
    body = withSha1Trailer(req.body.source.open(), req.body.length, problem);
    headers['content-length'] = String(req.body.length + SHA1_HEX_LENGTH);
  }
  try {
    const res = await transport.request({
      method: 'POST',
      path,
      headers,
      body,
      signal: req.signal,
      key: req.key,
      operation: api,
    });
    return asFile(await readJson(res, api, req.key, req.signal), api);
  } catch (error) {
    throw problem.error ?? error;
  }
}

/**
 * The stream followed by the hex SHA-1 of its content. A stream longer or shorter than `length`
 * fails the upload with a `ConfigError` (recorded in `problem`, since the HTTP client reports it
 * only as a broken request body).
 */
function withSha1Trailer(stream: Readable, length: number, problem: { error?: unknown }): Readable {
  async function* content(): AsyncGenerator<Buffer> {
    const hash = createHash('sha1');
    let seen = 0;
    for await (const chunk of stream) {
      const buf: Buffer =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : Buffer.from(
              (chunk as Uint8Array).buffer,
              (chunk as Uint8Array).byteOffset,
              (chunk as Uint8Array).byteLength,
            );
      seen += buf.length;
      if (seen > length) break;
      hash.update(buf);
      yield buf;
    }
    if (seen !== length) {
      problem.error = new ConfigError(
        `contentLength is ${length} but the stream ${seen > length ? 'is longer' : `ended after ${seen} bytes`}`,
        'contentLength',
      );
      throw problem.error;
    }
    yield Buffer.from(hash.digest('hex'), 'latin1');
  }
  return Readable.from(content(), { objectMode: false });
}
