/**
 * `ObjectResponse` values for the embedded stores: the same shape and one-read rule as
 * `S3Session`'s, over a stream the store opens on first use.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { ResponseError } from '../errors.js';
import type { ObjectInfo, ObjectResponse } from '../store/types.js';

/** A body a store can hand out once: `open` on first read, `release` if it is never read. */
export interface BodySource {
  open(): Readable;
  /** Frees what the store holds for the body (an open file); called when it will not be read. */
  release(): Promise<void>;
}

/** Bodies whose response was garbage collected unread are released (for example an open file). */
const forgotten = new FinalizationRegistry<BodySource>((source) => {
  source.release().catch(() => {});
});

/** Builds the response for a GET: object facts, `contentLength` bytes of body from `source`. */
export function embeddedResponse(
  info: ObjectInfo,
  contentLength: number,
  source: BodySource,
): ObjectResponse {
  let stream: Readable | undefined;
  let used = false;
  const take = (): Readable => {
    forgotten.unregister(response);
    if (used) throw new TypeError('Body is unusable: Body has already been read');
    used = true;
    stream = source.open();
    return stream;
  };
  const readAll = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of take()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const response: ObjectResponse = {
    ...info,
    contentLength,
    get body(): Readable {
      return stream ?? take();
    },
    bytes: async () => new Uint8Array(await readAll()),
    text: async () => (await readAll()).toString('utf8'),
    async json<T>(): Promise<T> {
      const text = (await readAll()).toString('utf8');
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new ResponseError(
          `GET body of ${JSON.stringify(info.key)} is not valid JSON`,
          { status: 200, method: 'GET' },
          error,
        );
      }
    },
    async dump() {
      forgotten.unregister(response);
      if (stream) {
        stream.destroy();
        return;
      }
      used = true;
      await source.release();
    },
  };
  forgotten.register(response, source, response);
  return response;
}
