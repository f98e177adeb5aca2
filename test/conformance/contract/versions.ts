/**
 * Contract: versions. Without versioning every object lists once with version id 'null' (the lock
 * core deletes tickets by the listed version id, so `{ versionId: 'null' }` must delete); with
 * versioning, puts add versions and deletes add delete markers, as S3 does.
 */
import { describe, expect } from 'vitest';
import { isNotFound } from '../../../src/index.js';
import { type ContractContext, collect, etagOf, listedKeys } from './harness.js';

export function versionContract(context: ContractContext): void {
  if (context.options.versioned) versionedContract(context);
  else unversionedContract(context);
}

function unversionedContract({ storeTest }: ContractContext): void {
  describe('versions (no versioning)', () => {
    storeTest("each object lists once with version id 'null', latest, not a delete marker", async (s) => {
      const put = await s.putObject('v/a', 'one');
      expect(put.versionId).toBeUndefined();
      await s.putObject('v/a', 'two');
      await s.putObject('v/b', 'bee');
      const versions = await collect(s.listObjectVersions({ prefix: 'v/' }));
      expect(versions).toMatchObject([
        {
          key: 'v/a',
          versionId: 'null',
          isLatest: true,
          isDeleteMarker: false,
          size: 3,
          etag: etagOf(s, 'two'),
        },
        {
          key: 'v/b',
          versionId: 'null',
          isLatest: true,
          isDeleteMarker: false,
          size: 3,
          etag: etagOf(s, 'bee'),
        },
      ]);
      for (const v of versions) expect(v.lastModified).toBeInstanceOf(Date);
    });

    storeTest("version id 'null' reads and deletes the object; other ids delete nothing", async (s) => {
      await s.putObject('n', 'body');
      expect(await (await s.getObject('n', { versionId: 'null' })).text()).toBe('body');
      await s.deleteObject('n', { versionId: 'not-a-version' }).catch(() => {});
      await s.deleteObjects([{ key: 'n', versionId: 'not-a-version' }]).catch(() => {});
      expect(await listedKeys(s)).toEqual(['n']);
      await s.deleteObject('n', { versionId: 'null' });
      expect(await collect(s.listObjectVersions())).toEqual([]);
      await expect(s.headObject('n')).rejects.toSatisfy(isNotFound);
    });
  });
}

function versionedContract({ storeTest }: ContractContext): void {
  describe('versions (versioning)', () => {
    storeTest(
      'puts add versions, newest first; a delete adds a delete marker; old versions stay readable',
      async (s) => {
        const v1 = await s.putObject('doc', 'one');
        const v2 = await s.putObject('doc', 'two');
        expect(v1.versionId).toBeTruthy();
        expect(v2.versionId).toBeTruthy();
        expect(v2.versionId).not.toBe(v1.versionId);
        expect((await s.headObject('doc')).versionId).toBe(v2.versionId);
        await s.deleteObject('doc');
        const versions = await collect(s.listObjectVersions());
        expect(versions).toMatchObject([
          { key: 'doc', isLatest: true, isDeleteMarker: true, size: 0, etag: '' },
          {
            key: 'doc',
            versionId: v2.versionId,
            isLatest: false,
            isDeleteMarker: false,
            etag: etagOf(s, 'two'),
          },
          {
            key: 'doc',
            versionId: v1.versionId,
            isLatest: false,
            isDeleteMarker: false,
            etag: etagOf(s, 'one'),
          },
        ]);
        expect(await listedKeys(s)).toEqual([]);
        await expect(s.getObject('doc')).rejects.toSatisfy(isNotFound);
        const old = await s.getObject('doc', { versionId: v1.versionId });
        expect(await old.text()).toBe('one');
        expect(old.versionId).toBe(v1.versionId);
      },
    );

    storeTest(
      'deleting a version removes exactly it; deleting the delete marker restores the object',
      async (s) => {
        const v1 = await s.putObject('doc', 'one');
        const v2 = await s.putObject('doc', 'two');
        await s.deleteObject('doc', { versionId: v2.versionId });
        expect(await (await s.getObject('doc')).text()).toBe('one');
        await s.deleteObject('doc');
        const marker = (await collect(s.listObjectVersions())).find((v) => v.isDeleteMarker);
        expect(marker).toBeDefined();
        await s.deleteObject('doc', { versionId: marker?.versionId });
        expect(await (await s.getObject('doc')).text()).toBe('one');
        const left = await collect(s.listObjectVersions());
        expect(left.map((v) => [v.versionId, v.isLatest])).toEqual([[v1.versionId, true]]);
      },
    );

    storeTest(
      'deleting a key that never existed leaves a delete marker',
      async (s) => {
        await s.deleteObject('ghost');
        expect(await collect(s.listObjectVersions())).toMatchObject([
          { key: 'ghost', isLatest: true, isDeleteMarker: true },
        ]);
      },
      'deleteMarkerForMissingKey',
    );

    storeTest('copyObject with sourceVersionId copies that version', async (s) => {
      const v1 = await s.putObject('src', 'old');
      await s.putObject('src', 'new');
      await s.copyObject('src', 'dst', { sourceVersionId: v1.versionId });
      expect(await (await s.getObject('dst')).text()).toBe('old');
    });

    storeTest('version pages: pageSize cuts versions, a delimiter rolls keys up', async (s) => {
      for (const body of ['1', '2', '3']) await s.putObject('k/x', body);
      await s.putObject('top', 't');
      const all = await collect(s.listObjectVersions());
      const pages = await collect(s.listVersionPages({ pageSize: 2 }));
      expect(pages.map((p) => p.items.length)).toEqual([2, 2]);
      expect(pages.flatMap((p) => p.items)).toEqual(all);
      const [rolled] = await collect(s.listVersionPages({ delimiter: '/' }));
      expect(rolled?.commonPrefixes).toEqual(['k/']);
      expect(rolled?.items.map((v) => v.key)).toEqual(['top']);
    });
  });
}
