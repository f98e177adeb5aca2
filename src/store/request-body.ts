/**
 * Request bodies: what users pass in, turned into something each attempt can send, and honest about
 * whether a second attempt can send it again.
 *
 * @module
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConfigError } from '../errors.js';
import type { BodyInput } from './types.js';

/** A body held in memory: replayable, length and hash known. */
export interface BytesBody {
  kind: 'bytes';
  bytes: Uint8Array;
}

/** A streaming body: `open()` gives the stream for an attempt; `replayable` says whether it can be called twice. */
export interface StreamBody {
  kind: 'stream';
  replayable: boolean;
  /** Returns the stream to send in this attempt (the same one each time for a one-shot stream). */
  open(): Readable;
  /** True once a one-shot stream has given away bytes, so it cannot be sent again. */
  consumed(): boolean;
}

export type PreparedBody = BytesBody | StreamBody;

/** Normalises a user body. Strings become UTF-8 bytes; streams stay streams. */
export function prepareBody(input: BodyInput, option = 'body'): PreparedBody {
  if (typeof input === 'string') return { kind: 'bytes', bytes: Buffer.from(input, 'utf8') };
  if (input instanceof Uint8Array) return { kind: 'bytes', bytes: input };
  if (typeof input === 'function') {
    return {
      kind: 'stream',
      replayable: true,
      open: () => toReadable(input(), option),
      consumed: () => false,
    };
  }
  const stream = toReadable(input, option);
  let opened = false;
  return {
    kind: 'stream',
    replayable: false,
    open: () => {
      opened = true;
      return stream;
    },
    consumed: () => opened && (stream.readableDidRead || stream.destroyed),
  };
}

function toReadable(input: unknown, option: string): Readable {
  if (input instanceof Readable) return input;
  // the global is node:stream/web's class; importing that module instead cost ~2 ms of cold start
  if (input instanceof globalThis.ReadableStream) return Readable.fromWeb(input as WebReadableStream);
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) {
    return Readable.from(input as AsyncIterable<Uint8Array>, { objectMode: false });
  }
  throw new ConfigError(
    `${option} must be a string, Uint8Array, Readable, ReadableStream, async iterable or a function returning a stream`,
    option,
  );
}

/**
 * Reads a stream in parts of exactly `partSize` bytes (the last may be shorter). Chunks are copied
 * into the part as they arrive, so at most one part plus one chunk is held by the reader.
 *
 * Each part is the caller's until it hands the buffer back through `spare`: full-size part buffers
 * pushed there are refilled instead of allocating new ones, so an upload that sends its parts one
 * after the other reuses one buffer instead of leaving a part of garbage behind per part (which the
 * collector lets pile up to tens of MiB before it runs). Without `spare` every part is a new buffer.
 */
export async function* readParts(
  stream: Readable,
  partSize: number,
  spare: Buffer[] = [],
): AsyncGenerator<Buffer> {
  // allocUnsafeSlow: a part is large and long-lived, and must not share (or pin) the small-buffer pool
  const fresh = () => {
    const reused = spare.pop();
    return reused !== undefined && reused.length === partSize ? reused : Buffer.allocUnsafeSlow(partSize);
  };
  let part = fresh();
  let held = 0;
  for await (const chunk of stream) {
    let buf: Buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length > 0) {
      const take = Math.min(partSize - held, buf.length);
      buf.copy(part, held, 0, take);
      held += take;
      buf = buf.subarray(take);
      if (held === partSize) {
        yield part;
        part = fresh();
        held = 0;
      }
    }
  }
  if (held > 0) yield part.subarray(0, held);
}
