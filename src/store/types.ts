/**
 * The object API every session offers (S3, B2, file, memory), and the narrow `ObjectStore`
 * interface the lock core is written against. Nothing here knows about HTTP.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

/**
 * What can be uploaded. Strings are sent as UTF-8. `Uint8Array`s and strings can be replayed on a
 * retry; a stream or async iterable can be sent once, so a failed attempt that consumed it ends the
 * call with a `BodyNotReplayableError`. A function returning a fresh stream is called once per attempt.
 */
export type BodyInput =
  | string
  | Uint8Array
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | (() => Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>);

/** User metadata: lower-case ASCII names to values. */
export type Metadata = Record<string, string>;

/** Options common to every call. */
export interface CallOptions {
  /** Aborts the call, including pending retries; it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export interface PutObjectOptions extends CallOptions {
  /** User metadata, sent as `x-amz-meta-*` (S3) or `X-Bz-Info-*` (B2). */
  metadata?: Metadata | undefined;
  /** Content type. @default 'application/octet-stream' */
  contentType?: string | undefined;
  /** `'*'`: create only if the key does not exist (412 → `PreconditionFailedError`), or an ETag. */
  ifNoneMatch?: string | undefined;
  /** Write only if the current object has this ETag (412 → `PreconditionFailedError`). */
  ifMatch?: string | undefined;
  /**
   * Body length in bytes, required by some stores for streaming bodies; when omitted a stream is
   * sent with chunked encoding (S3 `STREAMING-UNSIGNED-PAYLOAD-TRAILER` is not needed).
   */
  contentLength?: number | undefined;
}

export interface PutObjectResult {
  /** The ETag of the stored object, quotes removed. */
  etag: string;
  /** Version id when the bucket keeps versions. */
  versionId?: string | undefined;
  /**
   * How many attempts the write took (1: the first attempt answered). Above 1, an earlier attempt
   * may have landed too (its answer was lost), so the object may have been written more than once.
   * Set by the sessions that retry requests (S3); undefined elsewhere.
   */
  attempts?: number | undefined;
}

export interface GetObjectOptions extends CallOptions {
  /** Byte range, inclusive, as in HTTP: `{ start: 0, end: 99 }` is the first 100 bytes; omit `end` for the rest. */
  range?: { start: number; end?: number | undefined } | undefined;
  versionId?: string | undefined;
  /** Fail with 412 unless the object's ETag matches. */
  ifMatch?: string | undefined;
}

/** What HEAD and GET tell about an object. */
export interface ObjectInfo {
  key: string;
  /** Size in bytes of the whole object. */
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string | undefined;
  versionId?: string | undefined;
  metadata: Metadata;
}

/** A fetched object. Read its body once, with one of the methods or as a stream. */
export interface ObjectResponse extends ObjectInfo {
  /** Bytes delivered in this response (differs from `size` for a range). */
  contentLength: number;
  /** The body as a Node stream. Reading it, or calling `bytes()`/`text()`/`json()`, consumes it. */
  readonly body: Readable;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  /** Discards the body, freeing the connection. Safe to call more than once. */
  dump(): Promise<void>;
}

/** One object of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  /** ETag without quotes; for B2 native listings the SHA-1 of the content. */
  etag: string;
  lastModified: Date;
  storageClass?: string | undefined;
}

/** One entry of a versions listing: a version of an object, or a delete (B2: hide) marker. */
export interface ListedVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  size: number;
  /** Empty for delete markers. */
  etag: string;
  lastModified: Date;
}

export interface ListObjectsOptions extends CallOptions {
  prefix?: string | undefined;
  /** Group keys sharing a prefix up to this delimiter into common prefixes. */
  delimiter?: string | undefined;
  /** Start listing after this key (exclusive). */
  startAfter?: string | undefined;
  /** Keys per page requested from the store. @default 1000 */
  pageSize?: number | undefined;
}

export interface ListVersionsOptions extends CallOptions {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  pageSize?: number | undefined;
}

/** One page of a listing: its objects, and with a delimiter the common prefixes that stand for the rest. */
export interface ListPage<T> {
  items: T[];
  commonPrefixes: string[];
}

export interface DeleteObjectOptions extends CallOptions {
  versionId?: string | undefined;
}

/** A key, or a key with the version to delete. */
export type DeleteTarget = string | { key: string; versionId?: string | undefined };

export interface CopyObjectOptions extends CallOptions {
  /** Replace the metadata with this (otherwise the source's is kept). */
  metadata?: Metadata | undefined;
  contentType?: string | undefined;
  sourceVersionId?: string | undefined;
}

/** What a store can and cannot do, as far as the lock core cares. */
export interface StoreCapabilities {
  /** Listing versions is supported (S3 `ListObjectVersions`, B2 `b2_list_file_versions`). */
  listVersions: boolean;
  /** Digest a listing reports for small objects: MD5 (S3 ETag) or SHA-1 (B2 native). */
  listingDigest: 'md5' | 'sha1';
  /** `ifNoneMatch: '*'` is honoured on put (whether atomically is the probe's question). */
  conditionalPut: boolean;
}

/**
 * The narrow interface the lock core needs from a store. Every session implements it.
 * Listings return everything under a prefix, in key order.
 */
export interface ObjectStore {
  readonly capabilities: StoreCapabilities;
  /**
   * Names the bucket behind the session (`s3:{origin}/{bucket}`, `file:{root}`), so facts learned
   * about it (the conditional strategy's qualification) are shared by every session on it.
   * Undefined: facts are kept per session object.
   */
  readonly storeId?: string | undefined;
  putObject(key: string, body: string | Uint8Array, options?: PutObjectOptions): Promise<PutObjectResult>;
  getObject(key: string, options?: GetObjectOptions): Promise<ObjectResponse>;
  headObject(key: string, options?: GetObjectOptions): Promise<ObjectInfo>;
  listObjects(options?: ListObjectsOptions): AsyncIterable<ListedObject>;
  listObjectVersions(options?: ListVersionsOptions): AsyncIterable<ListedVersion>;
  deleteObject(key: string, options?: DeleteObjectOptions): Promise<void>;
}

/** What `deleteObjects` deleted (every key, when it resolves). */
export interface DeleteObjectsResult {
  deleted: { key: string; versionId?: string | undefined }[];
}
