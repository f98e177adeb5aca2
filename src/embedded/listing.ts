/**
 * Listings of the embedded stores: argument checks as `S3Session`'s, then pages cut from one
 * snapshot of the store and described page by page.
 *
 * @module
 */

import { LIST_OPTIONS, LIST_VERSIONS_OPTIONS } from '../store/call-options.js';
import type { ListObjectsOptions, ListPage, ListVersionsOptions } from '../store/types.js';
import { validateNumber, validateOptions, validatePrefix, validateSignal } from '../store/validate.js';
import { checkOptionalString, PAGE_LIMIT } from './call-checks.js';
import { paginate } from './paginate.js';

/** What a listing needs from a store: a sorted snapshot and a way to describe a page of it. */
export interface ListingSource<E extends { key: string }, T> {
  /** Throws if the call may not go on (aborted signal, closed session). */
  ready(signal: AbortSignal | undefined): void;
  snapshot(prefix: string, signal: AbortSignal | undefined): Promise<E[]>;
  describe(entries: E[], signal: AbortSignal | undefined): Promise<T[]>;
}

/** Pages of an objects listing (prefix, delimiter, startAfter, pageSize as in ListObjectsV2). */
export async function* objectPages<E extends { key: string }, T>(
  source: ListingSource<E, T>,
  options: ListObjectsOptions,
): AsyncGenerator<ListPage<T>> {
  validateOptions(options, LIST_OPTIONS, 'listObjects');
  validatePrefix(options.prefix);
  validatePrefix(options.startAfter, 'startAfter');
  checkListing(options);
  yield* pages(source, options.prefix ?? '', {
    delimiter: options.delimiter,
    startAfter: options.startAfter,
    pageSize: options.pageSize ?? PAGE_LIMIT,
    signal: options.signal,
  });
}

/** Pages of a versions listing (prefix, delimiter, pageSize as in ListObjectVersions). */
export async function* versionPages<E extends { key: string }, T>(
  source: ListingSource<E, T>,
  options: ListVersionsOptions,
): AsyncGenerator<ListPage<T>> {
  validateOptions(options, LIST_VERSIONS_OPTIONS, 'listObjectVersions');
  validatePrefix(options.prefix);
  checkListing(options);
  yield* pages(source, options.prefix ?? '', {
    delimiter: options.delimiter,
    startAfter: undefined,
    pageSize: options.pageSize ?? PAGE_LIMIT,
    signal: options.signal,
  });
}

function checkListing(options: ListVersionsOptions): void {
  checkOptionalString(options.delimiter, 'delimiter');
  validateSignal(options.signal);
  validateNumber(options.pageSize, 'pageSize', { min: 1, max: PAGE_LIMIT, integer: true });
}

async function* pages<E extends { key: string }, T>(
  source: ListingSource<E, T>,
  prefix: string,
  spec: {
    delimiter: string | undefined;
    startAfter: string | undefined;
    pageSize: number;
    signal: AbortSignal | undefined;
  },
): AsyncGenerator<ListPage<T>> {
  source.ready(spec.signal);
  const entries = await source.snapshot(prefix, spec.signal);
  for (const page of paginate(entries, (e) => e.key, { ...spec, prefix })) {
    source.ready(spec.signal);
    yield { items: await source.describe(page.items, spec.signal), commonPrefixes: page.commonPrefixes };
  }
}
