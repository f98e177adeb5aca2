/**
 * Listing pages for the embedded stores, computed from a sorted snapshot: prefix, delimiter,
 * start-after and page size with S3's rules. Pure; the stores only supply the snapshot.
 *
 * @module
 */

import { compareKeys } from '../store/key-order.js';
import type { ListPage } from '../store/types.js';

/** What selects and cuts a listing. */
export interface PageSpec {
  /** Only keys starting with this (empty: all). */
  prefix: string;
  /** Roll keys up to the first delimiter after the prefix into common prefixes (empty or undefined: none). */
  delimiter?: string | undefined;
  /** Only keys after this one, exclusive (S3 `start-after`). */
  startAfter?: string | undefined;
  /** Entries per page, common prefixes included (S3 `max-keys`). */
  pageSize: number;
}

/**
 * Splits a listing into pages. `entries` must be sorted by key in S3 order (entries sharing a key,
 * such as versions, keep their relative order). Each common prefix is reported once, where its
 * first key would be, and counts as one entry towards the page size, as in S3. A `startAfter`
 * inside a common prefix's group skips that whole group (as Ceph RGW does: the marker says the
 * group was already seen). Always yields at least one page; only the first may be empty.
 *
 * @example
 * ```ts
 * [...paginate(['a/1', 'a/2', 'b'], (k) => k, { prefix: '', delimiter: '/', pageSize: 1000 })];
 * // [{ items: ['b'], commonPrefixes: ['a/'] }]
 * ```
 */
export function* paginate<T>(
  entries: Iterable<T>,
  keyOf: (entry: T) => string,
  spec: PageSpec,
): Generator<ListPage<T>> {
  const delimiter = spec.delimiter === '' ? undefined : spec.delimiter;
  let skipGroup =
    spec.startAfter === undefined ? undefined : groupOf(spec.startAfter, spec.prefix, delimiter);
  let page: ListPage<T> = { items: [], commonPrefixes: [] };
  let size = 0;
  for (const entry of entries) {
    const key = keyOf(entry);
    if (!key.startsWith(spec.prefix)) continue;
    if (spec.startAfter !== undefined && compareKeys(key, spec.startAfter) <= 0) continue;
    const group = groupOf(key, spec.prefix, delimiter);
    if (group !== undefined && group === skipGroup) continue;
    if (size === spec.pageSize) {
      yield page;
      page = { items: [], commonPrefixes: [] };
      size = 0;
    }
    if (group === undefined) page.items.push(entry);
    else {
      page.commonPrefixes.push(group);
      skipGroup = group;
    }
    size++;
  }
  yield page;
}

/** The common prefix `key` rolls up into: the prefix plus everything up to the first delimiter after it. */
function groupOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (delimiter === undefined || !key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
