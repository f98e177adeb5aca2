/**
 * `B2Session`: the object API on the Backblaze B2 native API.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { CoordinationSession } from '../lock/session-base.js';
import {
  COPY_OPTIONS,
  DELETE_OPTIONS,
  GET_OPTIONS,
  LIST_OPTIONS,
  LIST_VERSIONS_OPTIONS,
  PUT_OPTIONS,
  rangeHeader,
} from '../store/call-options.js';
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
  StoreCapabilities,
} from '../store/types.js';
import { validateNumber, validateOptions, validateSignal } from '../store/validate.js';
import { contentTypeOf, refuseConditionalWrite, validateVersionId } from './call-checks.js';
import { B2Client } from './client.js';
import { copyFile } from './copy.js';
import { deleteFile, deleteMany } from './delete.js';
import { fetchObject, headObject } from './download.js';
import { B2_DEFAULT_PAGE_SIZE, listNamePages, listVersionPages, MAX_PAGE_SIZE } from './listing.js';
import { validateFileInfo, validateFileName, validateFilePrefix } from './names.js';
import { type B2SessionOptions, b2OptionsFromEnv, resolveB2Options } from './options.js';
import { putFile } from './put.js';
import { fetchUploadUrl, UploadUrlPool } from './upload-pool.js';

export type { B2SessionOptions } from './options.js';

/**
 * A session on one B2 bucket through the native API: object calls with retries, timeouts and abort
 * signals, SHA-1 on every upload, one authorization per key shared across the process, pooled
 * upload URLs. No request is sent by the constructor.
 *
 * B2 keeps every version of a file, like an S3 bucket with versioning on: `deleteObject(key)` hides
 * the file (B2's delete marker), `deleteObject(key, { versionId })` deletes that version for good.
 * Listings report the SHA-1 of each file as its `etag`, timestamps in whole seconds.
 *
 * @example
 * ```ts
 * const b2 = new B2Session({ applicationKeyId, applicationKey, bucket: 'my-bucket' });
 * await b2.putObject('hello.txt', 'Hello', { metadata: { author: 'me' } });
 * console.log(await (await b2.getObject('hello.txt')).text());
 * await using lock = await b2.lock('nightly-job');
 * await b2.close();
 * ```
 */
export class B2Session extends CoordinationSession {
  /** The bucket this session works on. */
  readonly bucket: string;
  /** What the lock core may rely on: versions and SHA-1 listings, no conditional writes. */
  readonly capabilities: StoreCapabilities = {
    listVersions: true,
    listingDigest: 'sha1',
    conditionalPut: false,
  };
  readonly #client: B2Client;
  readonly #uploads: UploadUrlPool;

  constructor(options: B2SessionOptions) {
    super();
    const resolved = resolveB2Options(options);
    this.bucket = resolved.bucket;
    this.#client = new B2Client(resolved);
    this.#uploads = new UploadUrlPool((signal) => fetchUploadUrl(this.#client, signal));
  }

  /** A session keyed from `B2_APPLICATION_KEY_ID` and `B2_APPLICATION_KEY`, with `options` taking precedence. */
  static fromEnv(options: Partial<B2SessionOptions> & { bucket: string }, env = process.env): B2Session {
    return new B2Session({ ...b2OptionsFromEnv(env), ...options } as B2SessionOptions);
  }

