/**
 * The directory of a `FileSession` and the file operations that make its writes atomic:
 *
 * ```
 * root/objects/…   one file per object, at the path key-path.ts gives its key
 * root/tmp/…       files being written; moved into objects/ only when complete
 * ```
 *
 * A write goes to a new file in `tmp/` and is then moved into place, in the same file system:
 * - a plain put `rename`s it over the old object. rename(2) replaces atomically: every reader, in
 *   any process, opens either the old file or the new one, never a mix or nothing.
 * - a create-only put (`ifNoneMatch: '*'`) hard-`link`s it to the object's path. link(2) fails
 *   with EEXIST if the path exists, as one atomic step in the kernel, so of several processes
 *   racing to create a key exactly one succeeds, and the winner's file appears complete. (Opening
 *   the final path with `O_EXCL` would be just as exclusive but would show a half-written body.)
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { type FileHandle, link, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { compareKeys } from '../../store/key-order.js';
import { DIR_SUFFIX, decodeComponent, isPathOf, keyToPath } from './key-path.js';

/** Temporary files older than this are leftovers of a crashed writer and are removed. */
export const STALE_TEMP_MS = 60 * 60 * 1000;
/**
 * Tries at moving a file into a directory that a concurrent delete may remove (it prunes empty
 * directories) between our mkdir and our rename; each loss costs one retry.
 */
const COMMIT_ATTEMPTS = 8;
const TEMP_NAME_BYTES = 12;

/** An object file found by a listing. */
export interface FileEntry {
  key: string;
  path: string;
}

/** How a finished temporary file becomes the object. */
export type CommitMode = 'replace' | 'create';

function errorCode(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Paths and file operations under one root directory. */
export class FileLayout {
  readonly objectsDir: string;
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.objectsDir = join(root, 'objects');
    this.tmpDir = join(root, 'tmp');
  }

  /** Creates the directories (if missing) and removes stale temporary files. */
  async prepare(nowMs: number): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && nowMs - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
    }
  }

  /** The absolute path of `key`'s object file. */
  objectPath(key: string): string {
    return join(this.objectsDir, ...keyToPath(key));
  }

  /** A new, empty temporary file, open for writing. */
  async createTemp(): Promise<{ path: string; handle: FileHandle }> {
    const path = join(this.tmpDir, `${randomBytes(TEMP_NAME_BYTES).toString('hex')}.tmp`);
    try {
      return { path, handle: await open(path, 'wx') };
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      await mkdir(this.tmpDir, { recursive: true });
      return { path, handle: await open(path, 'wx') };
    }
  }

  /**
   * Moves a complete temporary file into place. Returns false (and leaves `temp` alone) when a
   * `create` finds the key taken. Creates parent directories as needed.
   */
  async commit(temp: string, target: string, mode: CommitMode): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (mode === 'create') await link(temp, target);
        else await rename(temp, target);
        return true;
      } catch (error) {
        const code = errorCode(error);
        if (mode === 'create' && code === 'EEXIST') return false;
        if (code !== 'ENOENT' || attempt >= COMMIT_ATTEMPTS) throw error;
        await mkdir(dirname(target), { recursive: true });
      }
    }
  }

  /** Deletes an object file (absent is fine), then the directories that it leaves empty. */
  async remove(target: string): Promise<void> {
    try {
      await unlink(target);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') throw error;
      return;
    }
    for (let dir = dirname(target); dir.startsWith(this.objectsDir + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): the directories above are not empty either
      }
    }
  }

  /** The object files of keys starting with `prefix`, in S3 key order. Stray files are skipped. */
  async list(prefix: string): Promise<FileEntry[]> {
    const found: FileEntry[] = [];
    const visit = async (dir: string, keySoFar: string, parts: string[]): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return; // removed by a concurrent delete
        throw error;
      }
      const visits: Promise<void>[] = [];
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (!entry.name.endsWith(DIR_SUFFIX)) continue;
          const part = decodeComponent(entry.name.slice(0, -DIR_SUFFIX.length));
          const key = part === undefined ? undefined : keySoFar + part;
          // descend only where keys under `prefix` can be: below it, or on the way to it
          if (key !== undefined && (key.startsWith(prefix) || prefix.startsWith(key))) {
            visits.push(visit(join(dir, entry.name), key, [...parts, entry.name]));
          }
        } else if (entry.isFile()) {
          const part = decodeComponent(entry.name);
          if (part === undefined) continue;
          const key = keySoFar + part;
          if (key.startsWith(prefix) && isPathOf(key, [...parts, entry.name])) {
            found.push({ key, path: join(dir, entry.name) });
          }
        }
      }
      await Promise.all(visits);
    };
    await visit(this.objectsDir, '', []);
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }
}
