/**
 * A contender's direct `ObjectStore` view of the simulated store, for B2-like stores (SHA-1 listing
 * digests, stores that cannot list versions, no create-only puts): the S3 protocol does not carry
 * those, so these contenders skip the wire. Their calls still run the library's own retry loop
 * (`withRetries` with `isRetryable`, on the contender's virtual timers), with create-only puts
 * classified unsafe as the sessions do, and listings are paged like the store's real API.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { NetworkError, PreconditionFailedError, S3Error, TimeoutError } from '../../src/errors.js';
import { withRetries } from '../../src/http/retry.js';
import { DEFAULT_RETRY, type RequestSafety } from '../../src/http/retry-policy.js';
import type {
  DeleteObjectOptions,
  GetObjectOptions,
  ListedObject,
  ListedVersion,
  ListObjectsOptions,
  ListVersionsOptions,
  ObjectInfo,
  ObjectResponse,
  ObjectStore,
  PutObjectOptions,
  PutObjectResult,
  StoreCapabilities,
} from '../../src/store/types.js';
import type { Runtime } from '../../src/util/runtime.js';
import type { SimProcess } from './scheduler.js';
import type { Delivery, ListedPage, PageQuery, RequestInfo, Served, SimStore, Version } from './sim-store.js';

export class DirectView implements ObjectStore {
  readonly capabilities: StoreCapabilities;
  readonly storeId: string;
  readonly #store: SimStore;
  readonly #process: SimProcess;
  readonly #runtime: Runtime;
  readonly #renewalFailP: number;
  /** What this client was last shown (monotonic reads). */
  readonly #observer = { horizonUs: Number.NEGATIVE_INFINITY };

  constructor(store: SimStore, process: SimProcess, runtime: Runtime, storeId: string, renewalFailP = 0) {
    this.#store = store;
    this.#process = process;
    this.#runtime = runtime;
    this.#renewalFailP = renewalFailP;
    this.storeId = storeId;
    const { listVersions, digest, conditionalPut } = store.params;
    this.capabilities = { listVersions, listingDigest: digest, conditionalPut: conditionalPut !== 'none' };
  }

  async putObject(
    key: string,
    body: string | Uint8Array,
    options: PutObjectOptions = {},
  ): Promise<PutObjectResult> {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const createOnly = options.ifNoneMatch === '*' && this.capabilities.conditionalPut;
    let attempts = 0;
    const version = await this.#call<Version>(
      { method: 'PUT', key, createOnly },
      createOnly ? 'unsafe' : 'idempotent',
      options.signal,
      (respond) =>
        this.#store.servePut(key, text, { createOnly, metadata: { ...options.metadata } }, respond),
      (n) => {
        attempts = n;
      },
    );
    return {
      etag: version.etag,
      versionId: this.#store.params.versioned ? version.versionId : undefined,
      attempts,
    };
  }

  async deleteObject(key: string, options: DeleteObjectOptions = {}): Promise<void> {
    await this.#call<undefined>(
      { method: 'DELETE', key, createOnly: false },
      'idempotent',
      options.signal,
      (respond) => this.#store.serveDelete(key, options.versionId, respond),
    );
  }

  async headObject(key: string, options: GetObjectOptions = {}): Promise<ObjectInfo> {
    const version = await this.#call<Version>(
      { method: 'HEAD', key, createOnly: false },
      'idempotent',
      options.signal,
      (respond) => this.#store.serveRead(key, respond),
    );
    return {
      key,
      size: version.body.length,
      etag: version.etag,
      lastModified: new Date(version.lastModifiedMs),
      versionId: version.versionId,
      metadata: { ...version.metadata },
    };
  }

  async getObject(key: string, options: GetObjectOptions = {}): Promise<ObjectResponse> {
    const version = await this.#call<Version>(
      { method: 'GET', key, createOnly: false },
      'idempotent',
      options.signal,
      (respond) => this.#store.serveRead(key, respond),
    );
    const bytes = new TextEncoder().encode(version.body);
    return {
      key,
      size: bytes.length,
      etag: version.etag,
      lastModified: new Date(version.lastModifiedMs),
      versionId: version.versionId,
      metadata: { ...version.metadata },
      contentLength: bytes.length,
      body: Readable.from([Buffer.from(bytes)]),
      bytes: async () => bytes,
      text: async () => version.body,
      json: async <T>() => JSON.parse(version.body) as T,
      dump: async () => {},
    };
  }

  async *listObjects(options: ListObjectsOptions = {}): AsyncIterable<ListedObject> {
    let startAfter = options.startAfter;
    for (;;) {
      const page = await this.#page(
        { prefix: options.prefix ?? '', versions: false, startAfter, maxKeys: options.pageSize ?? 1000 },
        options.signal,
      );
      for (const { key, version } of page.entries) {
        yield {
          key,
          size: version.body.length,
          etag: version.etag,
          lastModified: new Date(version.lastModifiedMs),
        };
      }
      const last = page.entries[page.entries.length - 1];
      if (!page.truncated || !last) return;
      startAfter = last.key;
    }
  }

  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncIterable<ListedVersion> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.#page(
        {
          prefix: options.prefix ?? '',
          versions: true,
          keyMarker,
          versionIdMarker,
          maxKeys: options.pageSize ?? 1000,
        },
        options.signal,
      );
      for (const { key, version, isLatest } of page.entries) {
        yield {
          key,
          versionId: version.versionId,
          isLatest,
          isDeleteMarker: version.isDeleteMarker,
          size: version.body.length,
          etag: version.etag,
          lastModified: new Date(version.lastModifiedMs),
        };
      }
      const last = page.entries[page.entries.length - 1];
      if (!page.truncated || !last) return;
      keyMarker = last.key;
      versionIdMarker = last.version.versionId;
    }
  }

  #page(query: PageQuery, signal: AbortSignal | undefined): Promise<ListedPage> {
    return this.#call<ListedPage>(
      { method: 'GET', key: undefined, createOnly: false },
      'idempotent',
      signal,
      (respond) => respond({ ok: this.#store.servePage(query, this.#observer) }),
    );
  }

  /** One call on the library's retry loop: attempts through the simulated network, waits on our timers. */
  #call<T>(
    request: RequestInfo,
    safety: RequestSafety,
    signal: AbortSignal | undefined,
    serve: (respond: (served: Served<T>) => void) => void,
    onAttempt?: (n: number) => void,
  ): Promise<T> {
    return withRetries(
      (n) => {
        onAttempt?.(n);
        return this.#attempt(request, signal, serve);
      },
      {
        retry: { ...DEFAULT_RETRY, maxAttempts: this.#store.params.maxAttempts },
        safety,
        signal,
        random: () => this.#runtime.random(),
        sleep: (ms, s) => this.#runtime.sleep(ms, s),
      },
    );
  }

  #attempt<T>(
    request: RequestInfo,
    signal: AbortSignal | undefined,
    serve: (respond: (served: Served<T>) => void) => void,
  ): Promise<T> {
    const store = this.#store;
    if (store.disposed) return new Promise<never>(() => {});
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const { method, key } = request;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      store.attempt<T>(
        this.#process,
        request,
        this.#renewalFailP,
        serve,
        (delivery: Delivery<T>) => {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          const outcome = outcomeOf(delivery, method, key);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.ok);
        },
        () => settled,
      );
    });
  }
}

/** What the client of a direct view makes of a delivery: the errors a session would raise. */
function outcomeOf<T>(
  delivery: Delivery<T>,
  method: string,
  key: string | undefined,
): { ok: T } | { error: Error } {
  switch (delivery.kind) {
    case 'unavailable':
      return { error: new S3Error({ status: 503, s3Code: 'ServiceUnavailable', method, key }) };
    case 'conflict':
      return { error: new S3Error({ status: 409, s3Code: 'ConditionalRequestConflict', method, key }) };
    case 'socket':
      return { error: new NetworkError('socket hang up (simulated)', { method, key, sent: delivery.sent }) };
    case 'timeout':
      return { error: new TimeoutError(`${method} timed out (simulated)`, { method, key, sent: true }) };
    case 'response': {
      const served = delivery.served;
      if ('ok' in served) return { ok: served.ok };
      if (served.status === 412) return { error: new PreconditionFailedError({ status: 412, method, key }) };
      return { error: new S3Error({ status: 404, s3Code: served.code, method, key }) };
    }
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
