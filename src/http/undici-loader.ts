/**
 * Loads undici's connection pool lazily and narrowly.
 *
 * Importing all of `undici` costs about 140 ms on a small machine (fetch, WebSocket, caches, mocks);
 * the pool and its `request` API alone cost about a third of that. Loading on first use also keeps
 * the embedded stores and the lock core free of HTTP start-up cost. If undici's internal layout ever
 * changes, the public entry point is used instead.
 *
 * @module
 */
import type { Dispatcher, Pool } from 'undici';

/** The parts of undici the transport uses. */
export interface UndiciPool {
  Pool: new (origin: string, options: Pool.Options) => Pool;
  request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}

let loading: Promise<UndiciPool> | undefined;

/** Resolves to undici's `Pool` class and its `request` method, loading them once. */
export function loadUndici(): Promise<UndiciPool> {
  loading ??= loadNarrow().catch(loadWhole);
  return loading;
}

async function loadNarrow(): Promise<UndiciPool> {
  const [pool, request] = await Promise.all([
    import('undici/lib/dispatcher/pool.js' as string) as Promise<{ default: UndiciPool['Pool'] }>,
    import('undici/lib/api/api-request.js' as string) as Promise<{ default: UndiciPool['request'] }>,
  ]);
  if (typeof pool.default !== 'function' || typeof request.default !== 'function') {
    throw new Error('unexpected undici layout');
  }
  return { Pool: pool.default, request: request.default };
}

async function loadWhole(): Promise<UndiciPool> {
  const undici = await import('undici');
  return { Pool: undici.Pool, request: undici.Pool.prototype.request as UndiciPool['request'] };
}
