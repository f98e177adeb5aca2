/**
 * The store contract's plumbing: the session surface every store must offer, the options that say
 * what a store documents it lacks and how it reports digests and errors, and `storeTest`, which
 * gives each test a fresh store and turns an unsupported feature into a visibly skipped test that
 * names the reason.
 */
import { createHash } from 'node:crypto';
import { it } from 'vitest';
import { B2Error, type MemorySession, S3Error, type StoreCapabilities } from '../../../src/index.js';

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
  | 'nulInKeys'
  /** Keys may contain the other control characters, U+0001 to U+001F and DEL (U+007F). */
  | 'controlCharsInKeys'
  /** On a versioned store, deleting a key that never existed leaves a delete marker, as S3 does. */
  | 'deleteMarkerForMissingKey';

/**
 * The error families the contract knows: the class a store throws for a failed request (404, 416)
 * and the fields that name a missing key in it (S3's `<Code>`, B2's `code`).
 */
const REQUEST_ERRORS = {
  S3Error: { errorClass: S3Error, missingKey: { s3Code: 'NoSuchKey' } },
  B2Error: { errorClass: B2Error, missingKey: { b2Code: 'not_found' } },
} as const;

/** Names of the digests a listing may report, for test titles. */
const DIGEST_NAMES: Record<StoreCapabilities['listingDigest'], string> = { md5: 'MD5', sha1: 'SHA-1' };

export interface StoreContractOptions {
  /** The store keeps versions: puts create versions, deletes leave delete markers. */
  versioned: boolean;
  /** What the store documents it does not support, with the reason shown in the skipped test's name. */
  unsupported?: Partial<Record<ContractFeature, string>>;
  /** The digest the store's ETags and listings carry; `capabilities.listingDigest` must say the same. @default 'md5' */
  listingDigest?: StoreCapabilities['listingDigest'];
  /** The class of the store's request errors (a missing key, an unsatisfiable range). @default 'S3Error' */
  requestError?: keyof typeof REQUEST_ERRORS;
  /** Runs of each property test (fewer for stores over the network). @default 40 */
  propertyRuns?: number;
  /** Per-test timeout in ms. @default vitest's */
  timeoutMs?: number;
}

/** What every contract area receives. */
export interface ContractContext {
  options: StoreContractOptions;
  /** The digest the store's ETags carry, named for titles: `MD5` or `SHA-1`. */
  digestName: string;
  /** The store's request error family: its name, class, and the fields naming a missing key. */
  requestError: (typeof REQUEST_ERRORS)[keyof typeof REQUEST_ERRORS] & { name: keyof typeof REQUEST_ERRORS };
  /** Registers a test on a fresh store; skipped (visibly, with the reason) when `needs` is unsupported. */
  storeTest(title: string, body: (session: ContractSession) => Promise<void>, needs?: ContractFeature): void;
}

/** Builds the context for one store. */
export function contractContext(
  makeStore: () => Promise<StoreUnderTest>,
  options: StoreContractOptions,
): ContractContext {
  const requestError = options.requestError ?? 'S3Error';
  return {
    options,
    digestName: DIGEST_NAMES[options.listingDigest ?? 'md5'],
    requestError: { name: requestError, ...REQUEST_ERRORS[requestError] },
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

/**
 * The ETag `session` reports for a single-part upload of `body`: the hex digest its capabilities
 * name (MD5 on S3 and the embedded stores, SHA-1 on B2's native API).
 */
export function etagOf(session: ContractSession, body: string | Uint8Array): string {
  return createHash(session.capabilities.listingDigest).update(body).digest('hex');
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
