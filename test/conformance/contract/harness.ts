/**
 * The store contract's plumbing: the session surface every store must offer, the options that say
 * what a store documents it lacks, and `storeTest`, which gives each test a fresh store and turns
 * an unsupported feature into a visibly skipped test that names the reason.
 */
import { createHash } from 'node:crypto';
import { it } from 'vitest';
import type { MemorySession } from '../../../src/index.js';

/** The object API the contract exercises; `S3Session`, `MemorySession` and `FileSession` all have it. */
export type ContractSession = Pick<
  MemorySession,
  | 'capabilities'
  | 'putObject'
  | 'getObject'
  | 'headObject'
  | 'listPages'
  | 'listObjects'
  | 'listCommonPrefixes'
  | 'listVersionPages'
  | 'listObjectVersions'
  | 'deleteObject'
  | 'deleteObjects'
  | 'copyObject'
>;

/** A fresh, empty store and how to dispose of it. */
export interface StoreUnderTest {
  session: ContractSession;
  cleanup(): Promise<void>;
}

/** Features a store may document as missing; each test that needs one is skipped with the reason. */
export type ContractFeature =
  /** `ifNoneMatch: '*'` refuses an existing key, atomically under concurrency. */
  | 'createOnlyPut'
  /** `ifMatch` on put replaces only the object with that ETag, atomically under concurrency. */
  | 'ifMatchPut'
  /** `ifNoneMatch: etag` on put refuses to overwrite the object with that ETag. */
  | 'ifNoneMatchEtagPut'
  /** Keys may contain U+0000 (valid UTF-8, so `validateKey` lets it through). */
  | 'nulInKeys';

export interface StoreContractOptions {
  /** The store keeps versions: puts create versions, deletes leave delete markers. */
  versioned: boolean;
  /** What the store documents it does not support, with the reason shown in the skipped test's name. */
  unsupported?: Partial<Record<ContractFeature, string>>;
  /** Runs of each property test (fewer for stores over the network). @default 40 */
  propertyRuns?: number;
  /** Per-test timeout in ms. @default vitest's */
  timeoutMs?: number;
}

/** What every contract area receives. */
export interface ContractContext {
  options: StoreContractOptions;
  /** Registers a test on a fresh store; skipped (visibly, with the reason) when `needs` is unsupported. */
  storeTest(title: string, body: (session: ContractSession) => Promise<void>, needs?: ContractFeature): void;
}

/** Builds the context for one store. */
export function contractContext(
  makeStore: () => Promise<StoreUnderTest>,
  options: StoreContractOptions,
): ContractContext {
  return {
    options,
    storeTest(title, body, needs) {
      const reason = needs === undefined ? undefined : options.unsupported?.[needs];
      if (reason !== undefined) {
        it.skip(`${title} — skipped: the store does not support ${needs} (${reason})`, () => {});
        return;
      }
      it(
        title,
        async () => {
          const store = await makeStore();
          try {
            await body(store.session);
          } finally {
            await store.cleanup();
          }
        },
        options.timeoutMs,
      );
    },
  };
}

/** The hex MD5 of a body: the ETag of a single-part upload. */
export function md5(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/** Collects an async iterable (Node 20 has no `Array.fromAsync`). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Keys of a listing, in listing order. */
export async function listedKeys(
  session: ContractSession,
  options: Parameters<ContractSession['listObjects']>[0] = {},
): Promise<string[]> {
  return (await collect(session.listObjects(options))).map((o) => o.key);
}

/** Keys sorted as S3 sorts them: by UTF-8 bytes (computed independently of the library's comparator). */
export function byteOrder(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** The settled outcomes of promises, counted: how many fulfilled, and the rejections. */
export async function settle<T>(promises: Promise<T>[]): Promise<{ fulfilled: T[]; rejected: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    rejected: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
  };
}
