/**
 * `MemorySession`: an S3 bucket in the process's memory, for tests and single-process coordination.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { ConfigError } from '../../errors.js';
import type {
  ListedObject,
  ListedVersion,
  ObjectInfo,
  PutObjectResult,
  StoreCapabilities,
} from '../../store/types.js';
import { describe, validateOptions } from '../../store/validate.js';
import { checkContentLength, readBody } from '../object-body.js';
import { EmbeddedSession } from '../session.js';
import type { Method } from '../store-errors.js';
import type { FoundObject, WriteRequest } from '../types.js';
import { MemoryBucket, type MemoryVersion, type MemoryVersionEntry } from './memory-bucket.js';

/** Options of {@link MemorySession}. */
export interface MemorySessionOptions {
  /**
   * Keep versions, like an S3 bucket with versioning enabled: every put creates a version with a
   * random id, a delete without a version id leaves a delete marker. Otherwise version ids are
   * `'null'`, as in an S3 bucket that never had versioning. @default false
   */
  versioning?: boolean | undefined;
  /** The clock for `lastModified`, in epoch milliseconds (fractions dropped). @default Date.now */
  now?: (() => number) | undefined;
}

const KNOWN_OPTIONS = ['versioning', 'now'] as const;
/** The storage class S3 lists for ordinary objects. */
const STORAGE_CLASS = 'STANDARD';

/**
 * An S3 bucket in memory with the full object API of `S3Session` (same methods, options, errors
 * and listing order) and its locks. Conditional puts are atomic, `ifMatch` included. Data lives
 * as long as the session; each session is its own bucket.
 *
 * @example
 * ```ts
 * const store = new MemorySession();
 * await store.putObject('a.txt', 'hello', { ifNoneMatch: '*' });
 * await using lock = await store.lock('job');
 * ```
 */
export class MemorySession extends EmbeddedSession<MemoryVersion, MemoryVersionEntry> {
  /** MD5 ETags as S3 lists them, atomic conditional puts, version listings. */
  readonly capabilities: StoreCapabilities = {
    listVersions: true,
    listingDigest: 'md5',
    conditionalPut: true,
  };
  /** Whether puts create versions and deletes leave delete markers. */
  readonly versioning: boolean;
  readonly #bucket: MemoryBucket;

  constructor(options: MemorySessionOptions = {}) {
    super();
    validateOptions(options, KNOWN_OPTIONS, 'MemorySession');
    if (options.versioning !== undefined && typeof options.versioning !== 'boolean') {
      throw new ConfigError(
        `versioning must be a boolean, got ${describe(options.versioning)}`,
        'versioning',
      );
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new ConfigError(`now must be a function, got ${describe(options.now)}`, 'now');
    }
    this.versioning = options.versioning ?? false;
    this.#bucket = new MemoryBucket(this.versioning, options.now ?? Date.now);
  }

  protected async write(request: WriteRequest): Promise<PutObjectResult> {
    const body = await readBody(request.body, request.signal);
    checkContentLength(request.contentLength, body.length);
    const version = this.#bucket.put(request.key, body, request.fields, request, request.method);
    return this.#withVersion({ etag: version.etag }, version);
  }

  protected async find(key: string, versionId: string | undefined, method: Method): Promise<FoundObject> {
    const version = this.#bucket.find(key, versionId, method);
    const info: ObjectInfo = this.#withVersion(
      {
        key,
        size: version.body.length,
        etag: version.etag,
        lastModified: new Date(version.lastModifiedMs),
        contentType: version.fields.contentType,
        metadata: { ...version.fields.metadata },
      },
      version,
      versionId,
    );
    return {
      info,
      body: (start, end) => ({
        // a copy, so a reader cannot change what is stored
        open: () =>
          Readable.from([Buffer.from(version.body.subarray(start, end + 1))], { objectMode: false }),
        release: async () => {},
      }),
      release: async () => {},
    };
  }

  protected async snapshotObjects(prefix: string): Promise<MemoryVersion[]> {
    return this.#bucket.objects(prefix);
  }

  protected async describeObjects(entries: MemoryVersion[]): Promise<ListedObject[]> {
    return entries.map((v) => ({
      key: v.key,
      size: v.body.length,
      etag: v.etag,
      lastModified: new Date(v.lastModifiedMs),
      storageClass: STORAGE_CLASS,
    }));
  }

  protected async snapshotVersions(prefix: string): Promise<MemoryVersionEntry[]> {
    return this.#bucket.versions(prefix);
  }

  protected async describeVersions(entries: MemoryVersionEntry[]): Promise<ListedVersion[]> {
    return entries.map(({ key, version, isLatest }) => ({
      key,
      versionId: version.versionId,
      isLatest,
      isDeleteMarker: version.deleteMarker,
      size: version.body.length,
      etag: version.etag,
      lastModified: new Date(version.lastModifiedMs),
    }));
  }

  protected async remove(key: string, versionId: string | undefined): Promise<void> {
    this.#bucket.remove(key, versionId);
  }

  /**
   * Adds the version id where S3 reports one: always in a bucket with versions; without, only when
   * the caller named a version (S3 answers `?versionId=null` with `x-amz-version-id: null`).
   */
  #withVersion<T extends object>(
    value: T,
    version: MemoryVersion,
    asked?: string,
  ): T & { versionId?: string } {
    return this.versioning || asked !== undefined ? { ...value, versionId: version.versionId } : value;
  }
}
