/** Contract: listings (S3 key order, prefix, delimiter, pages, startAfter, listed fields). */
import { describe, expect } from 'vitest';
import {
  byteOrder,
  type ContractContext,
  type ContractSession,
  collect,
  etagOf,
  listedKeys,
} from './harness.js';

/**
 * Keys whose UTF-8 byte order differs from JavaScript's default (UTF-16) order and from case-blind
 * or locale order: upper case before lower, '😀' (above U+FFFF) after U+E000 and U+FFFF.
 */
const ORDER_KEYS = [
  'b',
  'B',
  'a',
  'a/b',
  'a-b',
  'a b',
  'a.b',
  'a~',
  'é',
  '\uFFFF',
  '😀',
  '\uE000',
  'Z',
  '~',
  '!',
];
const TREE_KEYS = [
  'docs/a.txt',
  'docs/b/c.txt',
  'docs/b/d.txt',
  'docs/e/f/g.txt',
  'docsx',
  'img/1.png',
  'top',
];

async function putAll(s: ContractSession, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => s.putObject(key, key)));
}

export function listingContract({ storeTest, digestName }: ContractContext): void {
  describe('listings', () => {
    storeTest('list keys in UTF-8 byte order, not UTF-16 or locale order', async (s) => {
      await putAll(s, ORDER_KEYS);
      const listed = await listedKeys(s);
      expect(listed).toEqual(byteOrder(ORDER_KEYS));
      expect(listed.indexOf('\uFFFF')).toBeLessThan(listed.indexOf('😀'));
    });

    storeTest('a prefix selects exactly the keys starting with it', async (s) => {
      await putAll(s, TREE_KEYS);
      expect(await listedKeys(s, { prefix: 'docs/' })).toEqual([
        'docs/a.txt',
        'docs/b/c.txt',
        'docs/b/d.txt',
        'docs/e/f/g.txt',
      ]);
      expect(await listedKeys(s, { prefix: 'docs' })).toEqual([
        'docs/a.txt',
        'docs/b/c.txt',
        'docs/b/d.txt',
        'docs/e/f/g.txt',
        'docsx',
      ]);
      expect(await listedKeys(s, { prefix: 'docs/b/c.txt' })).toEqual(['docs/b/c.txt']);
      expect(await listedKeys(s, { prefix: 'nothing' })).toEqual([]);
    });

    storeTest('a delimiter rolls keys up into common prefixes', async (s) => {
      await putAll(s, TREE_KEYS);
      const [page, ...more] = await collect(s.listPages({ delimiter: '/' }));
      expect(more).toEqual([]);
      expect(page?.items.map((o) => o.key)).toEqual(['docsx', 'top']);
      expect(page?.commonPrefixes).toEqual(['docs/', 'img/']);
      const [inner] = await collect(s.listPages({ prefix: 'docs/', delimiter: '/' }));
      expect(inner?.items.map((o) => o.key)).toEqual(['docs/a.txt']);
      expect(inner?.commonPrefixes).toEqual(['docs/b/', 'docs/e/']);
      expect(await collect(s.listCommonPrefixes({ prefix: 'docs/' }))).toEqual(['docs/b/', 'docs/e/']);
      const [byDot] = await collect(s.listPages({ prefix: 'docs/', delimiter: '.' }));
      expect(byDot?.commonPrefixes).toEqual(['docs/a.', 'docs/b/c.', 'docs/b/d.', 'docs/e/f/g.']);
    });

    storeTest('pageSize cuts pages, prefixes included; together they are the whole listing', async (s) => {
      const keys = Array.from({ length: 7 }, (_, i) => `p/${i}`);
      await putAll(s, keys);
      const pages = await collect(s.listPages({ prefix: 'p/', pageSize: 3 }));
      expect(pages.map((p) => p.items.map((o) => o.key))).toEqual([
        keys.slice(0, 3),
        keys.slice(3, 6),
        keys.slice(6),
      ]);
      await putAll(s, TREE_KEYS);
      const rolled = await collect(s.listPages({ delimiter: '/', pageSize: 1 }));
      expect(rolled.map((p) => [...p.commonPrefixes, ...p.items.map((o) => o.key)])).toEqual([
        ['docs/'],
        ['docsx'],
        ['img/'],
        ['p/'],
        ['top'],
      ]);
      expect(await listedKeys(s, { pageSize: 2 })).toEqual(await listedKeys(s));
    });

    storeTest('startAfter is exclusive and need not name a key', async (s) => {
      await putAll(s, ['a', 'b', 'c', 'd']);
      expect(await listedKeys(s, { startAfter: 'b' })).toEqual(['c', 'd']);
      expect(await listedKeys(s, { startAfter: 'bb' })).toEqual(['c', 'd']);
      expect(await listedKeys(s, { startAfter: 'd' })).toEqual([]);
      expect(await listedKeys(s, { startAfter: 'a', pageSize: 1 })).toEqual(['b', 'c', 'd']);
    });

    storeTest(`listed objects carry size, ${digestName} ETag and a recent lastModified`, async (s) => {
      const before = Date.now();
      await s.putObject('sized', 'x'.repeat(1234));
      const [listed] = await collect(s.listObjects());
      expect(listed).toMatchObject({ key: 'sized', size: 1234, etag: etagOf(s, 'x'.repeat(1234)) });
      expect(listed?.lastModified).toBeInstanceOf(Date);
      expect(Math.abs((listed?.lastModified.getTime() ?? 0) - before)).toBeLessThan(60_000);
    });

    storeTest('an empty listing is one empty page', async (s) => {
      expect(await collect(s.listPages())).toEqual([{ items: [], commonPrefixes: [] }]);
      expect(await collect(s.listVersionPages({ prefix: 'none' }))).toEqual([
        { items: [], commonPrefixes: [] },
      ]);
    });
  });
}
