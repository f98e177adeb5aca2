/**
 * Reading `FileSession` object files: one open file gives the header and the body of the same
 * write, whatever renames happen meanwhile.
 *
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { FileEntry } from './layout.js';
import { type ObjectHeader, readHeader } from './object-file.js';

/** Object files opened at once by one listing page: enough to hide latency, far below fd limits. */
const LISTING_CONCURRENCY = 16;

/** An open object file and its header. `release` closes it (idempotent; also safe after a stream closed it). */
export interface OpenObject {
  handle: FileHandle;
  header: ObjectHeader;
  release(): Promise<void>;
}

/** Opens the object at `path`; undefined when there is none (or the file is not an object). */
export async function openObject(path: string): Promise<OpenObject | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
  let closed: Promise<void> | undefined;
  const release = () => {
    closed ??= handle.close().catch(() => {});
    return closed;
  };
  try {
    const header = await readHeader(handle);
    if (!header) {
      await release();
      return undefined;
    }
    return { handle, header, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The headers of listed files, in the given order; files gone since they were listed are left out. */
export async function describeEntries(
  entries: FileEntry[],
): Promise<{ key: string; header: ObjectHeader }[]> {
  const headers: (ObjectHeader | undefined)[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const found = await openObject((entries[i] as FileEntry).path);
      headers[i] = found?.header;
      await found?.release();
    }
  };
  await Promise.all(Array.from({ length: Math.min(LISTING_CONCURRENCY, entries.length) }, worker));
  return entries.flatMap((entry, i) => {
    const header = headers[i];
    return header ? [{ key: entry.key, header }] : [];
  });
}
