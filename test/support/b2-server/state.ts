/**
 * Everything the B2 test server knows: keys and tokens, buckets and their files, the clock, and a
 * log of the uploads it received. Handlers work on this; the HTTP layer stays in server.ts.
 */
import { Accounts } from './accounts.js';
import { BucketState, type FileVersion, fileIdFor } from './bucket.js';
import { badRequest, encodeName } from './http.js';

/** What a recorded upload carried, for tests that check every upload was verified. */
export interface UploadRecord {
  api: 'b2_upload_file' | 'b2_upload_part';
  fileName: string;
  /** The `X-Bz-Content-Sha1` header as sent. */
  sha1Header: string | undefined;
  verified: boolean;
}

export interface StateOptions {
  /** Wall clock in epoch ms. @default Date.now */
  now: () => number;
  /** `uploadTimestamp` granularity: B2 fills in whole seconds (values end in 000). @default 1000 */
  timestampGranularityMs: number;
  /** Smallest part of a large file but the last; B2's `absoluteMinimumPartSize`. @default 5_000_000 */
  minimumPartSize: number;
}

export class ServerState {
  readonly accounts = new Accounts();
  readonly buckets = new Map<string, BucketState>();
  readonly uploads: UploadRecord[] = [];
  baseUrl = '';
  #seq = 0;
  #bucketSeq = 0;

  constructor(readonly options: StateOptions) {}

  createBucket(bucketName: string): BucketState {
    const bucketId = `b2bucket${(++this.#bucketSeq).toString(16).padStart(16, '0')}`;
    const bucket = new BucketState(bucketId, bucketName);
    this.buckets.set(bucketId, bucket);
    return bucket;
  }

  bucketByName(name: string): BucketState | undefined {
    return [...this.buckets.values()].find((b) => b.bucketName === name);
  }

  /** The bucket with this id; 400 bad_request for an unknown one, as B2 answers. */
  bucket(bucketId: string): BucketState {
    const bucket = this.buckets.get(bucketId);
    if (!bucket) throw badRequest(`Invalid bucketId: ${bucketId}`);
    return bucket;
  }

  /** Finds a file version by id in any bucket. */
  findFile(fileId: string): { bucket: BucketState; version: FileVersion } | undefined {
    for (const bucket of this.buckets.values()) {
      const version = bucket.byId.get(fileId);
      if (version) return { bucket, version };
    }
    return undefined;
  }

  /** Upload timestamp of a write happening now, at B2's granularity. */
  timestamp(): number {
    const g = this.options.timestampGranularityMs;
    const now = this.options.now();
    return g > 1 ? Math.floor(now / g) * g : now;
  }

  /** Stores a new version. */
  addVersion(
    bucket: BucketState,
    fields: Omit<FileVersion, 'fileId' | 'seq' | 'uploadTimestamp'>,
  ): FileVersion {
    const seq = ++this.#seq;
    const version: FileVersion = {
      ...fields,
      fileId: fileIdFor(bucket.bucketId, seq),
      seq,
      uploadTimestamp: this.timestamp(),
    };
    bucket.add(version);
    return version;
  }

  /** The JSON B2 uses for a file version. */
  fileJson(bucket: BucketState, v: FileVersion, action: string = v.action): Record<string, unknown> {
    return {
      accountId: this.accounts.accountId,
      action,
      bucketId: bucket.bucketId,
      contentLength: v.action === 'upload' ? v.data.length : 0,
      contentMd5: null,
      contentSha1: v.contentSha1,
      contentType: v.action === 'hide' ? null : v.contentType,
      fileId: v.fileId,
      fileInfo: v.fileInfo,
      fileName: v.fileName,
      fileRetention: { isClientAuthorizedToRead: false, value: null },
      legalHold: { isClientAuthorizedToRead: false, value: null },
      replicationStatus: null,
      serverSideEncryption: { algorithm: null, mode: null },
      uploadTimestamp: v.uploadTimestamp,
    };
  }

  /** A `folder` entry of a listing with a delimiter. */
  folderJson(name: string): Record<string, unknown> {
    return {
      action: 'folder',
      contentLength: 0,
      contentSha1: null,
      contentType: null,
      fileId: null,
      fileInfo: {},
      fileName: name,
      uploadTimestamp: 0,
    };
  }

  /** Download headers of a version (`x-bz-*`), names and info values percent-encoded. */
  downloadHeaders(v: FileVersion): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': v.contentType,
      'x-bz-file-id': v.fileId,
      'x-bz-file-name': encodeName(v.fileName),
      'x-bz-content-sha1': v.contentSha1,
      'x-bz-upload-timestamp': String(v.uploadTimestamp),
      'accept-ranges': 'bytes',
    };
    for (const [name, value] of Object.entries(v.fileInfo)) headers[`x-bz-info-${name}`] = encodeName(value);
    return headers;
  }
}
