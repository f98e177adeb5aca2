/**
 * Listings: `b2_list_file_names` as objects, `b2_list_file_versions` as versions with hide markers
 * as delete markers, page by page, `folder` entries as common prefixes.
 *
 * @module
 */

import { compareKeys } from '../store/key-order.js';
import type { ListedObject, ListedVersion, ListPage } from '../store/types.js';
import type { B2Client } from './client.js';
import { asFileList, type B2File, digestOf } from './wire.js';

/**
 * Largest page asked for: B2 would return up to 10,000 names per call but bills them per 1,000, so
 * the portable limit every session shares (S3's 1,000) costs nothing.
 */
export const MAX_PAGE_SIZE = 1000;
/** One billed transaction's worth of names. */
export const B2_DEFAULT_PAGE_SIZE = 1000;

/** What a listing covers. */
export interface ListSpec {
  bucketId: string;
  prefix?: string | undefined;
  delimiter?: string | undefined;
  /** Only names after this one (exclusive); names listing only. */
  startAfter?: string | undefined;
  pageSize: number;
  signal?: AbortSignal | undefined;
}

/** The current files (hidden ones left out), in name order, page by page. */
export async function* listNamePages(
  client: B2Client,
  spec: ListSpec,
): AsyncGenerator<ListPage<ListedObject>> {
  const api = 'b2_list_file_names';
  let start = spec.startAfter;
  let lastPrefix: string | undefined;
  do {
    const page = asFileList(
      await client.callApi({
        api,
        body: { ...baseBody(spec), startFileName: start ?? null },
        safety: 'idempotent',
        signal: spec.signal,
      }),
      api,
    );
    const out: ListPage<ListedObject> = { items: [], commonPrefixes: [] };
    for (const file of page.files) {
      // B2 starts at startFileName inclusive; S3's start-after is exclusive
      if (spec.startAfter !== undefined && compareKeys(file.fileName, spec.startAfter) <= 0) continue;
      if (file.action === 'folder') {
        if (file.fileName !== lastPrefix) out.commonPrefixes.push(file.fileName);
        lastPrefix = file.fileName;
      } else if (file.action === 'upload') {
        out.items.push(listedObject(file));
      }
    }
    yield out;
    start = page.nextFileName ?? undefined;
  } while (start !== undefined);
}

/**
 * Every version under the prefix: names in order, newest first within a name. Hide markers are
 * delete markers; the first entry of each name is its latest. Unfinished large files are skipped.
 */
export async function* listVersionPages(
  client: B2Client,
  spec: ListSpec,
): AsyncGenerator<ListPage<ListedVersion>> {
  const api = 'b2_list_file_versions';
  let startName: string | undefined;
  let startId: string | undefined;
  let lastName: string | undefined;
  let lastPrefix: string | undefined;
  for (;;) {
    const page = asFileList(
      await client.callApi({
        api,
        body: { ...baseBody(spec), startFileName: startName ?? null, startFileId: startId ?? null },
        safety: 'idempotent',
        signal: spec.signal,
      }),
      api,
    );
    const out: ListPage<ListedVersion> = { items: [], commonPrefixes: [] };
    for (const file of page.files) {
      if (file.action === 'folder') {
        if (file.fileName !== lastPrefix) out.commonPrefixes.push(file.fileName);
        lastPrefix = file.fileName;
        continue;
      }
      if ((file.action !== 'upload' && file.action !== 'hide') || file.fileId === null) continue;
      const isLatest = file.fileName !== lastName;
      lastName = file.fileName;
      out.items.push(listedVersion(file, file.fileId, isLatest));
    }
    yield out;
    if (page.nextFileName === null) return;
    startName = page.nextFileName;
    startId = page.nextFileId ?? undefined;
  }
}

function baseBody(spec: ListSpec): Record<string, unknown> {
  return {
    bucketId: spec.bucketId,
    maxFileCount: spec.pageSize,
    prefix: spec.prefix ?? '',
    delimiter: spec.delimiter === '' ? null : (spec.delimiter ?? null),
  };
}

function listedObject(file: B2File): ListedObject {
  return {
    key: file.fileName,
    size: file.contentLength,
    etag: digestOf(file),
    lastModified: new Date(file.uploadTimestamp),
  };
}

function listedVersion(file: B2File, fileId: string, isLatest: boolean): ListedVersion {
  const hidden = file.action === 'hide';
  return {
    key: file.fileName,
    versionId: fileId,
    isLatest,
    isDeleteMarker: hidden,
    size: hidden ? 0 : file.contentLength,
    etag: hidden ? '' : digestOf(file),
    lastModified: new Date(file.uploadTimestamp),
  };
}
