/**
 * The object API of the embedded stores, written once: argument checks, conditions, ranges,
 * listings, copies and batch deletes. `MemorySession` and `FileSession` supply a handful of
 * storage primitives (write, find, snapshot, describe, remove).
 *
 * @module
 */

import { CoordinationSession } from '../lock/session-base.js';
import { COPY_OPTIONS, checkRange, DELETE_OPTIONS, GET_OPTIONS, PUT_OPTIONS } from '../store/call-options.js';
import { prepareBody } from '../store/request-body.js';
import type {
  BodyInput,
  CallOptions,
  CopyObjectOptions,
  DeleteObjectOptions,
  DeleteObjectsResult,
  DeleteTarget,
  GetObjectOptions,
  ListedObject,
  ListedVersion,
  ListObjectsOptions,
  ListPage,
  ListVersionsOptions,
  ObjectInfo,
  ObjectResponse,
  PutObjectOptions,
  PutObjectResult,
} from '../store/types.js';
import {
  validateKey,
  validateMetadata,
  validateNumber,
  validateOptions,
  validateSignal,
} from '../store/validate.js';
import { throwIfAborted } from '../util/abort.js';
import { bareEtag, checkOptionalString, DEFAULT_CONTENT_TYPE } from './call-checks.js';
import { deleteEach } from './delete-each.js';
import { objectPages, versionPages } from './listing.js';
import { embeddedResponse } from './object-response.js';
import { invalidRange, type Method, preconditionFailed, sessionClosed } from './store-errors.js';
import type { FoundObject, StoredFields, WriteRequest } from './types.js';

/**
 * Base of `MemorySession` and `FileSession`. Entries of a listing snapshot (`O` for objects, `V` for
 * versions) are whatever the store needs to describe them later; only their `key` is read here.
 */
export abstract class EmbeddedSession<
  O extends { key: string },
  V extends { key: string },
