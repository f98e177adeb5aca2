/**
 * One keep-alive connection pool per session, on undici. Sends one request, maps transport
 * failures to typed errors, and hands back the response with its body unread.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { NetworkError, TimeoutError } from '../errors.js';
import { abortReason } from '../util/abort.js';
import { loadUndici, type UndiciPool } from './undici-loader.js';

/** Connection settings of a session. */
export interface TransportOptions {
  /** Most sockets open at once to the store. @default 64 */
  maxConnections?: number | undefined;
  /** Time allowed to open a connection (TCP and TLS). @default 10000 */
  connectTimeoutMs?: number | undefined;
  /**
   * Longest silence allowed while waiting for response headers or between body chunks; an idle
   * timeout, so a large transfer that keeps moving is never cut. @default 30000
   */
  idleTimeoutMs?: number | undefined;
  /** How long an unused pooled socket is kept open. @default 4000 */
  keepAliveTimeoutMs?: number | undefined;
}

export const DEFAULT_TRANSPORT = Object.freeze({
  maxConnections: 64,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  // below the 5 s that common servers (nginx, RGW's beast) keep idle sockets, to avoid reusing one being closed
  keepAliveTimeoutMs: 4_000,
});

/** A request as the transport sends it: path and query already encoded and signed. */
export interface HttpRequest {
  method: string;
  /** Path plus query string, e.g. `/bucket/key?versionId=x`. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | Readable | undefined;
  signal?: AbortSignal | undefined;
  /** The object key, for error messages. */
  key?: string | undefined;
  /** The operation (`GetObject`, …) named by errors; the HTTP method when omitted. */
  operation?: string | undefined;
}

/** An undici response body: a Node stream with helpers to consume it. */
export type ResponseBody = Dispatcher.ResponseData['body'];

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: ResponseBody;
}

/** Error codes that mean the connection was never made, so the request never left. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Sends requests to one origin over a lazily created undici pool, or over a dispatcher the caller
 * owns (a proxy agent, a mock, a simulation): then no pool is created, the request carries the
 * origin, and closing the transport leaves the dispatcher open.
 */
export class HttpTransport {
  readonly origin: string;
  readonly #options: { [K in keyof TransportOptions]-?: number };
  readonly #dispatcher: Dispatcher | undefined;
  #pool: Pool | undefined;
  #undici: UndiciPool | undefined;
  #closed = false;

  constructor(origin: string, options: TransportOptions = {}, dispatcher?: Dispatcher) {
    this.origin = origin;
    this.#dispatcher = dispatcher;
    this.#options = {
      maxConnections: options.maxConnections ?? DEFAULT_TRANSPORT.maxConnections,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_TRANSPORT.connectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_TRANSPORT.idleTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_TRANSPORT.keepAliveTimeoutMs,
    };
  }

  /** The configured idle timeout: also how long a response body may sit unread. */
  get idleTimeoutMs(): number {
    return this.#options.idleTimeoutMs;
  }

  /** Sends one request. Rejects with `NetworkError`, `TimeoutError`, or the signal's reason. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw abortReason(req.signal);
    if (this.#closed)
      throw new NetworkError('the session is closed', { method: req.method, key: req.key, sent: false });
    const dispatcher = this.#dispatcher ?? this.#pool ?? (await this.#createPool());
    const undici = this.#undici ?? (await this.#load());
    try {
      const res = await undici.request.call(dispatcher, {
        // a pool knows its origin; a dispatcher of the caller's (an agent) is told it per request
        ...(this.#dispatcher === undefined ? {} : { origin: this.origin }),
        method: req.method as Dispatcher.HttpMethod,
        path: req.path,
        headers: req.headers,
        body: req.body ?? null,
        signal: req.signal,
      });
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: res.body };
    } catch (error) {
      if (req.signal?.aborted) throw abortReason(req.signal);
      throw toTransportError(error, req.operation ?? req.method, req.key);
    }
  }

  /**
   * Closes idle sockets and fails requests still waiting; later requests fail. A dispatcher given
   * by the caller is left open (it is theirs). Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await pool.destroy();
  }

  async #load(): Promise<UndiciPool> {
    const undici = await loadUndici();
    if (this.#closed) throw new NetworkError('the session is closed', { method: 'request', sent: false });
    this.#undici = undici;
    return undici;
  }

  async #createPool(): Promise<Pool> {
    const undici = await this.#load();
    if (this.#pool) return this.#pool;
    this.#pool = new undici.Pool(this.origin, {
      connections: this.#options.maxConnections,
      connect: { timeout: this.#options.connectTimeoutMs },
      headersTimeout: this.#options.idleTimeoutMs,
      bodyTimeout: this.#options.idleTimeoutMs,
      keepAliveTimeout: this.#options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: Math.max(this.#options.keepAliveTimeoutMs, 60_000),
    });
    return this.#pool;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Maps an undici or socket failure to `TimeoutError` or `NetworkError`, by its code (never its text). */
export function toTransportError(error: unknown, method: string, key?: string): NetworkError | TimeoutError {
  if (error instanceof NetworkError || error instanceof TimeoutError) return error;
  const code = errorCode(error);
  const sent = !NOT_SENT_CODES.has(code);
  const detail = error instanceof Error ? error.message : String(error);
  if (TIMEOUT_CODES.has(code)) {
    return new TimeoutError(`${method} timed out (${code}): ${detail}`, { method, key, sent }, error);
  }
  return new NetworkError(
    `${method} failed: ${code || 'network error'}: ${detail}`,
    { method, key, sent },
    error,
  );
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return '';
}
