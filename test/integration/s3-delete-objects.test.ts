// deleteObjects: per-key failures are surfaced, key by key, across batches, and never dropped.
// A bucket policy that denies deleting keys under `protected/` makes Ceph (and AWS) answer a
// DeleteObjects request with a per-key AccessDenied for exactly those keys while deleting the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DeleteObjectsError, type S3Session } from '../../src/index.js';
import {
  collect,
  createTestBucket,
  destroyTestBucket,
  forEachLimit,
  listKeys,
} from '../support/s3-bucket.js';
import { deleteBucketPolicy, denyDeletesUnder } from '../support/s3-raw.js';

let s3: S3Session;

beforeAll(async () => {
  s3 = await createTestBucket('delete-many');
  await denyDeletesUnder(s3.bucket, 'protected/');
});

afterAll(async () => {
  await deleteBucketPolicy(s3.bucket);
  await destroyTestBucket(s3);
});

describe('deleteObjects with per-key failures', () => {
  it('lists exactly the refused keys as failures and every other key as deleted, across batches', async () => {
    const free = Array.from({ length: 1005 }, (_, i) => `free/${String(i).padStart(4, '0')}`);
    const protectedKeys = ['protected/a', 'protected/b', 'protected/c'];
    // interleaved so that refused keys fall in both batches (1000 + 8 keys)
    const targets = [...free];
    targets.splice(5, 0, protectedKeys[0] as string);
    targets.splice(999, 0, protectedKeys[1] as string);
    targets.splice(1003, 0, protectedKeys[2] as string);
    await forEachLimit(targets, 32, (key) => s3.putObject(key, 'x'));

    const error = await s3.deleteObjects(targets).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    const { failures, deleted } = error as DeleteObjectsError;
    expect(failures.map((f) => f.key).sort()).toEqual(protectedKeys);
    expect(failures.every((f) => f.code === 'AccessDenied')).toBe(true);
    expect(deleted.map((d) => d.key).sort()).toEqual(free);
    expect((error as DeleteObjectsError).message).toContain('3 of 1008 keys were not deleted');
    // and the store agrees: only the refused keys are left
    expect(await listKeys(s3)).toEqual(protectedKeys);
  });

  it('reports a refused version delete with its version id on a versioned bucket', async () => {
    await s3.setBucketVersioning(true);
    try {
      const kept = await s3.putObject('protected/v', 'kept');
      const gone = await s3.putObject('free/v', 'gone');
      const error = await s3
        .deleteObjects([
          { key: 'protected/v', versionId: kept.versionId as string },
          { key: 'free/v', versionId: gone.versionId as string },
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeleteObjectsError);
      expect((error as DeleteObjectsError).failures).toEqual([
        expect.objectContaining({ key: 'protected/v', versionId: kept.versionId, code: 'AccessDenied' }),
      ]);
      expect((error as DeleteObjectsError).deleted).toEqual([{ key: 'free/v', versionId: gone.versionId }]);
      const versions = await collect(s3.listObjectVersions({ prefix: 'free/v' }));
      expect(versions).toEqual([]);
    } finally {
      await s3.setBucketVersioning(false);
    }
  });
});

describe('deleteObjects input', () => {
  it('resolves with nothing deleted for no keys', async () => {
    await expect(s3.deleteObjects([])).resolves.toEqual({ deleted: [] });
  });

  it('reports keys that do not exist as deleted (S3 semantics)', async () => {
    await expect(s3.deleteObjects(['never/1', 'never/2'])).resolves.toEqual({
      deleted: [{ key: 'never/1' }, { key: 'never/2' }],
    });
  });

  it('refuses an empty key before sending anything', async () => {
    await s3.putObject('free/keep', 'x');
    await expect(s3.deleteObjects(['free/keep', ''])).rejects.toBeInstanceOf(ConfigError);
    expect(await listKeys(s3, { prefix: 'free/keep' })).toEqual(['free/keep']);
  });

  it('rejects with the signal reason when aborted', async () => {
    const reason = new Error('stop');
    await expect(s3.deleteObjects(['free/keep'], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await listKeys(s3, { prefix: 'free/keep' })).toEqual(['free/keep']);
  });
});