> extends CoordinationSession {
  #closed = false;

  /** Stores one object, honouring `ifNoneMatch` / `ifMatch` (412 or, for `ifMatch` on no object, 404). */
  protected abstract write(request: WriteRequest): Promise<PutObjectResult>;
  /** Finds the current object, or a version; throws the store's 404 (or 405) when there is none. */
  protected abstract find(
    key: string,
    versionId: string | undefined,
    method: Method,
    signal: AbortSignal | undefined,
  ): Promise<FoundObject>;
  /** The current objects under `prefix`, sorted in S3 key order. */
  protected abstract snapshotObjects(prefix: string, signal: AbortSignal | undefined): Promise<O[]>;
  /** Listing entries for snapshot entries; entries gone since the snapshot are left out. */
  protected abstract describeObjects(entries: O[], signal: AbortSignal | undefined): Promise<ListedObject[]>;
  /** Every version under `prefix`, in key order and newest first within a key. */
  protected abstract snapshotVersions(prefix: string, signal: AbortSignal | undefined): Promise<V[]>;
  /** Listing entries (versions and delete markers) for snapshot entries; entries gone since are left out. */
  protected abstract describeVersions(
    entries: V[],
    signal: AbortSignal | undefined,
  ): Promise<ListedVersion[]>;
  /** Deletes the key (a delete marker where the store keeps versions) or one version of it. */
  protected abstract remove(
    key: string,
    versionId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void>;

  /** Stores an object (any `BodyInput`); `ifNoneMatch: '*'` creates only, `ifMatch` replaces only that ETag. */
  async putObject(key: string, body: BodyInput, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    validateKey(key);
    validateOptions(options, PUT_OPTIONS, 'putObject');
    validateMetadata(options.metadata);
    validateSignal(options.signal);
    validateNumber(options.contentLength, 'contentLength', { integer: true });
    checkOptionalString(options.contentType, 'contentType');
    checkOptionalString(options.ifNoneMatch, 'ifNoneMatch');
    checkOptionalString(options.ifMatch, 'ifMatch');
    const prepared = prepareBody(body);
    this.#ready('PUT', key, options.signal);
    return this.write({
      key,
      body: prepared,
      fields: { contentType: options.contentType ?? DEFAULT_CONTENT_TYPE, metadata: { ...options.metadata } },
      ifNoneMatch: options.ifNoneMatch,
      ifMatch: options.ifMatch,
      contentLength: options.contentLength,
      method: 'PUT',
      signal: options.signal,
    });
  }

  /** Fetches an object, or part of it with `range`; read the body once (`bytes`, `text`, `json`, `body`) or `dump` it. */
  async getObject(key: string, options: GetObjectOptions = {}): Promise<ObjectResponse> {
    const range = this.#checkGet(key, options, 'getObject');
    const found = await this.#findChecked(key, options, 'GET');
    const { size } = found.info;
    if (range === undefined) return embeddedResponse(found.info, size, found.body(0, size - 1));
    if (range.start >= size) {
      await found.release();
      throw invalidRange('GET', key, size);
    }
    const end = Math.min(range.end ?? size - 1, size - 1);
    return embeddedResponse(found.info, end - range.start + 1, found.body(range.start, end));
  }

  /** An object's facts and metadata without its body; 404 → `S3Error` with status 404. */
  async headObject(key: string, options: GetObjectOptions = {}): Promise<ObjectInfo> {
    this.#checkGet(key, options, 'headObject');
    const found = await this.#findChecked(key, options, 'HEAD');
    await found.release();
    return found.info;
  }

  /** Lists objects page by page in S3 key order, with the common prefixes of each page when a delimiter is given. */
  listPages(options: ListObjectsOptions = {}): AsyncGenerator<ListPage<ListedObject>> {
    return objectPages(
      {
        ready: (signal) => this.#ready('GET', undefined, signal),
        snapshot: (prefix, signal) => this.snapshotObjects(prefix, signal),
        describe: (entries, signal) => this.describeObjects(entries, signal),
      },
      options,
    );
  }

  /** Every object under a prefix, in key order, across all pages. */
  async *listObjects(options: ListObjectsOptions = {}): AsyncGenerator<ListedObject> {
    for await (const page of this.listPages(options)) yield* page.items;
  }

  /** The common prefixes under `prefix` up to `delimiter` (default `/`): the "folders" of a listing. */
  async *listCommonPrefixes(options: ListObjectsOptions = {}): AsyncGenerator<string> {
    for await (const page of this.listPages({ delimiter: '/', ...options })) yield* page.commonPrefixes;
  }

  /** Lists versions and delete markers page by page, in key order and newest first within a key. */
  listVersionPages(options: ListVersionsOptions = {}): AsyncGenerator<ListPage<ListedVersion>> {
    return versionPages(
      {
        ready: (signal) => this.#ready('GET', undefined, signal),
        snapshot: (prefix, signal) => this.snapshotVersions(prefix, signal),
        describe: (entries, signal) => this.describeVersions(entries, signal),
      },
      options,
    );
  }

  /** Every version and delete marker under a prefix, newest first within a key. */
  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncGenerator<ListedVersion> {
    for await (const page of this.listVersionPages(options)) yield* page.items;
  }

  /** Deletes an object, or one version of it. Deleting a missing key succeeds, as in S3. */
  async deleteObject(key: string, options: DeleteObjectOptions = {}): Promise<void> {
    validateKey(key);
    validateOptions(options, DELETE_OPTIONS, 'deleteObject');
    validateSignal(options.signal);
    checkOptionalString(options.versionId, 'versionId');
    this.#ready('DELETE', key, options.signal);
    await this.remove(key, options.versionId, options.signal);
  }

  /**
   * Deletes many keys (or versions). Resolves with what was deleted when every key was; otherwise
   * rejects with a `DeleteObjectsError` listing each key that was not, after trying them all.
   */
  async deleteObjects(
    targets: Iterable<DeleteTarget>,
    options: CallOptions = {},
  ): Promise<DeleteObjectsResult> {
    validateOptions(options, ['signal'], 'deleteObjects');
    validateSignal(options.signal);
    this.#ready('POST', undefined, options.signal);
    return deleteEach(
      targets,
      (key, versionId) => {
        this.#ready('POST', undefined, options.signal);
        return this.remove(key, versionId, options.signal);
      },
      options.signal,
    );
  }

  /** Copies an object (or one version of it); keeps its metadata and content type unless new ones are given. */
  async copyObject(
    sourceKey: string,
    destKey: string,
    options: CopyObjectOptions = {},
  ): Promise<PutObjectResult> {
    validateKey(sourceKey, 'sourceKey');
    validateKey(destKey, 'destKey');
    validateOptions(options, COPY_OPTIONS, 'copyObject');
    validateMetadata(options.metadata);
    validateSignal(options.signal);
    checkOptionalString(options.contentType, 'contentType');
    checkOptionalString(options.sourceVersionId, 'sourceVersionId');
    this.#ready('PUT', destKey, options.signal);
    const found = await this.find(sourceKey, options.sourceVersionId, 'PUT', options.signal);
    const { info } = found;
    const replace = options.metadata !== undefined || options.contentType !== undefined;
    const fields: StoredFields = replace
      ? { contentType: options.contentType ?? DEFAULT_CONTENT_TYPE, metadata: { ...options.metadata } }
      : { contentType: info.contentType ?? DEFAULT_CONTENT_TYPE, metadata: { ...info.metadata } };
    const source = found.body(0, info.size - 1);
    try {
      return await this.write({
        key: destKey,
        body: { kind: 'stream', replayable: false, open: () => source.open(), consumed: () => false },
        fields,
        ifNoneMatch: undefined,
        ifMatch: undefined,
        contentLength: undefined,
        method: 'PUT',
        signal: options.signal,
      });
    } finally {
      await source.release();
    }
  }

  /** Ends the session: later calls fail as they do on a closed `S3Session`. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /** `await using session = new …Session(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #ready(method: Method, key: string | undefined, signal: AbortSignal | undefined): void {
    throwIfAborted(signal);
    if (this.#closed) throw sessionClosed(method, key);
  }

  #checkGet(key: string, options: GetObjectOptions, call: string) {
    validateKey(key);
    validateOptions(options, GET_OPTIONS, call);
    validateSignal(options.signal);
    checkOptionalString(options.versionId, 'versionId');
    checkOptionalString(options.ifMatch, 'ifMatch');
    return checkRange(options.range);
  }

  async #findChecked(key: string, options: GetObjectOptions, method: 'GET' | 'HEAD'): Promise<FoundObject> {
    this.#ready(method, key, options.signal);
    const found = await this.find(key, options.versionId, method, options.signal);
    if (
      options.ifMatch !== undefined &&
      options.ifMatch !== '*' &&
      bareEtag(options.ifMatch) !== found.info.etag
    ) {
      await found.release();
      throw preconditionFailed(method, key);
    }
    return found;
  }
}
