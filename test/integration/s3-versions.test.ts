// A versioned bucket: versions and delete markers in listings, reads and deletes by version id,
// and copies of an older version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, type ListedVersion, S3Error, type S3Session } from '../../src/index.js';
import { collect, createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';

let s3: S3Session;

beforeAll(async () => {
  s3 = await createTestBucket('versions');
  await s3.setBucketVersioning(true);
});

afterAll(async () => {
  await destroyTestBucket(s3);
});

const versionsOf = async (key: string): Promise<ListedVersion[]> =>
  (await collect(s3.listObjectVersions({ prefix: key }))).filter((v) => v.key === key);

describe('versions', () => {
  const key = 'doc';
  const ids: string[] = [];

  beforeAll(async () => {
    for (const body of ['v1', 'v2', 'v3']) {
      const res = await s3.putObject(key, body);
      expect(res.versionId).toMatch(/.+/);
      ids.push(res.versionId as string);
    }
  });

  it('returns a distinct version id per put, newest first in the listing, one of them latest', async () => {
    expect(new Set(ids).size).toBe(3);
    const versions = await versionsOf(key);
    expect(versions.map((v) => v.versionId)).toEqual([...ids].reverse());
    expect(versions.map((v) => v.isLatest)).toEqual([true, false, false]);
    expect(versions.every((v) => !v.isDeleteMarker && v.size === 2)).toBe(true);
  });

  it('reads each version by id, and the latest without one', async () => {
    for (const [i, id] of ids.entries()) {
      const obj = await s3.getObject(key, { versionId: id });
      expect(obj.versionId).toBe(id);
      expect(await obj.text()).toBe(`v${i + 1}`);
      expect((await s3.headObject(key, { versionId: id })).versionId).toBe(id);
    }
    expect(await (await s3.getObject(key)).text()).toBe('v3');
  });

  it('copies an older version with sourceVersionId', async () => {
    const res = await s3.copyObject(key, 'doc-copy', { sourceVersionId: ids[0] as string });
    expect(await (await s3.getObject('doc-copy')).text()).toBe('v1');
    const [copy] = await versionsOf('doc-copy');
    // AWS names the new version in x-amz-version-id; Ceph 16 sends no such header for a copy
    if (res.versionId !== undefined) expect(res.versionId).toBe(copy?.versionId);
    expect(copy).toMatchObject({ isLatest: true, isDeleteMarker: false, size: 2 });
  });

  it('adds a delete marker on a plain delete; the versions stay readable by id', async () => {
    await s3.deleteObject(key);
    const versions = await versionsOf(key);
    expect(versions).toHaveLength(4);
    const [marker, ...rest] = versions;
    expect(marker).toMatchObject({ isDeleteMarker: true, isLatest: true, size: 0, etag: '' });
    expect(rest.map((v) => v.versionId)).toEqual([...ids].reverse());
    expect(rest.every((v) => !v.isLatest && !v.isDeleteMarker)).toBe(true);
    // the key reads as missing, its versions do not
    expect(isNotFound(await s3.getObject(key).catch((e: unknown) => e))).toBe(true);
    expect(await (await s3.getObject(key, { versionId: ids[1] as string })).text()).toBe('v2');
    // a plain listing no longer shows it
    expect((await collect(s3.listObjects({ prefix: key }))).map((o) => o.key)).toEqual(['doc-copy']);
  });

  it('deletes exactly one version by id; deleting the delete marker restores the previous version', async () => {
    await s3.deleteObject(key, { versionId: ids[1] as string });
    let versions = await versionsOf(key);
    expect(versions.map((v) => v.versionId)).not.toContain(ids[1]);
    expect(versions).toHaveLength(3);
    const marker = versions[0] as ListedVersion;
    expect(marker.isDeleteMarker).toBe(true);
    await s3.deleteObject(key, { versionId: marker.versionId });
    versions = await versionsOf(key);
    expect(versions.map((v) => [v.versionId, v.isLatest])).toEqual([
      [ids[2], true],
      [ids[0], false],
    ]);
    expect(await (await s3.getObject(key)).text()).toBe('v3');
  });

  it('fails reading a deleted version with 404', async () => {
    const error = await s3.getObject(key, { versionId: ids[1] as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).status).toBe(404);
    // AWS says NoSuchVersion, Ceph NoSuchKey
    expect(['NoSuchVersion', 'NoSuchKey']).toContain((error as S3Error).s3Code);
  });

  it('deletes versions in bulk with deleteObjects, leaving no marker behind', async () => {
    const versions = await versionsOf(key);
    const result = await s3.deleteObjects(versions.map((v) => ({ key: v.key, versionId: v.versionId })));
    expect(result.deleted.map((d) => d.versionId).sort()).toEqual(versions.map((v) => v.versionId).sort());
    expect(await versionsOf(key)).toEqual([]);
  });
});

describe('version listing pages', () => {
  it('pages through versions and delete markers of many keys without losing or repeating one', async () => {
    const expected: string[] = [];
    for (const k of ['p/a', 'p/b', 'p/c']) {
      for (let i = 0; i < 3; i++) expected.push(`${k} ${(await s3.putObject(k, `${k}${i}`)).versionId}`);
      await s3.deleteObject(k); // a delete marker per key
    }
    const seen: string[] = [];
    let pages = 0;
    let markers = 0;
    for await (const page of s3.listVersionPages({ prefix: 'p/', pageSize: 2 })) {
      pages++;
      for (const v of page.items) {
        if (v.isDeleteMarker) markers++;
        else seen.push(`${v.key} ${v.versionId}`);
      }
    }
    expect(pages).toBe(6); // 12 entries, 2 per page
    expect(markers).toBe(3);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('groups versions under common prefixes with a delimiter', async () => {
    const pages = await collect(s3.listVersionPages({ delimiter: '/' }));
    expect(pages.flatMap((p) => p.commonPrefixes)).toEqual(['p/']);
    expect(pages.flatMap((p) => p.items.map((v) => v.key))).toEqual(['doc-copy']);
  });
});

describe('suspended versioning', () => {
  it('lists new writes with the version id "null" once versioning is suspended', async () => {
    await s3.setBucketVersioning(false);
    try {
      await s3.putObject('after-suspend', 'x');
      await s3.putObject('after-suspend', 'y');
      const versions = await versionsOf('after-suspend');
      expect(versions.map((v) => [v.versionId, v.isLatest])).toEqual([['null', true]]);
      expect(await (await s3.getObject('after-suspend', { versionId: 'null' })).text()).toBe('y');
    } finally {
      await s3.setBucketVersioning(true);
    }
  });
});
