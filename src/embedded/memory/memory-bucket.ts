/**
 * The data of a `MemorySession`: every key's versions, newest first, changed only by synchronous
 * methods, so each call is atomic with respect to every other (conditions included).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { compareKeys } from '../../store/key-order.js';
import { putConditionFailure } from '../call-checks.js';
import { md5Hex } from '../object-body.js';
import {
  deleteMarkerRead,
  type Method,
  noSuchKey,
  noSuchVersion,
  preconditionFailed,
} from '../store-errors.js';
import type { StoredFields } from '../types.js';

/** The version id S3 gives objects in a bucket that does not keep versions. */
export const NULL_VERSION_ID = 'null';
/** Random bytes in a generated version id (S3's are 32 characters; these are 32 hex digits). */
const VERSION_ID_BYTES = 16;

/** One stored version of a key (an object, or a delete marker). Never changed once stored. */
export interface MemoryVersion {
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModifiedMs: number;
  readonly fields: StoredFields;
}

/** A version as a versions listing shows it: with whether it is the key's latest. */
export interface MemoryVersionEntry {
  readonly key: string;
  readonly version: MemoryVersion;
  readonly isLatest: boolean;
}

/** Keys and their versions, for one `MemorySession`. */
export class MemoryBucket {
  /** Versions of each key, newest first; a key without versions is not in the map. */
  readonly #keys = new Map<string, MemoryVersion[]>();
  readonly #versioning: boolean;
  readonly #now: () => number;

  constructor(versioning: boolean, now: () => number) {
    this.#versioning = versioning;
    this.#now = now;
  }

  /** Stores `body` under `key` if the conditions hold (checked and applied in one step). */
  put(
    key: string,
    body: Buffer,
    fields: StoredFields,
    conditions: { ifNoneMatch: string | undefined; ifMatch: string | undefined },
    method: Method,
  ): MemoryVersion {
    const failure = putConditionFailure(this.current(key)?.etag, conditions);
    if (failure === 'missing') throw noSuchKey(method, key);
    if (failure === 'precondition') throw preconditionFailed(method, key);
    const version = this.#newVersion(key, { deleteMarker: false, body, etag: md5Hex(body), fields });
    this.#store(version);
    return version;
  }

  /** The key's current object, or undefined when it has none (or its latest version is a delete marker). */
  current(key: string): MemoryVersion | undefined {
    const latest = this.#keys.get(key)?.[0];
    return latest?.deleteMarker ? undefined : latest;
  }

  /** The current object or the named version, or the error S3 would answer with. */
  find(key: string, versionId: string | undefined, method: Method): MemoryVersion {
    if (versionId === undefined) {
      const current = this.current(key);
      if (!current) throw noSuchKey(method, key);
      return current;
    }
    const version = this.#keys.get(key)?.find((v) => v.versionId === versionId);
    if (!version) throw noSuchVersion(method, key);
    if (version.deleteMarker) throw deleteMarkerRead(method, key);
    return version;
  }

  /**
   * Deletes as S3 does: a version by id (an unknown id is no error); without an id, the object in a
   * bucket without versions, else a new delete marker (even when the key has no versions yet).
   */
  remove(key: string, versionId: string | undefined): void {
    if (versionId !== undefined) {
      const rest = (this.#keys.get(key) ?? []).filter((v) => v.versionId !== versionId);
      if (rest.length > 0) this.#keys.set(key, rest);
      else this.#keys.delete(key);
    } else if (this.#versioning) {
      this.#store(
        this.#newVersion(key, { deleteMarker: true, body: Buffer.alloc(0), etag: '', fields: EMPTY }),
      );
    } else {
      this.#keys.delete(key);
    }
  }

  /** The current objects under `prefix`, in S3 key order. */
  objects(prefix: string): MemoryVersion[] {
    const found: MemoryVersion[] = [];
    for (const key of this.#keysUnder(prefix)) {
      const current = this.current(key);
      if (current) found.push(current);
    }
    return found;
  }

  /** Every version and delete marker under `prefix`, in key order, newest first within a key. */
  versions(prefix: string): MemoryVersionEntry[] {
    const found: MemoryVersionEntry[] = [];
    for (const key of this.#keysUnder(prefix)) {
      const versions = this.#keys.get(key) ?? [];
      for (const [i, version] of versions.entries()) found.push({ key, version, isLatest: i === 0 });
    }
    return found;
  }

  #keysUnder(prefix: string): string[] {
    return [...this.#keys.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }

  #newVersion(
    key: string,
    parts: Omit<MemoryVersion, 'key' | 'versionId' | 'lastModifiedMs'>,
  ): MemoryVersion {
    return {
      key,
      versionId: this.#versioning ? randomBytes(VERSION_ID_BYTES).toString('hex') : NULL_VERSION_ID,
      // S3 keeps milliseconds; the clock is the only source of time, so tests can drive it
      lastModifiedMs: Math.floor(this.#now()),
      ...parts,
    };
  }

  #store(version: MemoryVersion): void {
    const older = this.#versioning ? (this.#keys.get(version.key) ?? []) : [];
    this.#keys.set(version.key, [version, ...older]);
  }
}

const EMPTY: StoredFields = Object.freeze({
  contentType: '',
  metadata: Object.freeze({}) as Record<string, string>,
});
