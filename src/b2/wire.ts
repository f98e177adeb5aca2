/**
 * The JSON the B2 native API answers with, as far as this client reads it, and checks that turn an
 * unexpected answer into a `ResponseError` rather than a crash further on.
 *
 * @module
 */
import { ResponseError } from '../errors.js';

/** What a file version entry says it is (`b2_list_file_versions` and friends). */
export type B2Action = 'upload' | 'hide' | 'start' | 'folder' | 'copy';

/** A file version as B2 describes it in listings, uploads, copies and `b2_get_file_info`. */
export interface B2File {
  action: B2Action;
  fileName: string;
  /** Null for `folder` entries. */
  fileId: string | null;
  contentLength: number;
  /** Hex SHA-1; `none` (or null) for large files and hide markers. */
  contentSha1: string | null;
  contentType: string | null;
  fileInfo: Record<string, string>;
  /** Milliseconds since the epoch; B2 fills in whole seconds. 0 for folders. */
  uploadTimestamp: number;
}

/** One page of `b2_list_file_names` or `b2_list_file_versions`. */
export interface B2FileList {
  files: B2File[];
  nextFileName: string | null;
  /** Only from `b2_list_file_versions`. */
  nextFileId?: string | null | undefined;
}

/** A 40-character hex SHA-1. */
const SHA1_HEX = /^[0-9a-f]{40}$/i;

/**
 * The SHA-1 a file version lists, lower case, or '' when B2 has none for it: large files list
 * `none` unless their uploader stored `large_file_sha1`, hide markers have no content.
 */
export function digestOf(file: Pick<B2File, 'contentSha1' | 'fileInfo'>): string {
  const sha1 = file.contentSha1 ?? '';
  if (SHA1_HEX.test(sha1)) return sha1.toLowerCase();
  const large = file.fileInfo.large_file_sha1 ?? '';
  return SHA1_HEX.test(large) ? large.toLowerCase() : '';
}

/** Checks that `value` looks like a B2 file entry; throws `ResponseError` naming `api` otherwise. */
export function asFile(value: unknown, api: string): B2File {
  const f = value as Partial<B2File> | null;
  if (
    typeof f !== 'object' ||
    f === null ||
    typeof f.fileName !== 'string' ||
    typeof f.action !== 'string' ||
    (f.fileId !== null && typeof f.fileId !== 'string') ||
    typeof f.uploadTimestamp !== 'number'
  ) {
    throw malformed(api, 'a file entry without fileName, action, fileId or uploadTimestamp');
  }
  return {
    action: f.action,
    fileName: f.fileName,
    fileId: f.fileId,
    contentLength: typeof f.contentLength === 'number' ? f.contentLength : 0,
    contentSha1: typeof f.contentSha1 === 'string' ? f.contentSha1 : null,
    contentType: typeof f.contentType === 'string' ? f.contentType : null,
    fileInfo: typeof f.fileInfo === 'object' && f.fileInfo !== null ? f.fileInfo : {},
    uploadTimestamp: f.uploadTimestamp,
  };
}

/** Checks a listing page. */
export function asFileList(value: unknown, api: string): B2FileList {
  const page = value as Partial<B2FileList> | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.files)) {
    throw malformed(api, 'a listing without a files array');
  }
  const next = page.nextFileName;
  if (next !== null && next !== undefined && typeof next !== 'string') {
    throw malformed(api, 'nextFileName is not a string');
  }
  return {
    files: page.files.map((f) => asFile(f, api)),
    nextFileName: next ?? null,
    nextFileId: typeof page.nextFileId === 'string' ? page.nextFileId : null,
  };
}

/** Reads a required string field of a JSON object. */
export function stringField(value: unknown, field: string, api: string): string {
  const got = (value as Record<string, unknown> | null)?.[field];
  if (typeof got !== 'string' || got.length === 0) throw malformed(api, `no ${field} in the response`);
  return got;
}

/** A `ResponseError` for a 200 answer that is not what `api` documents. */
export function malformed(api: string, what: string): ResponseError {
  return new ResponseError(`${api} answered with ${what}`, { status: 200, method: api });
}
