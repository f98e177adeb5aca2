/**
 * The S3 protocol in front of the simulated store: an undici `Dispatcher` that a real `S3Session`
 * sends its requests through (its `dispatcher` option), so that S3-like contenders run the request
 * path users run — signing, the retry loop and its safety classification (what counts as sent, which
 * statuses are retried), response parsing — over the simulated store on virtual time.
 *
 * It speaks what the session speaks: REST paths (path-style), PUT with `If-None-Match` and
 * `x-amz-meta-*`, GET and HEAD with ETag, Last-Modified (an HTTP date: whole seconds, as S3 and Ceph
 * send it, whatever the listings carry), `x-amz-meta-*` and `x-amz-version-id`, DELETE of a key or a
 * version, ListObjectsV2 (`start-after`, `max-keys`, continuation tokens) and ListObjectVersions
 * (key and version-id markers) as XML with `encoding-type=url`, error bodies with the S3 code, and
 * statuses 404, 409, 412, 503. Network faults reach undici's request handler as the socket errors
 * undici raises: refused (nothing sent), reset after sending, headers timeout. Requests signed with
 * a clock more than 15 minutes off the store's are refused (403 `RequestTimeTooSkewed`), as S3 does:
 * a session signing with real time instead of its virtual runtime fails at once.
 *
 * @module
 */
import { Dispatcher } from 'undici';
import type { SimProcess } from './scheduler.js';
import type { Delivery, ListedPage, PageQuery, Served, SimStore, Version } from './sim-store.js';
import { EPOCH_MS } from './virtual-runtime.js';

/** S3 refuses requests signed this far from its own clock. */
const MAX_SIGNING_SKEW_MS = 15 * 60_000;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

interface LegacyHandler {
  onConnect?(abort: (reason?: unknown) => void, context?: unknown): void;
  onHeaders?(
    status: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean | undefined;
  onData?(chunk: Buffer): boolean | undefined;
  onComplete?(trailers: Buffer[]): void;
  onError?(error: Error): void;
}

interface ParsedRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  key: string | undefined;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  createOnly: boolean;
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One contender's connection to the simulated S3 endpoint. */
export class SimS3Dispatcher extends Dispatcher {
  readonly #store: SimStore;
  readonly #process: SimProcess;
  readonly #bucket: string;
  readonly #renewalFailP: number;
  /** What this client was last shown (monotonic reads). */
  readonly #observer = { horizonUs: Number.NEGATIVE_INFINITY };
  #requestIds = 0;

  constructor(store: SimStore, process: SimProcess, bucket: string, renewalFailP = 0) {
    super();
    this.#store = store;
    this.#process = process;
    this.#bucket = bucket;
    this.#renewalFailP = renewalFailP;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const h = handler as unknown as LegacyHandler;
    let cancelled = false;
    h.onConnect?.((reason) => {
      if (cancelled) return;
      cancelled = true;
      h.onError?.(reason instanceof Error ? reason : new Error(String(reason)));
    });
    if (cancelled) return true;
    const request = this.#parse(options);
    const requestId = `sim-${++this.#requestIds}`;
    this.#store.attempt<HttpAnswer>(
      this.#process,
      { method: request.method, key: request.key, createOnly: request.createOnly },
      this.#renewalFailP,
      (respond) => this.#serve(request, requestId, respond),
      (delivery) => {
        cancelled = true;
        this.#deliver(h, delivery, request, requestId);
      },
      () => cancelled,
    );
    return true;
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }

