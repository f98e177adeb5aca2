/**
 * A B2 native-API test server (node:http, in memory), written from Backblaze's API reference:
 * `b2_authorize_account` (v3), buckets, uploads with SHA-1 verification, upload URLs that allow one
 * upload at a time, large files, downloads with ranges, names and versions listings with hide
 * markers and folders, copies, deletes, and B2's JSON error bodies. For tests it adds token expiry
 * on demand, upload-URL invalidation, fault injection and per-API call counts.
 *
 * @example
 * ```ts
 * const server = new B2TestServer();
 * await server.start();
 * const b2 = new B2Session({ ...server.key, bucket: server.bucketName, endpoint: server.endpoint });
 * server.failNext('b2_upload_file', { status: 503 });
 * await server.stop();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestKey, UploadGrant } from './accounts.js';
import { API_HANDLERS } from './api.js';
import { authorizeAccount } from './authorize.js';
import type { FileVersion } from './bucket.js';
import { sendVersion, versionById, versionByName } from './downloads.js';
import { CODE_FOR_STATUS, FaultPlan } from './faults.js';
import { B2ApiError, paramsFromJson, paramsFromQuery, readBody, sendError, sendJson } from './http.js';
import { ServerState, type StateOptions, type UploadRecord } from './state.js';
import { LARGE_FILE_HANDLERS, uploadFile, uploadPart } from './uploads.js';

const HANDLERS = { ...API_HANDLERS, ...LARGE_FILE_HANDLERS };

export interface B2TestServerOptions extends Partial<StateOptions> {
  /** Name of the bucket created at start. @default 'test-bucket' */
  bucketName?: string;
}

export class B2TestServer {
  readonly state: ServerState;
  readonly bucketName: string;
  /** The master key of the test account. */
  readonly key: TestKey = { applicationKeyId: 'keyid-master-0001', applicationKey: 'K0001-master-secret' };
  readonly #faults = new FaultPlan();
  readonly #calls = new Map<string, number>();
  readonly #inFlight = new Map<string, { now: number; max: number }>();
  #latencyMs = 0;
  #server: Server | undefined;

  constructor(options: B2TestServerOptions = {}) {
    this.state = new ServerState({
      now: options.now ?? Date.now,
      timestampGranularityMs: options.timestampGranularityMs ?? 1000,
      minimumPartSize: options.minimumPartSize ?? 5_000_000,
    });
    this.bucketName = options.bucketName ?? 'test-bucket';
    this.state.accounts.addKey(this.key);
    this.state.createBucket(this.bucketName);
  }

  /** Base URL of `b2_authorize_account` (and, as this server answers everything, of every other URL). */
  get endpoint(): string {
    return this.state.baseUrl;
  }

  /** Listens on a free loopback port. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.state.baseUrl;
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds an application key; `bucketName` restricts it to that bucket. */
  createKey(bucketName?: string): TestKey {
    const n = this.state.accounts.keys.size + 1;
    return this.state.accounts.addKey({
      applicationKeyId: `keyid-${String(n).padStart(4, '0')}`,
      applicationKey: `K${n}-secret-${Math.random().toString(36).slice(2)}`,
      bucketName,
    });
  }

  /** Adds a bucket (for a fresh, empty store per test); returns its name. */
  createBucket(name: string): string {
    if (this.state.bucketByName(name)) throw new Error(`bucket ${name} exists`);
    this.state.createBucket(name);
    return name;
  }

  /** Every account token issued so far answers 401 `expired_auth_token` from now on. */
  expireTokens(): void {
    this.state.accounts.expireTokens();
  }

  /** Every upload URL issued so far fails its next upload (default: 401 `expired_auth_token`). */
  invalidateUploadUrls(
    failure: { status: number; code: string } = { status: 401, code: 'expired_auth_token' },
  ): void {
    this.state.accounts.invalidateUploads(failure);
  }

  /** The next `count` calls of `api` answer with `status` (and `Retry-After` when given). */
  failNext(
    api: string,
    fault: { status: number; code?: string; retryAfterSeconds?: number },
    count = 1,
  ): void {
    const code = fault.code ?? CODE_FOR_STATUS[fault.status] ?? 'internal_error';
    this.#faults.add(api, { kind: 'status', ...fault, code }, count);
  }

