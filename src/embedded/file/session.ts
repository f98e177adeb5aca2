/**
 * `FileSession`: a directory as an S3 bucket, shared safely by the processes of one machine.
 *
 * @module
 */
import { resolve } from 'node:path';
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
import { putConditionFailure } from '../call-checks.js';
import { bodyChunks, checkContentLength } from '../object-body.js';
import { EmbeddedSession } from '../session.js';
import { type Method, noSuchKey, noSuchVersion, preconditionFailed } from '../store-errors.js';
import type { FoundObject, WriteRequest } from '../types.js';
import { nextTimestampMs } from './clock.js';
import { withKeyMutex } from './key-mutex.js';
import { type FileEntry, FileLayout } from './layout.js';
import { PendingObject } from './pending-object.js';
import { describeEntries, type OpenObject, openObject } from './reader.js';

/** Options of {@link FileSession}. */
export interface FileSessionOptions {
  /** The directory that holds the store; created on first use. Relative paths resolve against the working directory. */
  root: string;
}

/** The only version id: a directory keeps no versions, like an S3 bucket that never had versioning. */
const NULL_VERSION_ID = 'null';

/**
 * A directory as a bucket, with the full object API of `S3Session` and its locks, safe across the
 * processes of one machine (on a local POSIX file system: Linux, macOS).
 *
 * - Writes are atomic (written aside, then renamed into place); a reader never sees a partial body
 *   or a body with another write's metadata. `ifNoneMatch: '*'` is atomic across processes (link).
 * - `ifMatch` and `ifNoneMatch: etag` are atomic among the calls of one process, not across
 *   processes: another process may write between the check and the write. The lock core does not
 *   use them.
 * - Listings are in S3 key order with millisecond timestamps that never go backwards between
 *   writes of one process. Versions are not kept: a versions listing shows each current object
 *   with version id `'null'`, as an S3 bucket without versioning does.
 * - Data is not fsynced: it survives a crash of any process, not necessarily a power loss.
 *
 * @example
 * ```ts
 * const store = new FileSession({ root: '/var/lib/myapp/locks' });
 * await store.withLock('nightly-report', async (signal) => runReport(signal));
 * ```
 */
export class FileSession extends EmbeddedSession<FileEntry, FileEntry> {
  /** MD5 ETags as S3 lists them, create-only puts, version listings (current versions only). */
  readonly capabilities: StoreCapabilities = {
    listVersions: true,
    listingDigest: 'md5',
    conditionalPut: true,
  };
  /** The store's directory, absolute. */
  readonly root: string;
  /** `file:{root}`: what facts about the store are cached under. */
  get storeId(): string {
    return `file:${this.root}`;
  }
  readonly #layout: FileLayout;
  #prepared: Promise<void> | undefined;

  constructor(options: FileSessionOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new ConfigError(`FileSession: options must be an object, got ${describe(options)}`);
    }
    validateOptions(options, ['root'], 'FileSession');
    if (typeof options.root !== 'string' || options.root === '') {
      throw new ConfigError(`root must be a non-empty path string, got ${describe(options.root)}`, 'root');
    }
    this.root = resolve(options.root);
    this.#layout = new FileLayout(this.root);
  }

  protected async write(request: WriteRequest): Promise<PutObjectResult> {
    await this.#prepare();
    const pending = await PendingObject.create(this.#layout);
    try {
      for await (const chunk of bodyChunks(request.body, request.signal)) await pending.append(chunk);
      checkContentLength(request.contentLength, pending.size);
      const etag = pending.etag();
      const target = this.#layout.objectPath(request.key);
      return await withKeyMutex(target, async () => {
        await this.#checkConditions(request, target);
        // stamped inside the mutex, so writes of one key from this process are stamped in order
        await pending.finish({
          etag,
          size: pending.size,
          lastModifiedMs: nextTimestampMs(),
          ...request.fields,
        });
        const mode = request.ifNoneMatch === '*' ? 'create' : 'replace';
        if (!(await pending.commit(target, mode))) throw preconditionFailed(request.method, request.key);
        return { etag };
      });
    } finally {
      await pending.discard();
    }
  }

  /** `ifMatch` and `ifNoneMatch: etag` compare with the current file (atomic within this process only). */
  async #checkConditions(request: WriteRequest, target: string): Promise<void> {
    const needsCurrent = request.ifMatch !== undefined || (request.ifNoneMatch ?? '*') !== '*';
    if (!needsCurrent) return;
    const current = await openObject(target);
    await current?.release();
    const failure = putConditionFailure(current?.header.etag, request);
    if (failure === 'missing') throw noSuchKey(request.method, request.key);
    if (failure === 'precondition') throw preconditionFailed(request.method, request.key);
  }

  protected async find(key: string, versionId: string | undefined, method: Method): Promise<FoundObject> {
    await this.#prepare();
    const found = await openObject(this.#layout.objectPath(key));
    if (versionId !== undefined && versionId !== NULL_VERSION_ID) {
      await found?.release();
      throw noSuchVersion(method, key);
    }
    if (!found) throw noSuchKey(method, key);
    const { header } = found;
    const info: ObjectInfo = {
      key,
      size: header.size,
      etag: header.etag,
      lastModified: new Date(header.lastModifiedMs),
      contentType: header.contentType,
      metadata: { ...header.metadata },
      // S3 names the version of an unversioned object only when asked for it (`?versionId=null`)
      ...(versionId === undefined ? {} : { versionId: NULL_VERSION_ID }),
    };
    return { info, body: (start, end) => bodySource(found, start, end), release: () => found.release() };
  }

  protected async snapshotObjects(prefix: string): Promise<FileEntry[]> {
    await this.#prepare();
    return this.#layout.list(prefix);
  }

  protected async describeObjects(entries: FileEntry[]): Promise<ListedObject[]> {
    return (await describeEntries(entries)).map(({ key, header }) => ({
      key,
      size: header.size,
      etag: header.etag,
      lastModified: new Date(header.lastModifiedMs),
      storageClass: 'STANDARD',
    }));
  }

  protected snapshotVersions(prefix: string): Promise<FileEntry[]> {
    return this.snapshotObjects(prefix);
  }

  protected async describeVersions(entries: FileEntry[]): Promise<ListedVersion[]> {
    return (await describeEntries(entries)).map(({ key, header }) => ({
      key,
      versionId: NULL_VERSION_ID,
      isLatest: true,
      isDeleteMarker: false,
      size: header.size,
      etag: header.etag,
      lastModified: new Date(header.lastModifiedMs),
    }));
  }

  /** Deletes the object; a version id other than `'null'` names nothing and deletes nothing (as Ceph RGW). */
  protected async remove(key: string, versionId: string | undefined): Promise<void> {
    if (versionId !== undefined && versionId !== NULL_VERSION_ID) return;
    await this.#prepare();
    const target = this.#layout.objectPath(key);
    await withKeyMutex(target, () => this.#layout.remove(target));
  }

  #prepare(): Promise<void> {
    this.#prepared ??= this.#layout.prepare(Date.now()).catch((error: unknown) => {
      this.#prepared = undefined; // let a later call try again (the directory may be created meanwhile)
      throw error;
    });
    return this.#prepared;
  }
}

/** Bytes `start`..`end` of an open object's body; the stream closes the file when done. */
function bodySource(found: OpenObject, start: number, end: number) {
  return {
    open: (): Readable => {
      if (end < start) {
        found.release().catch(() => {});
        return Readable.from([], { objectMode: false });
      }
      return found.handle.createReadStream({ start, end, autoClose: true });
    },
    release: () => found.release(),
  };
}
