// Listing: pagination past S3's 1000-key page with a small and the default page size, common
// prefixes, startAfter, and the facts each listed object carries.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type S3Session } from '../../src/index.js';
import {
  collect,
  createTestBucket,
  destroyTestBucket,
  forEachLimit,
  listKeys,
} from '../support/s3-bucket.js';

let s3: S3Session;

// 1210 keys in 4 "folders" plus a few at the top level: more than one default page.
const FOLDERS = ['a', 'b', 'c', 'd'];
const PER_FOLDER = 300;
const keysInFolder = (f: string) =>
  Array.from({ length: PER_FOLDER }, (_, i) => `${f}/${String(i).padStart(4, '0')}`);
const TOP = ['top-1', 'top-2', 'z/deep/er/x', 'z/deep/y'];
const ALL = [...FOLDERS.flatMap(keysInFolder), ...TOP].sort();

beforeAll(async () => {
  s3 = await createTestBucket('list');
  await forEachLimit(ALL, 32, (key) => s3.putObject(key, key));
}, 120_000);

afterAll(async () => {
  await destroyTestBucket(s3);
});

describe('listObjects', () => {
  it('lists every key once, in order, across pages of the default size (1000)', async () => {
    const pages: number[] = [];
    const keys: string[] = [];
    for await (const page of s3.listPages()) {
      pages.push(page.items.length);
      keys.push(...page.items.map((o) => o.key));
      expect(page.commonPrefixes).toEqual([]);
    }
    expect(pages).toEqual([1000, ALL.length - 1000]);
    expect(keys).toEqual(ALL);
  });

  it('lists every key once, in order, across many small pages', async () => {
    const pages: number[] = [];
    const keys: string[] = [];
    for await (const page of s3.listPages({ pageSize: 97 })) {
      pages.push(page.items.length);
      keys.push(...page.items.map((o) => o.key));
    }
    expect(pages.length).toBe(Math.ceil(ALL.length / 97));
    expect(pages.slice(0, -1).every((n) => n === 97)).toBe(true);
    expect(keys).toEqual(ALL);
  });

  it('flattens pages with listObjects, filtered by prefix', async () => {
    expect(await listKeys(s3, { prefix: 'c/' })).toEqual(keysInFolder('c'));
    expect(await listKeys(s3, { prefix: 'c/02' })).toEqual(
      keysInFolder('c').filter((k) => k.startsWith('c/02')),
    );
    expect(await listKeys(s3, { prefix: 'nothing-here/' })).toEqual([]);
  });

  it('reports size, ETag and a millisecond-capable Last-Modified per object', async () => {
    const first = (await s3.listObjects({ prefix: 'top-1' }).next()).value;
    expect(first).toMatchObject({
      key: 'top-1',
      size: 5,
      etag: createHash('md5').update('top-1').digest('hex'),
    });
    expect(first?.lastModified).toBeInstanceOf(Date);
    expect(Number.isNaN(first?.lastModified.getTime())).toBe(false);
  });

  it('starts after a key (exclusive), also when it falls inside a later page', async () => {
    const after = 'b/0150';
    expect(await listKeys(s3, { startAfter: after })).toEqual(ALL.filter((k) => k > after));
    const keys: string[] = [];
    for await (const o of s3.listObjects({ startAfter: 'a/0299', pageSize: 250 })) keys.push(o.key);
    expect(keys).toEqual(ALL.filter((k) => k > 'a/0299'));
    // a key that does not exist works as a position too
    expect((await s3.listObjects({ startAfter: 'c/0299x' }).next()).value?.key).toBe('d/0000');
  });
});

describe('common prefixes', () => {
  it('groups keys up to the delimiter, keeping top-level keys as objects', async () => {
    const items: string[] = [];
    const prefixes: string[] = [];
    for await (const page of s3.listPages({ delimiter: '/' })) {
      items.push(...page.items.map((o) => o.key));
      prefixes.push(...page.commonPrefixes);
    }
    expect(items).toEqual(['top-1', 'top-2']);
    expect(prefixes).toEqual(['a/', 'b/', 'c/', 'd/', 'z/']);
  });

  it('lists the "folders" under a prefix with listCommonPrefixes', async () => {
    expect(await collect(s3.listCommonPrefixes())).toEqual(['a/', 'b/', 'c/', 'd/', 'z/']);
    expect(await collect(s3.listCommonPrefixes({ prefix: 'z/' }))).toEqual(['z/deep/']);
    expect(await collect(s3.listCommonPrefixes({ prefix: 'z/deep/' }))).toEqual(['z/deep/er/']);
    expect(await collect(s3.listCommonPrefixes({ prefix: 'a/' }))).toEqual([]);
  });

  it('keeps common prefixes across pages when each page holds only a few', async () => {
    const prefixes: string[] = [];
    let pages = 0;
    for await (const page of s3.listPages({ delimiter: '/', pageSize: 2 })) {
      pages++;
      prefixes.push(...page.commonPrefixes);
    }
    // 7 entries (2 keys, 5 prefixes) at 2 per page
    expect(pages).toBe(4);
    expect(prefixes).toEqual(['a/', 'b/', 'c/', 'd/', 'z/']);
  });

  it('accepts another delimiter', async () => {
    expect(await collect(s3.listCommonPrefixes({ delimiter: '-' }))).toEqual(['top-']);
  });
});

describe('deleteObjects in batches', () => {
  it('deletes more than 1000 keys (two requests) and reports every one deleted', async () => {
    const result = await s3.deleteObjects(ALL);
    expect(result.deleted.map((d) => d.key).sort()).toEqual(ALL);
    expect(await listKeys(s3)).toEqual([]);
  });
});

describe('listing options', () => {
  it('rejects a page size outside 1..1000 and unknown options with ConfigError', async () => {
    await expect(s3.listPages({ pageSize: 0 }).next()).rejects.toBeInstanceOf(ConfigError);
    await expect(s3.listPages({ pageSize: 1001 }).next()).rejects.toBeInstanceOf(ConfigError);
    await expect(s3.listObjects({ maxKeys: 5 } as never).next()).rejects.toBeInstanceOf(ConfigError);
  });
});
