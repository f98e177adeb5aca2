/**
 * The abort helpers, for the HTTP layer's callers: they live in `src/util/abort.ts` (they are not
 * HTTP), and are re-exported here so existing imports keep working.
 *
 * @module
 */
export { abortable, abortReason, sleep, throwIfAborted } from '../util/abort.js';
