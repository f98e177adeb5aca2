/**
 * A small fault-injecting HTTP proxy for tests: it sits on a free loopback port in front of an S3
 * endpoint (plain HTTP), forwards requests unchanged (the Host header included, so SigV4 signatures
 * stay valid), and applies planned faults to chosen requests: connection resets before or after the
 * store acted, throttling answers, delays, stalled and truncated bodies. It records every request and
 * what it did with it, so a test can tell "retried" from "written twice".
 *
 * @example
 * ```ts
 * const proxy = await FaultProxy.start(upstreamEndpoint);
 * proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT' } });
 * const s3 = new S3Session({ ...credentials, bucket, endpoint: proxy.endpoint });
 * await s3.putObject('k', 'v'); // the store wrote it, the client saw a reset and retried
 * expect(proxy.requests.filter((r) => r.forwarded)).toHaveLength(2);
 * await proxy.close();
 * ```
 */
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** What to do to one request. */
export type Fault =
  /** Read the request, then reset the client's connection. Nothing reaches the store. */
  | { kind: 'reset-before' }
  /**
   * Forward the request and read the store's whole answer, then reset the client's connection
   * instead of answering: the request took effect but the client cannot know (the ambiguous success).
   */
  | { kind: 'reset-after' }
  /** Answer with an S3 error document without forwarding (default 503 SlowDown), with `Retry-After` when given. */
  | { kind: 'error'; status?: number; code?: string; retryAfter?: string }
  /** Forward, then hold the store's answer back for `ms` before sending any of it. */
  | { kind: 'delay'; ms: number }
  /**
   * Forward, send the status line, headers and the first `afterBytes` bytes of the body, then send
   * nothing more and keep the connection open until the client gives up.
   */
  | { kind: 'stall'; afterBytes: number }
  /**
   * Forward, send the headers (with the full Content-Length) and the first `afterBytes` bytes of the
   * body, then close the connection: a body of the wrong length.
   */
  | { kind: 'truncate'; afterBytes: number };

/** Which requests a planned fault applies to; every given field must match. */
export interface RequestMatch {
  method?: string;
  /** A substring of, or a pattern over, the request target (path and query, as sent). */
  path?: string | RegExp;
}

/** One request the proxy received. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent by the client. */
  path: string;
  /** The fault applied to it, if any. */
  fault: Fault['kind'] | undefined;
  /** True when the request was sent on to the store (whatever happened to the answer). */
  forwarded: boolean;
  /** Request body bytes received from the client. */
  requestBytes: number;
  /** The store's status, when it answered. */
  upstreamStatus: number | undefined;
  /** When it arrived (ms since the epoch). */
  receivedAtMs: number;
  /** The access key id its SigV4 `Authorization` header names, if it has one. */
  accessKeyId: string | undefined;
  /** Whether it carried an `x-amz-security-token` header. */
  sessionToken: boolean;
}

interface Plan {
  fault: Fault;
  match: RequestMatch;
  remaining: number;
  /** Chance that a matching request gets the fault; a request that escapes it is not counted. */
  probability: number;
}

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** Randomness for probabilistic faults (a seeded generator makes a chaos run replayable). @default Math.random */
  random?: () => number;
  /**
   * Keep at most this many entries in `requests` (later ones are only counted in `counts`), so a
   * long soak does not grow the record without bound. @default unlimited
   */
  recordLimit?: number;
}

/** Running totals over every request, kept even past `recordLimit`. */
export interface ProxyCounts {
  requests: number;
  forwarded: number;
  /** Requests per HTTP method. */
  byMethod: Record<string, number>;
  /** Faults applied, per kind. */
  byFault: Partial<Record<Fault['kind'], number>>;
}