  /** The next `count` calls of `api` lose their connection without an answer; `after`: once they took effect. */
  dropNext(api: string, { after = false }: { after?: boolean } = {}, count = 1): void {
    this.#faults.add(api, { kind: 'drop', after }, count);
  }

  /** Calls received for `api` (faulted ones included). */
  calls(api: string): number {
    return this.#calls.get(api) ?? 0;
  }

  /** Most calls of `api` that were being answered at the same time. */
  maxInFlight(api: string): number {
    return this.#inFlight.get(api)?.max ?? 0;
  }

  /** Every answer waits this long first (0: none), so concurrency shows. */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Calls received in all. */
  totalCalls(): number {
    return [...this.#calls.values()].reduce((a, b) => a + b, 0);
  }

  /** Every upload and part received, with its SHA-1 header. */
  get uploads(): readonly UploadRecord[] {
    return this.state.uploads;
  }

  /** Every version in a bucket, names in order, newest first within a name (for assertions). */
  versions(bucketName = this.bucketName): FileVersion[] {
    const bucket = this.state.bucketByName(bucketName);
    return bucket
      ? (bucket.listVersions({ maxFileCount: 10_000 }).entries.filter((e) => 'fileId' in e) as FileVersion[])
      : [];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.state.baseUrl);
    // WHATWG URLs resolve `.` and `..` segments; B2 serves the path as sent (file names may hold them)
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const api = apiOf(rawPath);
    this.#calls.set(api, (this.#calls.get(api) ?? 0) + 1);
    const flight = this.#inFlight.get(api) ?? { now: 0, max: 0 };
    this.#inFlight.set(api, flight);
    flight.max = Math.max(flight.max, ++flight.now);
    // an upload holds its URL's token from its first byte to its answer, as B2 counts concurrent use
    let upload: UploadGrant | undefined;
    let refused: unknown;
    if (api === 'b2_upload_file' || api === 'b2_upload_part') {
      try {
        upload = this.state.accounts.beginUpload(req, url.pathname.split('/')[5] ?? '');
      } catch (error) {
        refused = error;
      }
    }
    try {
      const body = await readBody(req);
      if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
      const fault = this.#faults.take(api);
      if (fault?.kind === 'status') {
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
        throw new B2ApiError(fault.status, fault.code, `injected ${fault.status} for ${api}`, headers);
      }
      if (fault?.kind === 'drop' && !fault.after) {
        req.socket.destroy();
        return;
      }
      if (refused) throw refused;
      const send = this.#route(api, req, res, url, rawPath, body, upload);
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      send();
    } catch (error) {
      const b2 = error instanceof B2ApiError ? error : new B2ApiError(500, 'internal_error', String(error));
      sendError(req, res, b2);
    } finally {
      flight.now--;
      if (upload) upload.busy = false;
    }
  }

  /** Does what the call does and returns how to answer (so a lost answer can follow the effect). */
  #route(
    api: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rawPath: string,
    body: Buffer,
    upload: UploadGrant | undefined,
  ): () => void {
    if (api === 'b2_authorize_account') return json(res, authorizeAccount(this.state, req));
    if (upload && api === 'b2_upload_file') return json(res, uploadFile(this.state, req, upload, body));
    if (upload && api === 'b2_upload_part') return json(res, uploadPart(this.state, req, upload, body));
    const grant = this.state.accounts.check(req);
    if (api === 'b2_download_file_by_name') {
      const version = versionByName(this.state, grant, rawPath);
      return () => sendVersion(this.state, req, res, version);
    }
    if (api === 'b2_download_file_by_id') {
      const version = versionById(this.state, url);
      return () => sendVersion(this.state, req, res, version);
    }
    const handler = HANDLERS[api];
    if (!handler) throw new B2ApiError(404, 'not_found', `unknown API: ${url.pathname}`);
    const params = req.method === 'GET' ? paramsFromQuery(url) : paramsFromJson(body);
    return json(res, handler(this.state, grant, params));
  }
}

function json(res: ServerResponse, body: unknown): () => void {
  return () => sendJson(res, body);
}

/** Which API a path is for; the key for counting calls and planning faults. */
function apiOf(path: string): string {
  if (path.startsWith('/file/')) return 'b2_download_file_by_name';
  const match = /^\/b2api\/v\d+\/([a-z0-9_]+)/.exec(path);
  return match?.[1] ?? 'unknown';
}
