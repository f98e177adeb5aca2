/**
 * `S3Session`: the object API on S3 and S3-compatible stores.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { type PreparedBody, prepareBody } from '../http/request-body.js';
import { HttpTransport } from '../http/transport.js';
import { CoordinationSession } from '../lock/session-base.js';
import type {
  BodyInput,
  CallOptions,
  CopyObjectOptions,
  DeleteObjectOptions,
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
import {
  describe,
  validateKey,
  validateMetadata,
  validateNumber,
  validateOptionalString,
  validateOptions,
  validatePrefix,
  validateSignal,
} from '../store/validate.js';
import { type Addressing, resolveAddressing } from './addressing.js';
import { type DeleteObjectsResult, deleteInBatches } from './delete-objects.js';
import { uploadStream } from './multipart.js';
import { objectInfoFromHeaders, objectResponse, unquoteEtag } from './object-response.js';
import {
  type ResolvedS3Options,
  resolveS3Options,
  type S3SessionOptions,
  s3OptionsFromEnv,
  validateVersionId,
} from './options.js';
import { S3Requester } from './requester.js';
import { encodeKeyPath, presignUrl } from './sigv4/index.js';
import { parseCopyObjectResult, parseListObjectsV2, parseListObjectVersions } from './xml/index.js';

const PUT_OPTIONS = ['metadata', 'contentType', 'ifNoneMatch', 'ifMatch', 'contentLength', 'signal'] as const;
const GET_OPTIONS = ['range', 'versionId', 'ifMatch', 'signal'] as const;
const LIST_OPTIONS = ['prefix', 'delimiter', 'startAfter', 'pageSize', 'signal'] as const;
const LIST_VERSIONS_OPTIONS = ['prefix', 'delimiter', 'pageSize', 'signal'] as const;
const COPY_OPTIONS = ['metadata', 'contentType', 'sourceVersionId', 'signal'] as const;
/** S3 returns at most this many keys per listing page, and deletes at most this many per request. */
export const S3_PAGE_LIMIT = 1000;
/** The methods a presigned URL may be made for. */
const PRESIGN_METHODS: readonly string[] = ['GET', 'PUT', 'HEAD', 'DELETE'];
/** Presigned URLs live at most 7 days (SigV4's limit). */
const DEFAULT_PRESIGN_EXPIRES_S = 900;

/**
 * A session on one S3 bucket: object calls with retries, timeouts and abort signals, over one
 * keep-alive connection pool. No request is sent by the constructor.
 *
 * @example
 * ```ts
 * const s3 = new S3Session({ bucket: 'my-bucket', region: 'eu-west-1', accessKeyId, secretAccessKey });
 * await s3.putObject('hello.txt', 'Hello');
 * console.log(await (await s3.getObject('hello.txt')).text());
 * for await (const o of s3.listObjects({ prefix: 'logs/' })) console.log(o.key, o.size);
 * await s3.close();
 * ```
 */
export class S3Session extends CoordinationSession {
  /** The bucket this session works on. */
  readonly bucket: string;
  /** The signing region. */
  readonly region: string;
  /** What the lock core may rely on. */
  readonly capabilities: StoreCapabilities = {
    listVersions: true,
    listingDigest: 'md5',
    conditionalPut: true,
  };
  readonly #options: ResolvedS3Options;
  readonly #addressing: Addressing;
  /** `s3:{origin}/{bucket}`: what facts about the bucket are cached under. */
  get storeId(): string {
    return `s3:${this.#addressing.origin}/${this.bucket}`;
  }
  readonly #transport: HttpTransport;
  readonly #requester: S3Requester;

