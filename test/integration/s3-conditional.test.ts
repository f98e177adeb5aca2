// Conditional creates: among concurrent `ifNoneMatch: '*'` writers of one key exactly one wins and
// every other gets PreconditionFailedError. Ceph 16 makes this atomic on unversioned buckets only
// (it ignores If-None-Match on versioned ones), so the bucket here is unversioned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreconditionFailedError, type S3Session } from '../../src/index.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';

let s3: S3Session;

beforeAll(async () => {
  s3 = await createTestBucket('conditional');
});

afterAll(async () => {
  await destroyTestBucket(s3);
});

const WRITERS = 8;
const ROUNDS = 5;

describe("ifNoneMatch: '*'", () => {
  it(`gives exactly one winner among ${WRITERS} concurrent writers, round after round`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `race/${round}`;
      const results = await Promise.allSettled(
        Array.from({ length: WRITERS }, (_, i) => s3.putObject(key, `writer ${i}`, { ifNoneMatch: '*' })),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(WRITERS - 1);
      for (const reason of losers) {
        expect(reason).toBeInstanceOf(PreconditionFailedError);
        expect(reason).toMatchObject({ status: 412, key, attempts: 1 });
      }
      // the stored body is the winner's, written once
      expect(await (await s3.getObject(key)).text()).toBe(`writer ${winners[0]}`);
    }
  });

  it('lets a create succeed again after the key was deleted', async () => {
    await s3.putObject('recreate', 'one', { ifNoneMatch: '*' });
    await expect(s3.putObject('recreate', 'two', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await s3.deleteObject('recreate');
    await s3.putObject('recreate', 'three', { ifNoneMatch: '*' });
    expect(await (await s3.getObject('recreate')).text()).toBe('three');
  });
});
