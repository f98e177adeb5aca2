/** Contract: deletes (one and many) and copies. */
import { describe, expect } from 'vitest';
import { ConfigError, isNotFound } from '../../../src/index.js';
import { type ContractContext, etagOf, listedKeys } from './harness.js';

export function deleteCopyContract({ storeTest }: ContractContext): void {
  describe('delete and copy', () => {
    storeTest('deleteObject removes the object; deleting a missing key succeeds', async (s) => {
      await s.putObject('gone', 'x');
      await s.deleteObject('gone');
      await expect(s.headObject('gone')).rejects.toSatisfy(isNotFound);
      expect(await listedKeys(s)).toEqual([]);
      await s.deleteObject('gone');
      await s.deleteObject('never-was');
    });

    storeTest('deleteObjects deletes every key and reports each, missing keys included', async (s) => {
      const keys = Array.from({ length: 30 }, (_, i) => `many/${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((k) => s.putObject(k, k)));
      await s.putObject('keep', 'k');
      const result = await s.deleteObjects([...keys, { key: 'missing' }]);
      expect(result.deleted.map((d) => d.key).sort()).toEqual([...keys, 'missing'].sort());
      expect(await listedKeys(s)).toEqual(['keep']);
      expect(await s.deleteObjects([])).toEqual({ deleted: [] });
    });

    storeTest('deleteObjects refuses an invalid key before deleting anything', async (s) => {
      await s.putObject('a', 'a');
      await expect(s.deleteObjects(['a', ''])).rejects.toBeInstanceOf(ConfigError);
      expect(await listedKeys(s)).toEqual(['a']);
    });

    storeTest('copyObject copies body, ETag, content type and metadata; the source stays', async (s) => {
      await s.putObject('src', 'payload', { contentType: 'text/plain', metadata: { a: '1' } });
      const copied = await s.copyObject('src', 'dir/dst');
      expect(copied.etag).toBe(etagOf(s, 'payload'));
      const dst = await s.getObject('dir/dst');
      expect(await dst.text()).toBe('payload');
      expect(dst).toMatchObject({
        etag: etagOf(s, 'payload'),
        contentType: 'text/plain',
        metadata: { a: '1' },
      });
      expect(await listedKeys(s)).toEqual(['dir/dst', 'src']);
    });

    storeTest('copyObject with new metadata replaces metadata and content type', async (s) => {
      await s.putObject('src', 'payload', { contentType: 'text/plain', metadata: { a: '1' } });
      await s.copyObject('src', 'dst', { metadata: { b: '2' } });
      const dst = await s.headObject('dst');
      expect(dst.metadata).toEqual({ b: '2' });
      expect(dst.contentType).toBe('application/octet-stream');
      await s.copyObject('src', 'typed', { contentType: 'image/png' });
      expect(await s.headObject('typed')).toMatchObject({ contentType: 'image/png', metadata: {} });
      await s.copyObject('src', 'src', { metadata: { c: '3' } });
      expect((await s.headObject('src')).metadata).toEqual({ c: '3' });
    });

    storeTest('copyObject from a missing source is a 404 and creates nothing', async (s) => {
      await expect(s.copyObject('absent', 'dst')).rejects.toSatisfy(isNotFound);
      expect(await listedKeys(s)).toEqual([]);
    });
  });
}