  constructor(options: S3SessionOptions) {
    super();
    this.#options = resolveS3Options(options);
    this.bucket = this.#options.bucket;
    this.region = this.#options.region;
    this.#addressing = resolveAddressing(this.#options);
    this.#transport = new HttpTransport(
      this.#addressing.origin,
      this.#options.transport,
      this.#options.dispatcher,
    );
    this.#requester = new S3Requester(this.#transport, this.#addressing, this.#options);
  }

  /**
   * A session configured from the standard AWS environment variables (`AWS_ACCESS_KEY_ID`,
   * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT_URL_S3`), with
   * `options` taking precedence.
   */
  static fromEnv(options: Partial<S3SessionOptions> & { bucket: string }, env = process.env): S3Session {
    return new S3Session({ ...s3OptionsFromEnv(env), ...options } as S3SessionOptions);
  }

  /**
   * Stores an object. Strings and bytes are sent in one request and retried on transient failures.
   * A stream with `contentLength` is sent as one request; without it, it is uploaded in parts of
   * `partSizeBytes` (one request when it fits in a part), with each part retried on its own.
   * Conditional puts (`ifNoneMatch`, `ifMatch`) are not resent after an ambiguous failure: a resent
   * create could report a conflict with its own first attempt.
   */
  async putObject(key: string, body: BodyInput, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    validateKey(key);
    validateOptions(options, PUT_OPTIONS, 'putObject');
    for (const name of ['contentType', 'ifNoneMatch', 'ifMatch'] as const)
      validateOptionalString(options[name], name);
    validateMetadata(options.metadata);
    validateSignal(options.signal);
    validateNumber(options.contentLength, 'contentLength', { integer: true });
    const prepared = prepareBody(body);
    const headers: Record<string, string | undefined> = {
      'content-type': options.contentType ?? 'application/octet-stream',
      'if-none-match': options.ifNoneMatch,
      'if-match': options.ifMatch,
    };
    for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
    const conditional = options.ifNoneMatch !== undefined || options.ifMatch !== undefined;
    if (prepared.kind === 'stream' && options.contentLength === undefined) {
      return uploadStream(this.#requester, {
        key,
        stream: prepared.open(),
        headers,
        partSizeBytes: this.#options.partSizeBytes,
        signal: options.signal,
        putSingle: (bytes) => this.#put(key, { kind: 'bytes', bytes }, headers, conditional, options.signal),
      });
    }
    if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
    return this.#put(key, prepared, headers, conditional, options.signal);
  }

  async #put(
    key: string,
    body: PreparedBody,
    headers: Record<string, string | undefined>,
    conditional: boolean,
    signal: AbortSignal | undefined,
  ): Promise<PutObjectResult> {
    const res = await this.#requester.sendAndDiscard({
      operation: 'PutObject',
      method: 'PUT',
      key,
      headers,
      body,
      safety: conditional ? 'unsafe' : 'idempotent',
      signal,
    });
    return { etag: unquoteEtag(res.headers.etag), versionId: res.headers['x-amz-version-id'] };
  }

  /**
   * Fetches an object. The body streams: consume it with `bytes()`, `text()`, `json()` or as
   * `body`, or free it with `dump()`. A `range` asks for part of it (`{ start: 0, end: 99 }`).
   */
  async getObject(key: string, options: GetObjectOptions = {}): Promise<ObjectResponse> {
    validateKey(key);
    validateOptions(options, GET_OPTIONS, 'getObject');
    validateOptionalString(options.ifMatch, 'ifMatch');
    validateVersionId(options.versionId);
    validateSignal(options.signal);
    const range = rangeHeader(options.range);
    const res = await this.#requester.send({
      operation: 'GetObject',
      method: 'GET',
      key,
      query: { versionId: options.versionId },
      headers: { range, 'if-match': options.ifMatch },
      safety: 'idempotent',
      signal: options.signal,
    });
    return objectResponse(key, res, 'GetObject', options.signal, this.#transport.idleTimeoutMs);
  }

  /** Fetches an object's facts and metadata without its body. 404 → `S3Error` with status 404. */
  async headObject(key: string, options: GetObjectOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    validateOptions(options, GET_OPTIONS, 'headObject');
    validateOptionalString(options.ifMatch, 'ifMatch');
    validateVersionId(options.versionId);
    validateSignal(options.signal);
    const res = await this.#requester.sendAndDiscard({
      operation: 'HeadObject',
      method: 'HEAD',
      key,
      query: { versionId: options.versionId },
      headers: { 'if-match': options.ifMatch },
      safety: 'idempotent',
      signal: options.signal,
    });
    return objectInfoFromHeaders(key, res.headers, 'HeadObject', res.status);
  }

  /** Lists objects page by page (ListObjectsV2), with the common prefixes of each page when a delimiter is given. */
  async *listPages(options: ListObjectsOptions = {}): AsyncGenerator<ListPage<ListedObject>> {
    validateOptions(options, LIST_OPTIONS, 'listObjects');
    validateOptionalString(options.delimiter, 'delimiter');
    validatePrefix(options.prefix);
    validatePrefix(options.startAfter, 'startAfter');
    validateSignal(options.signal);
    validateNumber(options.pageSize, 'pageSize', { min: 1, max: S3_PAGE_LIMIT, integer: true });
    let token: string | undefined;
    do {
      const { text } = await this.#requester.sendForText({
        operation: 'ListObjectsV2',
        method: 'GET',
        query: {
          'list-type': '2',
          // keys may hold characters XML 1.0 cannot carry; url encoding makes every key listable
          'encoding-type': 'url',
          prefix: options.prefix,
          delimiter: options.delimiter,
          'start-after': token === undefined ? options.startAfter : undefined,
          'continuation-token': token,
          'max-keys': String(options.pageSize ?? S3_PAGE_LIMIT),
        },
        safety: 'idempotent',
        signal: options.signal,
      });
      const parsed = parseListObjectsV2(text, 'ListObjectsV2');
      yield parsed.page;
      token = parsed.isTruncated ? parsed.nextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Every object under a prefix, in key order, across all pages. */
  async *listObjects(options: ListObjectsOptions = {}): AsyncGenerator<ListedObject> {
    for await (const page of this.listPages(options)) yield* page.items;
  }

  /** The common prefixes under `prefix` up to `delimiter` (default `/`): the "folders" of a listing. */
  async *listCommonPrefixes(options: ListObjectsOptions = {}): AsyncGenerator<string> {
    for await (const page of this.listPages({ delimiter: '/', ...options })) yield* page.commonPrefixes;
  }

  /** Lists object versions and delete markers page by page (ListObjectVersions), in key order. */
  async *listVersionPages(options: ListVersionsOptions = {}): AsyncGenerator<ListPage<ListedVersion>> {
    validateOptions(options, LIST_VERSIONS_OPTIONS, 'listObjectVersions');
    validateOptionalString(options.delimiter, 'delimiter');
    validatePrefix(options.prefix);
    validateSignal(options.signal);
    validateNumber(options.pageSize, 'pageSize', { min: 1, max: S3_PAGE_LIMIT, integer: true });
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const { text } = await this.#requester.sendForText({
        operation: 'ListObjectVersions',
        method: 'GET',
        query: {
          versions: '',
          'encoding-type': 'url',
          prefix: options.prefix,
          delimiter: options.delimiter,
          'key-marker': keyMarker,
          'version-id-marker': versionIdMarker,
          'max-keys': String(options.pageSize ?? S3_PAGE_LIMIT),
        },
        safety: 'idempotent',
        signal: options.signal,
      });
      const parsed = parseListObjectVersions(text, 'ListObjectVersions');
      yield parsed.page;
      if (!parsed.isTruncated) return;
      keyMarker = parsed.nextKeyMarker;
      versionIdMarker = parsed.nextVersionIdMarker;
    }
  }

  /** Every version and delete marker under a prefix, newest first within a key. */
  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncGenerator<ListedVersion> {
    for await (const page of this.listVersionPages(options)) yield* page.items;
  }

  /** Deletes an object, or one version of it. Deleting a missing key succeeds, as in S3. */
  async deleteObject(key: string, options: DeleteObjectOptions = {}): Promise<void> {
    validateKey(key);
    validateOptions(options, ['versionId', 'signal'], 'deleteObject');
    validateVersionId(options.versionId);
    validateSignal(options.signal);
    await this.#requester.sendAndDiscard({
      operation: 'DeleteObject',
      method: 'DELETE',
      key,
      query: { versionId: options.versionId },
      safety: 'idempotent',
      signal: options.signal,
    });
  }

  /**
   * Deletes many keys (or versions), 1000 per request. Resolves with what was deleted when every
   * key was, in the order the targets were given; otherwise rejects with a `DeleteObjectsError`
   * listing each key that was not and why.
   */
  async deleteObjects(
    targets: Iterable<DeleteTarget>,
    options: CallOptions = {},
  ): Promise<DeleteObjectsResult> {
    // async, so bad input rejects like every other call instead of throwing synchronously
    validateOptions(options, ['signal'], 'deleteObjects');
    validateSignal(options.signal);
    return deleteInBatches(this.#requester, targets, options.signal);
  }

  /** Copies an object within the bucket; keeps its metadata unless new `metadata` is given. */
  async copyObject(
    sourceKey: string,
    destKey: string,
    options: CopyObjectOptions = {},
  ): Promise<PutObjectResult> {
    validateKey(sourceKey, 'sourceKey');
    validateKey(destKey, 'destKey');
    validateOptions(options, COPY_OPTIONS, 'copyObject');
    validateOptionalString(options.contentType, 'contentType');
    validateMetadata(options.metadata);
    validateVersionId(options.sourceVersionId, 'sourceVersionId');
    validateSignal(options.signal);
    const replace = options.metadata !== undefined || options.contentType !== undefined;
    const versionQuery =
      options.sourceVersionId === undefined
        ? ''
        : `?versionId=${encodeURIComponent(options.sourceVersionId)}`;
    const headers: Record<string, string | undefined> = {
      // the copy source names bucket and key whatever the addressing style, key encoded once
      'x-amz-copy-source': `/${this.bucket}/${encodeKeyPath(sourceKey)}${versionQuery}`,
      'x-amz-metadata-directive': replace ? 'REPLACE' : undefined,
      'content-type': replace ? (options.contentType ?? 'application/octet-stream') : undefined,
    };
    for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
    return this.#requester.send(
      {
        operation: 'CopyObject',
        method: 'PUT',
        key: destKey,
        headers,
        safety: 'idempotent',
        signal: options.signal,
      },
      async (res) => {
        // CopyObject can fail after its 200 status line was sent: the error then arrives in the body
        const result = parseCopyObjectResult(await res.body.text(), { method: 'CopyObject', key: destKey });
        return { etag: result.etag, versionId: res.headers['x-amz-version-id'] };
      },
    );
  }

  /**
   * A presigned URL that lets anyone holding it perform `method` on `key` until it expires.
   * @param options.expiresIn seconds, 1 to 604800 (7 days). @default 900
   */
  presign(
    method: 'GET' | 'PUT' | 'HEAD' | 'DELETE',
    key: string,
    options: { expiresIn?: number; versionId?: string } = {},
  ): string {
    if (!PRESIGN_METHODS.includes(method)) {
      throw new ConfigError(
        `presign: method must be one of ${PRESIGN_METHODS.join(', ')}, got ${describe(method)}`,
        'method',
      );
    }
    validateKey(key);
    validateOptions(options, ['expiresIn', 'versionId'], 'presign');
    validateVersionId(options.versionId);
    return presignUrl({
      method,
      origin: this.#addressing.origin,
      host: this.#addressing.host,
      path: this.#requester.pathOf(key),
      query: options.versionId === undefined ? {} : { versionId: options.versionId },
      credentials: this.#options.credentials,
      region: this.region,
      expiresIn: options.expiresIn ?? DEFAULT_PRESIGN_EXPIRES_S,
      now: new Date(this.#options.runtime.wallNow()),
    });
  }

  /** Creates the session's bucket (in the session's region). For tests and tools. */
  async createBucket(options: CallOptions = {}): Promise<void> {
    validateOptions(options, ['signal'], 'createBucket');
    const body =
      this.region === 'us-east-1'
        ? undefined
        : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${this.region}</LocationConstraint></CreateBucketConfiguration>`;
    await this.#requester.sendAndDiscard({
      operation: 'CreateBucket',
      method: 'PUT',
      body: body === undefined ? undefined : { kind: 'bytes', bytes: Buffer.from(body) },
      safety: 'unsafe',
      signal: options.signal,
    });
  }

  /** Turns versioning on (or suspends it) for the session's bucket. */
  async setBucketVersioning(enabled: boolean, options: CallOptions = {}): Promise<void> {
    validateOptions(options, ['signal'], 'setBucketVersioning');
    const xml = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${enabled ? 'Enabled' : 'Suspended'}</Status></VersioningConfiguration>`;
    const bytes = Buffer.from(xml);
    await this.#requester.sendAndDiscard({
      operation: 'PutBucketVersioning',
      method: 'PUT',
      query: { versioning: '' },
      headers: { 'content-md5': createHash('md5').update(bytes).digest('base64') },
      body: { kind: 'bytes', bytes },
      safety: 'idempotent',
      signal: options.signal,
    });
  }

  /** Deletes the session's (empty) bucket. For tests and tools. */
  async deleteBucket(options: CallOptions = {}): Promise<void> {
    validateOptions(options, ['signal'], 'deleteBucket');
    await this.#requester.sendAndDiscard({
      operation: 'DeleteBucket',
      method: 'DELETE',
      safety: 'idempotent',
      signal: options.signal,
    });
  }

  /** Closes the connection pool (never a `dispatcher` given in the options). Calls made afterwards fail. Idempotent. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** `await using s3 = new S3Session(…)` closes the pool at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function rangeHeader(range: GetObjectOptions['range']): string | undefined {
  if (range === undefined) return undefined;
  validateOptions(range, ['start', 'end'], 'getObject range');
  validateNumber(range.start, 'range.start', { integer: true });
  validateNumber(range.end, 'range.end', { min: range.start, integer: true });
  if (range.start === undefined) throw new ConfigError('range.start is required', 'range');
  return `bytes=${range.start}-${range.end ?? ''}`;
}