/** Hop-by-hop headers, which belong to one connection and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

export class FaultProxy {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #upstream: URL;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #sockets = new Set<Socket>();
  readonly #random: () => number;
  readonly #recordLimit: number;
  #plans: Plan[] = [];
  /** Totals over every request since start (or the last `reset({ requests: true })`). */
  counts: ProxyCounts = emptyCounts();

  private constructor(upstream: URL, options: FaultProxyOptions) {
    this.#upstream = upstream;
    this.#random = options.random ?? Math.random;
    this.#recordLimit = options.recordLimit ?? Number.POSITIVE_INFINITY;
    this.#server = createServer((req, res) => this.#handle(req, res));
    // longer than the client's keep-alive, so the client is always the one to close idle sockets
    this.#server.keepAliveTimeout = 30_000;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a proxy on a free port of 127.0.0.1 in front of `upstream` (an `http://` endpoint). */
  static async start(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const url = new URL(upstream);
    if (url.protocol !== 'http:') throw new Error(`FaultProxy forwards to http:// only, got ${upstream}`);
    const proxy = new FaultProxy(url, options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  /** `http://127.0.0.1:PORT`, the endpoint to give the client. */
  get endpoint(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Plans `fault` for the next `times` requests that match (default: the next one of any kind).
   * Plans are consulted in the order they were made; the first with uses left that matches applies.
   * With `probability` below 1 each matching request gets the fault only by chance (chaos runs:
   * `times: Infinity`); a request that escapes it goes on to the next plan.
   */
  inject(
    fault: Fault,
    {
      times = 1,
      match = {},
      probability = 1,
    }: { times?: number; match?: RequestMatch; probability?: number } = {},
  ): this {
    this.#plans.push({ fault, match, remaining: times, probability });
    return this;
  }

  /** Drops every planned fault that has not been used, and (with `requests`) the record and counts too. */
  reset({ requests = false }: { requests?: boolean } = {}): void {
    this.#plans = [];
    if (requests) {
      this.requests.length = 0;
      this.counts = emptyCounts();
    }
  }

  /** Planned faults not used yet (endless chaos plans count as Infinity). */
  get pending(): number {
    return this.#plans.reduce((n, p) => n + p.remaining, 0);
  }

  /** Recorded requests matching `match`. */
  received(match: RequestMatch = {}): RecordedRequest[] {
    return this.requests.filter((r) => matches(match, r.method, r.path));
  }

  /** Closes the listener and every open connection, stalled ones included. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#agent.destroy();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const plan = this.#plans.find(
      (p) =>
        p.remaining > 0 &&
        matches(p.match, method, path) &&
        (p.probability >= 1 || this.#random() < p.probability),
    );
    if (plan) plan.remaining--;
    const fault = plan?.fault;
    const record: RecordedRequest = {
      method,
      path,
      fault: fault?.kind,
      forwarded: false,
      requestBytes: 0,
      upstreamStatus: undefined,
      receivedAtMs: Date.now(),
      accessKeyId: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1],
      sessionToken: req.headers['x-amz-security-token'] !== undefined,
    };
    if (this.requests.length < this.#recordLimit) this.requests.push(record);
    const counts = this.counts;
    counts.requests++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    if (fault) counts.byFault[fault.kind] = (counts.byFault[fault.kind] ?? 0) + 1;
    req.on('data', (chunk: Buffer) => {
      record.requestBytes += chunk.length;
    });

    if (fault?.kind === 'reset-before') {
      drain(req, () => req.socket.resetAndDestroy());
      return;
    }
    if (fault?.kind === 'error') {
      drain(req, () => answerError(res, fault));
      return;
    }
    record.forwarded = true;
    counts.forwarded++;
    const upstreamReq = request(
      {
        host: this.#upstream.hostname,
        port: this.#upstream.port,
        method,
        path,
        headers: forwardable(req.headers),
        agent: this.#agent,
      },
      (upstreamRes) => {
        record.upstreamStatus = upstreamRes.statusCode;
        respond(req, res, upstreamRes, fault);
      },
    );
    upstreamReq.on('error', () => req.socket.destroy());
    // the client hung up (a timeout, an abort): stop talking to the store for it
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  }
}

/** Sends the store's answer to the client, as the fault says. */
function respond(
  req: IncomingMessage,
  res: ServerResponse,
  upstreamRes: IncomingMessage,
  fault: Fault | undefined,
): void {
  const status = upstreamRes.statusCode ?? 502;
  const headers = forwardable(upstreamRes.headers);
  res.on('close', () => upstreamRes.destroy());
  switch (fault?.kind) {
    case 'reset-after':
      drain(upstreamRes, () => req.socket.resetAndDestroy());
      return;
    case 'delay':
      setTimeout(() => {
        if (res.destroyed) return; // the client gave up meanwhile
        res.writeHead(status, headers);
        upstreamRes.pipe(res);
      }, fault.ms);
      return;
    case 'stall':
    case 'truncate': {
      res.writeHead(status, headers);
      let sent = 0;
      const cut = () => {
        upstreamRes.pause();
        // stall: keep the socket open and silent; truncate: close it with the body incomplete
        if (fault.kind === 'truncate') req.socket.destroy();
      };
      if (fault.afterBytes === 0) {
        res.flushHeaders();
        cut();
        return;
      }
      upstreamRes.on('data', (chunk: Buffer) => {
        if (sent >= fault.afterBytes) return;
        const part = chunk.subarray(0, fault.afterBytes - sent);
        sent += part.length;
        res.write(part);
        if (sent >= fault.afterBytes) cut();
      });
      upstreamRes.on('end', () => {
        if (sent < fault.afterBytes) res.end();
      });
      return;
    }
    default:
      res.writeHead(status, headers);
      upstreamRes.pipe(res);
  }
}

function answerError(res: ServerResponse, fault: Extract<Fault, { kind: 'error' }>): void {
  const status = fault.status ?? 503;
  const code = fault.code ?? 'SlowDown';
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
    `<Message>injected by FaultProxy</Message><RequestId>fault-proxy</RequestId></Error>`;
  const headers: Record<string, string> = {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  res.writeHead(status, headers);
  res.end(body);
}

function emptyCounts(): ProxyCounts {
  return { requests: 0, forwarded: 0, byMethod: {}, byFault: {} };
}

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** Reads `stream` to its end (or error), then calls `then` once. */
function drain(stream: IncomingMessage, then: () => void): void {
  let called = false;
  const once = () => {
    if (!called) {
      called = true;
      then();
    }
  };
  stream.on('end', once);
  stream.on('error', once);
  stream.resume();
}
