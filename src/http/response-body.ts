/**
 * Helpers on response bodies: consume them fully, or free their connection when nobody will.
 *
 * @module
 */
import type { ResponseBody } from './transport.js';

/**
 * Response bodies whose wrapper object was garbage collected unread are destroyed, so a forgotten
 * body cannot hold a pooled connection for ever (undici's idle timeout would free it too, later).
 */
const forgotten = new FinalizationRegistry<ResponseBody>((body) => {
  if (body.destroyed || body.readableEnded) return;
  // undici destroys an unfinished body with a RequestAbortedError; nobody listens to this body any
  // more, so without a listener that error would be an uncaught exception that ends the process
  body.on('error', ignore);
  body.destroy();
});

function ignore(): void {}

/** Destroys `body` if `owner` is collected before the body was read. */
export function releaseWhenForgotten(owner: object, body: ResponseBody): void {
  forgotten.register(owner, body, owner);
}

/** Stops watching `owner` (its body is being consumed). */
export function stopWatching(owner: object): void {
  forgotten.unregister(owner);
}

/** Reads and discards a body so its connection returns to the pool; never throws. */
export async function discard(body: ResponseBody): Promise<void> {
  try {
    await body.dump();
  } catch {
    // the connection is closed instead of reused; nothing else to do
  }
}