  #parse(options: Dispatcher.DispatchOptions): ParsedRequest {
    const [rawPath = '', rawQuery = ''] = options.path.split('?', 2) as [string, string?];
    const prefix = `/${this.#bucket}`;
    if (!rawPath.startsWith(prefix))
      throw new Error(`simulated S3: request outside the bucket: ${options.path}`);
    const rest = rawPath.slice(prefix.length);
    const key = rest.length > 1 ? decodeURIComponent(rest.slice(1)) : undefined;
    const headers = (options.headers ?? {}) as Record<string, string>;
    const body = options.body == null ? '' : Buffer.from(options.body as Uint8Array).toString('utf8');
    const method = options.method as 'GET' | 'HEAD' | 'PUT' | 'DELETE';
    return {
      method,
      key,
      query: new URLSearchParams(rawQuery),
      headers,
      body,
      createOnly: method === 'PUT' && headers['if-none-match'] === '*',
    };
  }

  /** The server's side: runs when the request reaches a front end. */
  #serve(request: ParsedRequest, requestId: string, respond: (served: Served<HttpAnswer>) => void): void {
    const store = this.#store;
    const { method, key, query, headers } = request;
    const skewed = this.#signingSkewed(headers);
    if (skewed) {
      respond({ ok: errorAnswer(403, 'RequestTimeTooSkewed', skewed, key, requestId) });
      return;
    }
    const answer = (served: Served<Version>, make: (v: Version) => HttpAnswer) =>
      respond({
        ok:
          'ok' in served
            ? make(served.ok)
            : method === 'HEAD'
              ? { status: served.status, headers: { 'x-amz-request-id': requestId }, body: '' }
              : errorAnswer(served.status, served.code, served.code, key, requestId),
      });
    if (key === undefined) {
      if (method !== 'GET') throw new Error(`simulated S3: unsupported bucket request ${method}`);
      respond({ ok: this.#list(query, requestId) });
      return;
    }
    if (method === 'PUT') {
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
      }
      // an `If-None-Match` the store does not honour is accepted and ignored (Ceph RGW 16, versioned)
      store.servePut(key, request.body, { createOnly: request.createOnly, metadata }, (served) =>
        answer(served, (v) => ({
          status: 200,
          headers: {
            etag: `"${v.etag}"`,
            'content-length': '0',
            'x-amz-request-id': requestId,
            ...(store.params.versioned ? { 'x-amz-version-id': v.versionId } : {}),
          },
          body: '',
        })),
      );
      return;
    }
    if (method === 'DELETE') {
      store.serveDelete(key, query.get('versionId') ?? undefined, () =>
        respond({ ok: { status: 204, headers: { 'x-amz-request-id': requestId }, body: '' } }),
      );
      return;
    }
    store.serveRead(key, (served) =>
      answer(served, (v) => ({
        status: 200,
        headers: {
          etag: `"${v.etag}"`,
          'last-modified': new Date(v.lastModifiedMs).toUTCString(),
          'content-length': String(Buffer.byteLength(v.body)),
          'content-type': 'application/octet-stream',
          'x-amz-request-id': requestId,
          ...(store.params.versioned ? { 'x-amz-version-id': v.versionId } : {}),
          ...Object.fromEntries(Object.entries(v.metadata).map(([n, value]) => [`x-amz-meta-${n}`, value])),
        },
        body: method === 'HEAD' ? '' : v.body,
      })),
    );
  }

  /** A signature dated more than 15 minutes off the store's clock is refused, as S3 does. */
  #signingSkewed(headers: Record<string, string>): string | undefined {
    const date = headers['x-amz-date'];
    if (!headers.authorization?.startsWith('AWS4-HMAC-SHA256 ') || date === undefined)
      return 'unsigned request';
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!m) return `bad x-amz-date ${date}`;
    const signedMs = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    const storeMs = EPOCH_MS + this.#store.scheduler.nowMs;
    return Math.abs(signedMs - storeMs) > MAX_SIGNING_SKEW_MS
      ? `signed at ${date}, the store's clock reads ${new Date(storeMs).toISOString()}`
      : undefined;
  }

  #list(query: URLSearchParams, requestId: string): HttpAnswer {
    const versions = query.has('versions');
    const maxKeys = Number(query.get('max-keys') ?? '1000');
    const prefix = query.get('prefix') ?? '';
    const token = query.get('continuation-token');
    const pageQuery: PageQuery = versions
      ? {
          prefix,
          versions: true,
          keyMarker: query.get('key-marker') ?? undefined,
          versionIdMarker: query.get('version-id-marker') ?? undefined,
          maxKeys,
        }
      : {
          prefix,
          versions: false,
          startAfter: token
            ? Buffer.from(token, 'base64url').toString('utf8')
            : (query.get('start-after') ?? undefined),
          maxKeys,
        };
    const page = this.#store.servePage(pageQuery, this.#observer);
    const body = versions
      ? versionsXml(this.#bucket, pageQuery, page)
      : objectsXml(this.#bucket, pageQuery, page);
    return {
      status: 200,
      headers: {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    };
  }

  /** The client's side: what the delivery does to undici's handler. */
  #deliver(
    h: LegacyHandler,
    delivery: Delivery<HttpAnswer>,
    request: { method: string; key: string | undefined },
    requestId: string,
  ): void {
    switch (delivery.kind) {
      case 'socket':
        h.onError?.(socketError(delivery.sent ? 'UND_ERR_SOCKET' : 'ECONNREFUSED'));
        return;
      case 'timeout':
        h.onError?.(socketError('UND_ERR_HEADERS_TIMEOUT'));
        return;
      case 'unavailable':
        respondWith(
          h,
          errorAnswer(503, 'ServiceUnavailable', 'Please reduce your request rate.', request.key, requestId),
          request.method,
        );
        return;
      case 'conflict':
        respondWith(
          h,
          errorAnswer(
            409,
            'ConditionalRequestConflict',
            'A conflicting conditional operation is in progress.',
            request.key,
            requestId,
          ),
          request.method,
        );
        return;
      case 'response':
        if ('ok' in delivery.served) respondWith(h, delivery.served.ok, request.method);
        return;
    }
  }
}

