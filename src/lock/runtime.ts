/**
 * The lock core's view of time and chance: the library's `Runtime` (src/util/runtime.ts, where it
 * lives so that the S3 client can take one too without depending on the lock), under the name the
 * lock's options have always used.
 *
 * @module
 */
import type { Runtime } from '../util/runtime.js';

export { realRuntime, suspendAwareClock } from '../util/runtime.js';

/** Time and randomness as the lock core sees them (see {@link Runtime}). */
export type LockRuntime = Runtime;
