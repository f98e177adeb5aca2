/**
 * In-process mutual exclusion per object path: every change to one key made by this process (by
 * any `FileSession` on the same directory) runs one after the other, so an `ifMatch` check and the
 * write it guards cannot interleave with another write or delete from this process.
 *
 * @module
 */

/** The last queued holder of each path; absent when nobody holds or waits. */
const tails = new Map<string, Promise<void>>();

/** Runs `fn` once every earlier holder of `id` in this process has finished. */
export async function withKeyMutex<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(id);
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous ? previous.then(() => mine) : mine;
  tails.set(id, tail);
  try {
    if (previous) await previous;
    return await fn();
  } finally {
    release();
    if (tails.get(id) === tail) tails.delete(id);
  }
}
