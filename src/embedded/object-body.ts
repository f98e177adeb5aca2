/**
 * Bodies in the embedded stores: reading what users upload (every `BodyInput` kind, through the
 * same `prepareBody` as `S3Session`) with its MD5, which is the ETag S3 gives a single-part upload.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.js';
import type { PreparedBody } from '../store/request-body.js';
import { throwIfAborted } from '../util/abort.js';

/** The ETag of a single-part upload: the hex MD5 of the body. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Counts and hashes bytes as they pass, for bodies that are streamed rather than held. */
export class BodyDigest {
  readonly #hash: Hash = createHash('md5');
  #size = 0;

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.byteLength;
  }

  get size(): number {
    return this.#size;
  }

  /** The hex MD5 of everything seen; call once. */
  etag(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Yields a prepared body chunk by chunk as `Uint8Array`s, checking `signal` between chunks. A user's
 * stream is destroyed if reading stops early (abort, failure).
 */
export async function* bodyChunks(
  body: PreparedBody,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  throwIfAborted(signal);
  if (body.kind === 'bytes') {
    yield body.bytes;
    return;
  }
  const stream: Readable = body.open();
  try {
    for await (const chunk of stream) {
      throwIfAborted(signal);
      yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    }
  } finally {
    if (!stream.readableEnded) stream.destroy();
  }
}

/** Reads a whole prepared body into a new buffer (never sharing the caller's memory). */
export async function readBody(body: PreparedBody, signal: AbortSignal | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bodyChunks(body, signal)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Throws if the caller declared a `contentLength` that the body did not have. */
export function checkContentLength(declared: number | undefined, actual: number): void {
  if (declared !== undefined && declared !== actual) {
    throw new ConfigError(`contentLength is ${declared} but the body has ${actual} bytes`, 'contentLength');
  }
}