  /**
   * Stores a file (a new version of `key`). Bytes and strings go in one `b2_upload_file`; a stream
   * with `contentLength` is hashed while sent; a stream without it is read in parts of
   * `partSizeBytes` and becomes a large file when it needs more than one. `ifNoneMatch`/`ifMatch`
   * throw `ConfigError`: B2's native API has no conditional writes.
   */
  async putObject(key: string, body: BodyInput, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    validateFileName(key);
    validateOptions(options, PUT_OPTIONS, 'putObject');
    validateFileInfo(options.metadata, key);
    validateSignal(options.signal);
    validateNumber(options.contentLength, 'contentLength', { integer: true });
    refuseConditionalWrite(options);
    return putFile(this.#client, this.#uploads, key, prepareBody(body), {
      contentType: contentTypeOf(options.contentType),
      metadata: options.metadata ?? {},
      contentLength: options.contentLength,
      signal: options.signal,
    });
  }

  /** Fetches the latest version of a file, or the version `versionId` (a file id); `range` asks for part of it. */
  async getObject(key: string, options: GetObjectOptions = {}): Promise<ObjectResponse> {
    validateFileName(key);
    validateOptions(options, GET_OPTIONS, 'getObject');
    validateSignal(options.signal);
    validateVersionId(options.versionId);
    const range = rangeHeader(options.range);
    return fetchObject(this.#client, { ...options, bucket: this.bucket, key, range });
  }

  /** A file's facts and metadata without its body. Missing or hidden → `B2Error` with status 404. */
  async headObject(key: string, options: GetObjectOptions = {}): Promise<ObjectInfo> {
    validateFileName(key);
    validateOptions(options, GET_OPTIONS, 'headObject');
    validateSignal(options.signal);
    validateVersionId(options.versionId);
    if (options.range !== undefined) throw new ConfigError('headObject: range is not supported', 'range');
    return headObject(this.#client, { ...options, range: undefined, bucket: this.bucket, key });
  }

  /** Lists current files page by page (`b2_list_file_names`), with `folder` entries as common prefixes. */
  async *listPages(options: ListObjectsOptions = {}): AsyncGenerator<ListPage<ListedObject>> {
    validateOptions(options, LIST_OPTIONS, 'listObjects');
    validateFilePrefix(options.prefix);
    validateFilePrefix(options.startAfter, 'startAfter');
    validateSignal(options.signal);
    validateNumber(options.pageSize, 'pageSize', { min: 1, max: MAX_PAGE_SIZE, integer: true });
    const bucketId = await this.#client.bucketId(options.signal);
    yield* listNamePages(this.#client, {
      ...options,
      bucketId,
      pageSize: options.pageSize ?? B2_DEFAULT_PAGE_SIZE,
    });
  }

  /** Every current (not hidden) file under a prefix, in name order, across all pages. */
  async *listObjects(options: ListObjectsOptions = {}): AsyncGenerator<ListedObject> {
    for await (const page of this.listPages(options)) yield* page.items;
  }

  /** The common prefixes under `prefix` up to `delimiter` (default `/`): B2's folders. */
  async *listCommonPrefixes(options: ListObjectsOptions = {}): AsyncGenerator<string> {
    for await (const page of this.listPages({ delimiter: '/', ...options })) yield* page.commonPrefixes;
  }

  /** Lists file versions and hide markers page by page (`b2_list_file_versions`), in name order. */
  async *listVersionPages(options: ListVersionsOptions = {}): AsyncGenerator<ListPage<ListedVersion>> {
    validateOptions(options, LIST_VERSIONS_OPTIONS, 'listObjectVersions');
    validateFilePrefix(options.prefix);
    validateSignal(options.signal);
    validateNumber(options.pageSize, 'pageSize', { min: 1, max: MAX_PAGE_SIZE, integer: true });
    const bucketId = await this.#client.bucketId(options.signal);
    yield* listVersionPages(this.#client, {
      ...options,
      bucketId,
      pageSize: options.pageSize ?? B2_DEFAULT_PAGE_SIZE,
    });
  }

  /** Every version and hide marker (as a delete marker) under a prefix, newest first within a name. */
  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncGenerator<ListedVersion> {
    for await (const page of this.listVersionPages(options)) yield* page.items;
  }

  /**
   * With `versionId` (a file id): deletes that version for good (`b2_delete_file_version`). Without:
   * hides the file (`b2_hide_file`), which, like a delete marker on a versioned S3 bucket, keeps the
   * older versions. Deleting what is already gone or hidden succeeds, as in S3.
   */
  async deleteObject(key: string, options: DeleteObjectOptions = {}): Promise<void> {
    validateFileName(key);
    validateOptions(options, DELETE_OPTIONS, 'deleteObject');
    validateSignal(options.signal);
    validateVersionId(options.versionId);
    await deleteFile(this.#client, key, options.versionId, options.signal);
  }

  /**
   * Deletes many files or versions. B2 has no bulk delete: one call each, `deleteConcurrency` at a
   * time. Resolves when every target was deleted; otherwise rejects with a `DeleteObjectsError`
   * listing each one that was not, with B2's code.
   */
  async deleteObjects(
    targets: Iterable<DeleteTarget>,
    options: CallOptions = {},
  ): Promise<DeleteObjectsResult> {
    validateOptions(options, ['signal'], 'deleteObjects');
    validateSignal(options.signal);
    return deleteMany(
      targets,
      this.#client.options.deleteConcurrency,
      (ref) => deleteFile(this.#client, ref.key, ref.versionId, options.signal),
      options.signal,
    );
  }

  /** Copies a file within the bucket with `b2_copy_file`; keeps its metadata unless `metadata` or `contentType` is given. */
  async copyObject(
    sourceKey: string,
    destKey: string,
    options: CopyObjectOptions = {},
  ): Promise<PutObjectResult> {
    validateFileName(sourceKey, 'sourceKey');
    validateFileName(destKey, 'destKey');
    validateOptions(options, COPY_OPTIONS, 'copyObject');
    validateFileInfo(options.metadata, destKey);
    validateSignal(options.signal);
    validateVersionId(options.sourceVersionId, 'sourceVersionId');
    contentTypeOf(options.contentType);
    return copyFile(this.#client, {
      sourceKey,
      destKey,
      sourceFileId:
        options.sourceVersionId ?? (await this.headObject(sourceKey, { signal: options.signal })).versionId,
      metadata: options.metadata,
      contentType: options.contentType,
      signal: options.signal,
    });
  }

  /** Closes every connection and forgets pooled upload URLs. Calls made afterwards fail. Idempotent. */
  close(): Promise<void> {
    this.#uploads.clear();
    return this.#client.close();
  }

  /** `await using b2 = new B2Session(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
