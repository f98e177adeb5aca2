/**
 * One bucket of the B2 test server: every file version in memory, and the listings B2 computes
 * over them (names in UTF-8 byte order, versions newest first within a name, folders for a
 * delimiter, `startFileName`/`startFileId` paging).
 */
import { compareKeys } from '../../../src/store/key-order.js';
import { badRequest } from './http.js';

/** A version of a file: an upload, a hide marker, or an unfinished large file. */
export interface FileVersion {
  fileId: string;
  fileName: string;
  action: 'upload' | 'hide' | 'start';
  data: Buffer;
  /** Hex SHA-1, or `none` for large files and hide markers. */
  contentSha1: string;
  contentType: string;
  fileInfo: Record<string, string>;
  uploadTimestamp: number;
  /** Creation order; larger is newer. */
  seq: number;
  /** Parts of an unfinished large file. */
  parts?: Map<number, { data: Buffer; sha1: string }>;
}

/** B2's limits on `maxFileCount` (b2_list_file_names: default 100, at most 10,000). */
const DEFAULT_MAX_FILE_COUNT = 100;
const MAX_FILE_COUNT = 10_000;

/** A listing page as B2 returns it, before turning versions into JSON. */
export interface ListResult {
  entries: (FileVersion | { folder: string })[];
  nextFileName: string | null;
  nextFileId: string | null;
}

export class BucketState {
  readonly versions = new Map<string, FileVersion[]>();
  readonly byId = new Map<string, FileVersion>();

  constructor(
    readonly bucketId: string,
    readonly bucketName: string,
  ) {}

  add(version: FileVersion): void {
    const list = this.versions.get(version.fileName) ?? [];
    list.unshift(version);
    this.versions.set(version.fileName, list);
    this.byId.set(version.fileId, version);
  }

  remove(version: FileVersion): void {
    const list = (this.versions.get(version.fileName) ?? []).filter((v) => v !== version);
    if (list.length === 0) this.versions.delete(version.fileName);
    else this.versions.set(version.fileName, list);
    this.byId.delete(version.fileId);
  }

  /** The newest finished version or hide marker of a name. */
  latest(fileName: string): FileVersion | undefined {
    return this.versions.get(fileName)?.find((v) => v.action !== 'start');
  }

  /** `b2_list_file_names`: the latest version of each name, unless it is hidden. */
  listNames(params: ListParams): ListResult {
    const rows: FileVersion[] = [];
    for (const name of this.#sortedNames()) {
      const latest = this.latest(name);
      if (latest?.action === 'upload') rows.push(latest);
    }
    return page(rows, params, false);
  }

  /** `b2_list_file_versions`: every version and hide marker, newest first within a name. */
  listVersions(params: ListParams): ListResult {
    const rows: FileVersion[] = [];
    for (const name of this.#sortedNames()) rows.push(...(this.versions.get(name) ?? []));
    return page(rows, params, true);
  }

  #sortedNames(): string[] {
    return [...this.versions.keys()].sort(compareKeys);
  }
}

/** Listing parameters, already validated for type. */
export interface ListParams {
  startFileName?: string | undefined;
  startFileId?: string | undefined;
  maxFileCount?: number | undefined;
  prefix?: string | undefined;
  delimiter?: string | undefined;
}

function page(rows: FileVersion[], params: ListParams, byVersion: boolean): ListResult {
  const max = params.maxFileCount || DEFAULT_MAX_FILE_COUNT;
  if (!Number.isInteger(max) || max < 0 || max > MAX_FILE_COUNT) {
    throw badRequest(`maxFileCount must be between 1 and ${MAX_FILE_COUNT}`);
  }
  if (params.startFileId !== undefined && params.startFileName === undefined) {
    throw badRequest('startFileId requires startFileName');
  }
  const prefix = params.prefix ?? '';
  const startSeq = params.startFileId === undefined ? undefined : seqOfFileId(params.startFileId);
  const entries: ListResult['entries'] = [];
  let lastFolder: string | undefined;
  for (const row of rows) {
    if (!row.fileName.startsWith(prefix)) continue;
    if (params.startFileName !== undefined) {
      const order = compareKeys(row.fileName, params.startFileName);
      if (order < 0) continue;
      if (order === 0 && byVersion && startSeq !== undefined && row.seq > startSeq) continue;
    }
    const folder = folderOf(row.fileName, prefix, params.delimiter);
    if (folder !== undefined && folder === lastFolder) continue;
    if (entries.length === max) {
      return { entries, nextFileName: row.fileName, nextFileId: byVersion && !folder ? row.fileId : null };
    }
    if (folder === undefined) entries.push(row);
    else {
      entries.push({ folder });
      lastFolder = folder;
    }
  }
  return { entries, nextFileName: null, nextFileId: null };
}

function folderOf(name: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = name.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : name.slice(0, at + delimiter.length);
}

/** File ids end in the creation sequence, so `startFileId` can be placed even when it was deleted. */
export function fileIdFor(bucketId: string, seq: number): string {
  return `4_z${bucketId}_f${seq.toString(16).padStart(15, '0')}_c000_v0001000_t0001`;
}

function seqOfFileId(fileId: string): number {
  const match = /_f([0-9a-f]{15})_/.exec(fileId);
  if (!match) throw badRequest(`bad fileId: ${fileId}`);
  return Number.parseInt(match[1] as string, 16);
}
