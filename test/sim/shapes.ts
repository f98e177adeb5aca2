/**
 * Case shapes shared by a property and its mutant, kept apart from the mutant files (their
 * `vi.mock`s must not reach the real property's module graph).
 *
 * @module
 */
import { type CaseShape, legacy, WITHIN } from './arbitraries.js';

/**
 * Listings are consistent snapshots of arbitrarily old moments (unbounded staleness, snapshot mode),
 * with no timestamp ties (1 ms granularity, no skew, writes stamped when they land). Outside the
 * bounded-staleness assumption, yet the self-visibility rule alone keeps the election safe: a
 * snapshot that shows our complete ticket was taken after we wrote it, so it shows every older one
 * — provided "we wrote it" means its last landing: retried writes are on (issue 14, T4).
 */
export const SNAPSHOTS_OF_ANY_AGE: CaseShape = {
  ...legacy(WITHIN),
  protocols: ['s3', 'direct'],
  violation: 'unbounded-staleness',
  staleModes: ['snapshot'],
  crashes: false,
  pauses: false,
  // retried writes too (issue 14, T4): a lost response's retry lands later than the first attempt
  requestFaults: true,
  wireFaults: true,
  storeMap: (s) => ({ ...s, granularityMs: 1, skewMs: 0, writeMs: 0 }),
};
