// Listings on B2: b2_list_file_names as listObjects (key order, prefixes, start-after, pages,
// folders as common prefixes, hidden files left out) and b2_list_file_versions as
// listObjectVersions (newest first, hide markers as delete markers, isLatest across pages).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListedVersion } from '../../src/index.js';
import { compareKeys } from '../../src/store/key-order.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

const KEYS = ['a', 'a/1', 'a/2', 'a/b/3', 'b', 'b/1', 'c\uFFFF', 'c😀', 'd e', 'z'];

beforeAll(async () => {
  fx = await startB2();
  for (const key of KEYS) await fx.b2.putObject(`list/${key}`, key);
});

afterAll(async () => {
  await fx.close();
});

async function keys(options: Parameters<typeof fx.b2.listObjects>[0]): Promise<string[]> {
  const out: string[] = [];
  for await (const o of fx.b2.listObjects(options)) out.push(o.key);
  return out;
}

describe('listObjects', () => {
  it('lists every key under a prefix in UTF-8 byte order, with size, SHA-1 and whole-second times', async () => {
    const listed = [];
    for await (const o of fx.b2.listObjects({ prefix: 'list/' })) listed.push(o);
    const expected = KEYS.map((k) => `list/${k}`).sort(compareKeys);
    expect(listed.map((o) => o.key)).toEqual(expected);
    // U+FFFF sorts before an emoji in UTF-8 (code point) order, unlike JavaScript's default sort
    expect(expected.indexOf('list/c\uFFFF')).toBeLessThan(expected.indexOf('list/c😀'));
    const b = listed.find((o) => o.key === 'list/b');
    expect(b?.size).toBe(1);
    expect(b?.etag).toBe(createHash('sha1').update('b').digest('hex'));
    expect((b?.lastModified.getTime() ?? 1) % 1000).toBe(0);
  });

  it('pages with any page size and loses nothing', async () => {
    const all = await keys({ prefix: 'list/' });
    for (const pageSize of [1, 2, 3, 7]) {
      const pages = [];
      for await (const page of fx.b2.listPages({ prefix: 'list/', pageSize })) pages.push(page.items.length);
      expect(pages.every((n) => n <= pageSize)).toBe(true);
      expect(await keys({ prefix: 'list/', pageSize })).toEqual(all);
    }
  });

  it('starts after a key (exclusive)', async () => {
    expect(await keys({ prefix: 'list/', startAfter: 'list/b' })).toEqual([
      'list/b/1',
      'list/c\uFFFF',
      'list/c😀',
      'list/d e',
      'list/z',
    ]);
    expect(await keys({ prefix: 'list/', startAfter: 'list/zz' })).toEqual([]);
  });

  it('groups by a delimiter into common prefixes (B2 folders), across small pages too', async () => {
    for (const pageSize of [1000, 1, 2]) {
      const items: string[] = [];
      const prefixes: string[] = [];
      for await (const page of fx.b2.listPages({ prefix: 'list/', delimiter: '/', pageSize })) {
        items.push(...page.items.map((o) => o.key));
        prefixes.push(...page.commonPrefixes);
      }
      expect(prefixes).toEqual(['list/a/', 'list/b/']);
      expect(items).toEqual(['list/a', 'list/b', 'list/c\uFFFF', 'list/c😀', 'list/d e', 'list/z']);
    }
    const nested = [];
    for await (const p of fx.b2.listCommonPrefixes({ prefix: 'list/a/' })) nested.push(p);
    expect(nested).toEqual(['list/a/b/']);
  });

  it('leaves hidden files out and shows them again when a new version arrives', async () => {
    await fx.b2.putObject('hide/x', 'x');
    await fx.b2.deleteObject('hide/x');
    expect(await keys({ prefix: 'hide/' })).toEqual([]);
    await fx.b2.putObject('hide/x', 'again');
    expect(await keys({ prefix: 'hide/' })).toEqual(['hide/x']);
  });
});

describe('listObjectVersions', () => {
  async function versions(prefix: string, pageSize?: number): Promise<ListedVersion[]> {
    const out: ListedVersion[] = [];
    for await (const v of fx.b2.listObjectVersions({ prefix, pageSize })) out.push(v);
    return out;
  }

  it('lists versions newest first, hide markers as delete markers, one latest per key', async () => {
    const v1 = await fx.b2.putObject('ver/k', 'one');
    const v2 = await fx.b2.putObject('ver/k', 'two');
    await fx.b2.deleteObject('ver/k');
    const w1 = await fx.b2.putObject('ver/l', 'only');
    const listed = await versions('ver/');
    expect(listed.map((v) => [v.key, v.isLatest, v.isDeleteMarker])).toEqual([
      ['ver/k', true, true],
      ['ver/k', false, false],
      ['ver/k', false, false],
      ['ver/l', true, false],
    ]);
    expect(listed.slice(1, 3).map((v) => v.versionId)).toEqual([v2.versionId, v1.versionId]);
    expect(listed[3]?.versionId).toBe(w1.versionId);
    expect(listed[0]).toMatchObject({ size: 0, etag: '' });
    expect(listed[1]?.etag).toBe(createHash('sha1').update('two').digest('hex'));
  });

  it('keeps isLatest right when a key’s versions span pages', async () => {
    for (let i = 0; i < 5; i++) await fx.b2.putObject('span/k', `v${i}`);
    await fx.b2.putObject('span/m', 'm');
    const all = await versions('span/');
    for (const pageSize of [1, 2, 3]) {
      const paged = await versions('span/', pageSize);
      expect(paged).toEqual(all);
    }
    expect(all.filter((v) => v.isLatest).map((v) => v.key)).toEqual(['span/k', 'span/m']);
  });

  it('groups versions by a delimiter into common prefixes', async () => {
    const prefixes = [];
    const items = [];
    for await (const page of fx.b2.listVersionPages({ prefix: 'list/', delimiter: '/' })) {
      prefixes.push(...page.commonPrefixes);
      items.push(...page.items.map((v) => v.key));
    }
    expect(prefixes).toEqual(['list/a/', 'list/b/']);
    expect(items).toContain('list/z');
    expect(items).not.toContain('list/a/1');
  });
});
