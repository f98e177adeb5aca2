/**
 * `S3Session`: the object API on S3 and S3-compatible stores.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError, CredentialsError } from '../errors.js';
import { discard } from '../http/response-body.js';
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
import { type PreparedBody, prepareBody } from '../store/request-body.js';
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
import { type CredentialsCache, infoOf } from './credentials/cache.js';
import { sessionCredentials } from './credentials/session-credentials.js';
import type { CredentialsInfo } from './credentials/types.js';
import { deleteInBatches } from './delete-objects.js';
import { uploadStream } from './multipart.js';
import { objectInfoFromHeaders, objectResponse, unquoteEtag } from './object-response.js';
import {
  type ResolvedS3Options,
  resolveS3Options,
  type S3SessionOptions,
  s3EndpointFromEnv,
  validateVersionId,
} from './options.js';
import { S3Requester } from './requester.js';
import { presignUrl } from './sigv4/presign.js';
import { encodeKeyPath } from './sigv4/sign.js';
import { S3Site } from './site.js';
import { parseCopyObjectResult, parseListObjectsV2, parseListObjectVersions } from './xml/index.js';

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
 * Credentials come from `credentials` (static, or a provider such as the AWS SDK's
 * `fromNodeProviderChain()`), from `accessKeyId`/`secretAccessKey`, or else from the default chain
 * the AWS SDKs use (environment, profile, web identity, container, EC2), fetched on the first
 * request and refreshed ahead of expiry, so locks held for days survive credential rotation.
 *
 * @example
 * ```ts
 * const s3 = new S3Session({ bucket: 'my-bucket' }); // credentials and region as the AWS CLI finds them
 * await s3.putObject('hello.txt', 'Hello');
 * console.log(await (await s3.getObject('hello.txt')).text());
 * for await (const o of s3.listObjects({ prefix: 'logs/' })) console.log(o.key, o.size);
 * await s3.close();
 * ```
 */
export class S3Session extends CoordinationSession {
  /** The bucket this session works on. */
  readonly bucket: string;
  /** What the lock core may rely on. */
  readonly capabilities: StoreCapabilities = {
    listVersions: true,
    listingDigest: 'md5',
    conditionalPut: true,
  };
  readonly #options: ResolvedS3Options;
  readonly #site: S3Site;
  readonly #credentials: CredentialsCache;
  readonly #requester: S3Requester;

  /**
   * @param env the environment the default credentials chain and the region are read from
   * @throws ConfigError for bad options, before any request
   */
  constructor(options: S3SessionOptions, env: NodeJS.ProcessEnv = process.env) {
    super();
    this.#options = resolveS3Options(options, env);
    this.bucket = this.#options.bucket;
    this.#site = new S3Site(this.#options, env);
    this.#credentials = sessionCredentials(this.#options.credentials, {
      env,
      region: () => this.#site.region,
      onEvent: this.#options.onDebug,
    });
    this.#requester = new S3Requester(this.#site, this.#credentials, this.#options);
  }

  /**
   * The region requests are signed for: the option, `AWS_REGION`, `AWS_DEFAULT_REGION`, the
   * profile's (once the first request has read it), `us-east-1`, or the bucket's own once the store
   * has named it.
   */
  get region(): string {
    return this.#site.region;
  }

  /** `s3:{origin}/{bucket}`: what facts about the bucket are cached under. */
  get storeId(): string {
    return this.#site.storeId;
  }

  /**
   * A session configured as the AWS SDKs configure themselves from the environment: the endpoint
   * from `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`), and, like `new S3Session`, the region from
   * `AWS_REGION`/`AWS_DEFAULT_REGION`/the profile and the credentials from the default chain
   * (`AWS_ACCESS_KEY_ID`… first). `options` take precedence.
   */
  static fromEnv(options: Partial<S3SessionOptions> & { bucket: string }, env = process.env): S3Session {
    const endpoint = s3EndpointFromEnv(typeof env === 'object' && env !== null ? env : {});
    return new S3Session(
      { ...(endpoint === undefined ? {} : { endpoint }), ...options } as S3SessionOptions,
      env,
    );
  }

  /**
   * Fetches the credentials if none are at hand (running the default chain or the provider), and
   * says where they came from, with the access key id and the expiration: never the secret. Also
   * settles the region, so `presign` can be used afterwards.
   *
   * @throws CredentialsError when no credentials can be had, naming every source tried
   */
  async resolveCredentials(options: CallOptions = {}): Promise<CredentialsInfo> {
    validateOptions(options, ['signal'], 'resolveCredentials');
    validateSignal(options.signal);
    await this.#site.ready();
    return infoOf(await this.#credentials.get(options.signal));
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
    const { res, attempts } = await this.#requester.send(
      {
        operation: 'PutObject',
        method: 'PUT',
        key,
        headers,
        body,
        safety: conditional ? 'unsafe' : 'idempotent',
        signal,
      },
      async (answer, attempt) => {
        await discard(answer.body);
        return { res: answer, attempts: attempt };
      },
    );
    return { etag: unquoteEtag(res.headers.etag), versionId: res.headers['x-amz-version-id'], attempts };
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
    return objectResponse(key, res, 'GetObject', options.signal, this.#site.transport().idleTimeoutMs);
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
    validateOptions(options, DELETE_OPTIONS, 'deleteObject');
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
   * A presigned URL that lets anyone holding it perform `method` on `key` until it expires (and no
   * longer than temporary credentials last). Signing needs credentials at hand: static ones always
   * are; those of a provider or the default chain are after the first request or
   * `await s3.resolveCredentials()`.
   * @param options.expiresIn seconds, 1 to 604800 (7 days). @default 900
   * @throws CredentialsError when no credentials are at hand yet
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
    const credentials = this.#credentials.peek();
    if (credentials === undefined) {
      throw new CredentialsError(
        'presign needs credentials at hand: call `await s3.resolveCredentials()` once first (they come from a provider or the default chain)',
      );
    }
    const addressing = this.#site.addressing;
    return presignUrl({
      method,
      origin: addressing.origin,
      host: addressing.host,
      path: this.#requester.pathOf(key),
      query: options.versionId === undefined ? {} : { versionId: options.versionId },
      credentials,
      region: this.region,
      expiresIn: options.expiresIn ?? DEFAULT_PRESIGN_EXPIRES_S,
      now: new Date(this.#options.runtime.wallNow()),
    });
  }

  /** Creates the session's bucket (in the session's region). For tests and tools. */
  async createBucket(options: CallOptions = {}): Promise<void> {
    validateOptions(options, ['signal'], 'createBucket');
    await this.#site.ready();
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

  /** Closes the connection pool. Calls made afterwards fail. Idempotent. */
  close(): Promise<void> {
    return this.#site.close();
  }

  /** `await using s3 = new S3Session(…)` closes the pool at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
