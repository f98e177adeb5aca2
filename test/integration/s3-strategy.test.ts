// `strategy: 'auto'` on Ceph RGW: an unversioned bucket qualifies (its create-only writes are
// atomic under the qualification race), so locks run the conditional strategy; a versioned bucket
// (where Ceph 16 ignores If-None-Match) does not, so they run the ticket election, and an explicit
// 'conditional' is refused before anything is written under the lock's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualifyStore, type S3Session, StoreNotQualifiedError } from '../../src/index.js';
import { createTestBucket, destroyTestBucket, listKeys } from '../support/s3-bucket.js';

let plain: S3Session;
let versioned: S3Session;

beforeAll(async () => {
  plain = await createTestBucket('strategy');
  versioned = await createTestBucket('strategy-versioned');
  await versioned.setBucketVersioning(true);
});

afterAll(async () => {
  await destroyTestBucket(plain);
  await destroyTestBucket(versioned);
});

const OPTIONS = { strategy: 'auto', settleDelayMs: 30, pollIntervalMs: 40, cleanupOnExit: false } as const;

describe("strategy 'auto' on Ceph RGW", () => {
  it('an unversioned bucket qualifies: auto runs the conditional strategy', async () => {
    const verdict = await qualifyStore(plain, { recheck: true });
    expect(verdict).toMatchObject({ qualified: true });
    const lock = plain.lock('job', OPTIONS);
    await lock.acquire();
    expect(lock.strategy).toBe('conditional');
    expect(lock.fencingToken).toBe(1);
    await lock.release();
    expect(await listKeys(plain, { prefix: 'job.' })).toEqual([
      'job.done.0000000000000001',
      'job.turn.0000000000000000',
      'job.turn.0000000000000001',
    ]);
    // the qualification race cleaned up after itself
    expect(await listKeys(plain, { prefix: '.s3func-probe/' })).toEqual([]);
  });

  it('a versioned bucket does not: auto runs tickets, and conditional is refused', async () => {
    const verdict = await qualifyStore(versioned, { recheck: true });
    expect(verdict).toEqual({ qualified: false, reason: 'the bucket keeps versions' });
    const lock = versioned.lock('job', OPTIONS);
    await lock.acquire();
    expect(lock.strategy).toBe('ticket');
    await lock.release();
    await expect(versioned.lock('other', { strategy: 'conditional' }).acquire()).rejects.toThrow(
      StoreNotQualifiedError,
    );
    expect(await listKeys(versioned, { prefix: 'other.' })).toEqual([]);
  });
});
