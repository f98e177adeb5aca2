/**
 * Response bodies of object downloads: the `ObjectResponse` wrapper every HTTP session returns, and
 * the rules that keep an unread body from holding a pooled connection for ever.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { ResponseError, TimeoutError } from '../errors.js';
import type { ObjectInfo, ObjectResponse } from '../store/types.js';
import { abortReason } from '../util/abort.js';
import { type HttpResponse, type ResponseBody, toTransportError } from './transport.js';

/**
 * Response bodies whose wrapper object was garbage collected unread are destroyed, so a forgotten
 * body cannot hold a pooled connection for ever.
 */
const forgotten = new FinalizationRegistry<ResponseBody>((body) => destroyQuietly(body));
/** Timers that destroy bodies nobody started reading (undici's idle timeout pauses with backpressure). */
const unreadTimers = new WeakMap<object, NodeJS.Timeout>();

function destroyQuietly(body: ResponseBody, error?: Error): void {
  if (body.destroyed || body.readableEnded) return;
  // undici destroys an unfinished body with an error; nobody may listen to this body any more, so
  // without a listener that error would be an uncaught exception that ends the process
  body.on('error', ignore);
  body.destroy(error);
}

function ignore(): void {}

/** Destroys `body` if `owner` is collected, or left unread for `unreadTimeoutMs`, before its body was touched. */
function watch(
  owner: object,
  body: ResponseBody,
  unreadTimeoutMs: number,
  method: string,
  key: string,
): void {
  forgotten.register(owner, body, owner);
  const timer = setTimeout(() => {
    destroyQuietly(
      body,
      new TimeoutError(`${method} body of ${JSON.stringify(key)} was not read within ${unreadTimeoutMs} ms`, {
        method,
        key,
        sent: true,
      }),
    );
  }, unreadTimeoutMs);
  timer.unref();
  unreadTimers.set(owner, timer);
}

/** Stops watching `owner`: its body is being consumed. */
function touched(owner: object): void {
  forgotten.unregister(owner);
  clearTimeout(unreadTimers.get(owner));
  unreadTimers.delete(owner);
}

/** Reads and discards a body so its connection returns to the pool; never throws. */
export async function discard(body: ResponseBody): Promise<void> {
  try {
    await body.dump();
  } catch {
    // the connection is closed instead of reused; nothing else to do
  }
}

/** How a download is wrapped. */
export interface DownloadContext {
  key: string;
  /** Operation named by errors (`GetObject`, `b2_download_file_by_name`). */
  method: string;
  status: number;
  signal: AbortSignal | undefined;
  /** A body nobody starts reading within this long is destroyed, freeing its connection. */
  unreadTimeoutMs: number;
}

/** Wraps a download: object facts plus the streaming body and ways to consume it (once). */
export function downloadResponse(
  info: ObjectInfo,
  body: ResponseBody,
  contentLength: number,
  ctx: DownloadContext,
): ObjectResponse {
  const consume = async <T>(read: () => Promise<T>): Promise<T> => {
    touched(response);
    try {
      return await read();
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new ResponseError(
          `${ctx.method} body of ${JSON.stringify(ctx.key)} is not valid JSON`,
          ctx,
          error,
        );
      }
      if (ctx.signal?.aborted) throw abortReason(ctx.signal);
      if (error instanceof TimeoutError) throw error;
      throw toTransportError(error, ctx.method, ctx.key);
    }
  };
  const response: ObjectResponse = {
    ...info,
    contentLength,
    get body(): Readable {
      touched(response);
      return body;
    },
    bytes: () => consume(async () => new Uint8Array(await body.arrayBuffer())),
    text: () => consume(() => body.text()),
    json: <T>() => consume(async () => (await body.json()) as T),
    async dump() {
      touched(response);
      if (!body.destroyed && !body.readableEnded) await discard(body);
    },
  };
  watch(response, body, ctx.unreadTimeoutMs, ctx.method, ctx.key);
  return response;
}

/** The first `maxBytes` of an error response's body as text (the rest is dropped, the stream destroyed). */
export async function readBounded(res: HttpResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      chunks.push(buf);
      size += buf.length;
      if (size > maxBytes) {
        res.body.destroy();
        break;
      }
    }
  } catch {
    // a body cut short still leaves the status and headers to report
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, maxBytes));
}

/** Size of the whole object: from Content-Range for a partial response, else Content-Length. */
export function totalObjectSize(headers: Record<string, string>, method: string, status: number): number {
  const range = headers['content-range'];
  const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : headers['content-length'];
  const size = Number(total);
  if (total === undefined || !Number.isSafeInteger(size) || size < 0) {
    throw new ResponseError(`${method} response has no valid object size (content-length/content-range)`, {
      status,
      method,
    });
  }
  return size;
}
