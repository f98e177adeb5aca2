/**
 * An `ObjectStore` over another, for lock tests: its own identity (so per-store caches start
 * empty, as in a fresh process), a record of every request with its depth on the critical path
 * (1 + the deepest request that had completed when it started: the round trips an operation took),
 * an optional hook that fails requests, and an optional create-only put that is not atomic.
 *
 * @module
 */
import { PreconditionFailedError } from '../../src/errors.js';
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

export interface RecordedRequest {
  method: 'PUT' | 'GET' | 'HEAD' | 'LIST' | 'DELETE';
  key: string;
  depth: number;
}

export class WrappedStore implements ObjectStore {
  readonly capabilities: StoreCapabilities;
  readonly requests: RecordedRequest[] = [];
  /** Throws (before the request reaches the store) when it returns an error. */
  fail: ((method: RecordedRequest['method'], key: string) => Error | undefined) | undefined;
  /** Create-only puts check, then wait a tick, then write: concurrent creators can all win. */
  racy = false;
  #completedDepth = 0;
  readonly #inner: ObjectStore;

  constructor(inner: ObjectStore, capabilities: Partial<StoreCapabilities> = {}) {
    this.#inner = inner;
    this.capabilities = { ...inner.capabilities, ...capabilities };
  }

  /** Starts counting depths afresh (call before the operation to measure). */
  resetDepth(): void {
    this.#completedDepth = 0;
    this.requests.length = 0;
  }

  /** Round trips of the operation since the last reset. */
  get roundTrips(): number {
    return Math.max(0, ...this.requests.map((r) => r.depth));
  }

  async #track<T>(method: RecordedRequest['method'], key: string, run: () => Promise<T>): Promise<T> {
    const request = { method, key, depth: this.#completedDepth + 1 };
    this.requests.push(request);
    const error = this.fail?.(method, key);
    if (error) throw error;
    try {
      return await run();
    } finally {
      this.#completedDepth = Math.max(this.#completedDepth, request.depth);
    }
  }

  putObject(
    key: string,
    body: string | Uint8Array,
    options: PutObjectOptions = {},
  ): Promise<PutObjectResult> {
    return this.#track('PUT', key, async () => {
      if (this.racy && options.ifNoneMatch === '*') {
        const exists = await this.#inner.headObject(key).then(
          () => true,
          () => false,
        );
        await new Promise((r) => setTimeout(r, 5));
        if (exists) throw new PreconditionFailedError({ status: 412, method: 'PUT', key });
        return this.#inner.putObject(key, body, { ...options, ifNoneMatch: undefined });
      }
      return this.#inner.putObject(key, body, options);
    });
  }
  getObject(key: string, options?: GetObjectOptions): Promise<ObjectResponse> {
    return this.#track('GET', key, () => this.#inner.getObject(key, options));
  }
  headObject(key: string, options?: GetObjectOptions): Promise<ObjectInfo> {
    return this.#track('HEAD', key, () => this.#inner.headObject(key, options));
  }
  deleteObject(key: string, options?: DeleteObjectOptions): Promise<void> {
    return this.#track('DELETE', key, () => this.#inner.deleteObject(key, options));
  }
  async *listObjects(options: ListObjectsOptions = {}): AsyncIterable<ListedObject> {
    const items = await this.#track('LIST', options.prefix ?? '', async () => {
      const out: ListedObject[] = [];
      for await (const o of this.#inner.listObjects(options)) out.push(o);
      return out;
    });
    yield* items;
  }
  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncIterable<ListedVersion> {
    const items = await this.#track('LIST', options.prefix ?? '', async () => {
      const out: ListedVersion[] = [];
      for await (const o of this.#inner.listObjectVersions(options)) out.push(o);
      return out;
    });
    yield* items;
  }
}