function respondWith(h: LegacyHandler, answer: HttpAnswer, method: string): void {
  const raw: Buffer[] = [];
  const headers = { ...answer.headers };
  if (method === 'HEAD' || answer.body === '') headers['content-length'] ??= '0';
  for (const [name, value] of Object.entries(headers)) raw.push(Buffer.from(name), Buffer.from(value));
  h.onHeaders?.(answer.status, raw, () => {}, statusText(answer.status));
  if (method !== 'HEAD' && answer.body !== '') h.onData?.(Buffer.from(answer.body));
  h.onComplete?.([]);
}

function socketError(code: string): Error {
  const message =
    code === 'ECONNREFUSED'
      ? 'connect ECONNREFUSED (simulated)'
      : code === 'UND_ERR_SOCKET'
        ? 'other side closed (simulated)'
        : 'Headers Timeout Error (simulated)';
  return Object.assign(new Error(message), { code });
}

function statusText(status: number): string {
  return (
    {
      200: 'OK',
      204: 'No Content',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      412: 'Precondition Failed',
      503: 'Service Unavailable',
    }[status] ?? ''
  );
}

function errorAnswer(
  status: number,
  code: string,
  message: string,
  key: string | undefined,
  requestId: string,
): HttpAnswer {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message>` +
    `${key === undefined ? '' : `<Key>${xml(key)}</Key>`}<RequestId>${requestId}</RequestId></Error>`;
  return {
    status,
    headers: {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Keys are sent url-encoded (`encoding-type=url`), as the session asks. */
function urlKey(key: string): string {
  return xml(encodeURIComponent(key).replace(/%2F/g, '/'));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function objectsXml(bucket: string, query: PageQuery, page: ListedPage): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">`,
    `<Name>${bucket}</Name><Prefix>${urlKey(query.prefix)}</Prefix><KeyCount>${page.entries.length}</KeyCount>`,
    `<MaxKeys>${query.maxKeys}</MaxKeys><EncodingType>url</EncodingType><IsTruncated>${page.truncated}</IsTruncated>`,
  ];
  for (const { key, version } of page.entries) {
    parts.push(
      `<Contents><Key>${urlKey(key)}</Key><LastModified>${iso(version.lastModifiedMs)}</LastModified>` +
        `<ETag>&quot;${version.etag}&quot;</ETag><Size>${Buffer.byteLength(version.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
  }
  const last = page.entries[page.entries.length - 1];
  if (page.truncated && last)
    parts.push(
      `<NextContinuationToken>${Buffer.from(last.key).toString('base64url')}</NextContinuationToken>`,
    );
  parts.push('</ListBucketResult>');
  return parts.join('');
}

function versionsXml(bucket: string, query: PageQuery, page: ListedPage): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="${XMLNS}">`,
    `<Name>${bucket}</Name><Prefix>${urlKey(query.prefix)}</Prefix>`,
    `<KeyMarker>${urlKey(query.keyMarker ?? '')}</KeyMarker><VersionIdMarker>${query.versionIdMarker ?? ''}</VersionIdMarker>`,
    `<MaxKeys>${query.maxKeys}</MaxKeys><EncodingType>url</EncodingType><IsTruncated>${page.truncated}</IsTruncated>`,
  ];
  for (const { key, version, isLatest } of page.entries) {
    const common = `<Key>${urlKey(key)}</Key><VersionId>${version.versionId}</VersionId><IsLatest>${isLatest}</IsLatest><LastModified>${iso(version.lastModifiedMs)}</LastModified>`;
    parts.push(
      version.isDeleteMarker
        ? `<DeleteMarker>${common}</DeleteMarker>`
        : `<Version>${common}<ETag>&quot;${version.etag}&quot;</ETag><Size>${Buffer.byteLength(version.body)}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    );
  }
  const last = page.entries[page.entries.length - 1];
  if (page.truncated && last) {
    parts.push(
      `<NextKeyMarker>${urlKey(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.version.versionId}</NextVersionIdMarker>`,
    );
  }
  parts.push('</ListVersionsResult>');
  return parts.join('');
}
