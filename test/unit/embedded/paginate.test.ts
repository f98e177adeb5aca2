import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paginate } from '../../../src/embedded/paginate.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The listing S3 describes, computed the obvious way: filter, roll up, then cut. */
function model(
  keys: string[],
  prefix: string,
  delimiter: string | undefined,
  startAfter: string | undefined,
) {
  const entries: { prefix?: string; key?: string }[] = [];
  const seen = new Set<string>();
  const skip =
    startAfter !== undefined && delimiter && startAfter.startsWith(prefix)
      ? groupOf(startAfter, prefix, delimiter)
      : undefined;
  for (const key of [...keys].sort(byBytes)) {
    if (!key.startsWith(prefix)) continue;
    if (startAfter !== undefined && byBytes(key, startAfter) <= 0) continue;
    const group = delimiter ? groupOf(key, prefix, delimiter) : undefined;
    if (group === undefined) entries.push({ key });
    else if (group !== skip && !seen.has(group)) {
      seen.add(group);
      entries.push({ prefix: group });
    }
  }
  return entries;
}

function groupOf(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

const part = fc.constantFrom('a', 'b', '/', '-', 'é', '😀');
const keyArb = fc.string({ unit: part, minLength: 1, maxLength: 5 });

describe('paginate (listing pages)', () => {
  it('pages, concatenated, are the model listing; no page is over size; only the first may be empty', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { maxLength: 25 }),
        fc.string({ unit: part, maxLength: 2 }),
        fc.option(fc.constantFrom('/', '-', 'ab'), { nil: undefined }),
        fc.option(keyArb, { nil: undefined }),
        fc.integer({ min: 1, max: 6 }),
        (keys, prefix, delimiter, startAfter, pageSize) => {
          const sorted = [...keys].sort(byBytes);
          const pages = [...paginate(sorted, (k) => k, { prefix, delimiter, startAfter, pageSize })];
          const flat = pages.flatMap((p) => {
            // within a page, items and prefixes interleave in key order; recover that order
            const merged: { key?: string; prefix?: string }[] = [
              ...p.items.map((key) => ({ key })),
              ...p.commonPrefixes.map((prefix) => ({ prefix })),
            ];
            return merged.sort((x, y) => byBytes(x.key ?? x.prefix ?? '', y.key ?? y.prefix ?? ''));
          });
          expect(flat).toEqual(model(keys, prefix, delimiter, startAfter));
          for (const p of pages)
            expect(p.items.length + p.commonPrefixes.length).toBeLessThanOrEqual(pageSize);
          for (const p of pages.slice(1)) expect(p.items.length + p.commonPrefixes.length).toBeGreaterThan(0);
          expect(pages.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a startAfter inside a common prefix skips that group (the marker says it was seen)', () => {
    const keys = ['x/1', 'x/2', 'y'];
    const pages = [
      ...paginate(keys, (k) => k, { prefix: '', delimiter: '/', startAfter: 'x/1', pageSize: 10 }),
    ];
    expect(pages).toEqual([{ items: ['y'], commonPrefixes: [] }]);
    const atGroup = [
      ...paginate(keys, (k) => k, { prefix: '', delimiter: '/', startAfter: 'x', pageSize: 10 }),
    ];
    expect(atGroup).toEqual([{ items: ['y'], commonPrefixes: ['x/'] }]);
  });

  it('keeps entries that share a key together and in their order (versions)', () => {
    const versions = [
      { key: 'a', v: 2 },
      { key: 'a', v: 1 },
      { key: 'b', v: 1 },
    ];
    const pages = [...paginate(versions, (e) => e.key, { prefix: '', pageSize: 2 })];
    expect(pages.map((p) => p.items.map((e) => `${e.key}${e.v}`))).toEqual([['a2', 'a1'], ['b1']]);
  });

  it('treats an empty delimiter as none', () => {
    const pages = [...paginate(['a/b', 'c'], (k) => k, { prefix: '', delimiter: '', pageSize: 10 })];
    expect(pages).toEqual([{ items: ['a/b', 'c'], commonPrefixes: [] }]);
  });
});
