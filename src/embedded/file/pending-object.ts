/**
 * An object being written by `FileSession`: streamed into a temporary file (hashing as it goes),
 * closed with its trailer, then moved into place by the layout's atomic commit, or discarded.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { unlink } from 'node:fs/promises';
import { BodyDigest } from '../object-body.js';
import type { CommitMode, FileLayout } from './layout.js';
import { encodeTrailer, type ObjectHeader, writeFully } from './object-file.js';

/** A temporary object file; call `discard` in every case (it is a no-op after a rename). */
export class PendingObject {
  readonly #digest = new BodyDigest();
  #handle: FileHandle | undefined;
  /** The temporary name still exists (until a rename moves it away). */
  #named = true;

  private constructor(
    readonly layout: FileLayout,
    readonly path: string,
    handle: FileHandle,
  ) {
    this.#handle = handle;
  }

  static async create(layout: FileLayout): Promise<PendingObject> {
    const { path, handle } = await layout.createTemp();
    return new PendingObject(layout, path, handle);
  }

  /** Body bytes written so far. */
  get size(): number {
    return this.#digest.size;
  }

  /** Appends body bytes. */
  async append(chunk: Uint8Array): Promise<void> {
    await writeFully(this.#open(), chunk, this.#digest.size);
    this.#digest.update(chunk);
  }

  /** The body's MD5 (its ETag); call once, after the last `append`. */
  etag(): string {
    return this.#digest.etag();
  }

  /** Writes the trailer, sets the file's mtime to the object's timestamp, and closes the file. */
  async finish(header: ObjectHeader): Promise<void> {
    const handle = this.#open();
    await writeFully(handle, encodeTrailer(header), this.#digest.size);
    const time = new Date(header.lastModifiedMs);
    await handle.utimes(time, time);
    this.#handle = undefined;
    await handle.close();
  }

  /** Moves the finished file to `target`; false when a `create` finds the key taken. */
  async commit(target: string, mode: CommitMode): Promise<boolean> {
    const done = await this.layout.commit(this.path, target, mode);
    // a rename takes the temporary name away; a link leaves it for `discard`
    if (done && mode === 'replace') this.#named = false;
    return done;
  }

  /** Closes and deletes the temporary file unless it became the object. Never throws. */
  async discard(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => {});
    if (this.#named) await unlink(this.path).catch(() => {});
  }

  #open(): FileHandle {
    if (!this.#handle) throw new Error('PendingObject: the file is already closed');
    return this.#handle;
  }
}
