// `strategy: 'auto'` on Ceph RGW: an unversioned bucket qualifies (its create-only writes are
// atomic under the qualification race), so locks run the conditional strategy; a versioned bucket
// (where Ceph 16 ignores If-None-Match) does not, so they run the ticket election, and an explicit
// 'conditional' is refused before anything is written under the lock's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLock, qualifyStore, type S3Session, StoreNotQualifiedError } from '../../src/index.js';
import type { ObjectStore, PutObjectOptions } from '../../src/store/types.js';
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

/** The session, recording whether each fence write was create-only. */
function recordingFences(session: S3Session): { store: ObjectStore; fenceWrites: (string | undefined)[] } {
  const fenceWrites: (string | undefined)[] = [];
  const putObject = (key: string, body: string | Uint8Array, options?: PutObjectOptions) => {
    if (key.includes('.fence.')) fenceWrites.push(options?.ifNoneMatch);
    return session.putObject(key, body, options);
  };
  const store = new Proxy(session, {
    get(target, prop) {
      if (prop === 'putObject') return putObject;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ObjectStore;
  return { store, fenceWrites };
}

describe('ticket fencing on Ceph RGW relies on create-only writes only where they qualified (T3)', () => {
  const TICKET = { strategy: 'ticket', settleDelayMs: 30, pollIntervalMs: 40, cleanupOnExit: false } as const;

  it('an unversioned bucket: fence writes are create-only', async () => {
    const { store, fenceWrites } = recordingFences(plain);
    const lock = createLock(store, 'fenced', TICKET);
    expect(await lock.acquire()).toBe(true);
    await lock.release();
    expect(fenceWrites).toEqual(['*']);
  });

  it('a versioned bucket (Ceph 16 accepts If-None-Match there and ignores it): plain writes, tokens still unique', async () => {
    const { store, fenceWrites } = recordingFences(versioned);
    const tokens: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 3; i++) {
          const lock = createLock(store, 'fenced', TICKET);
          expect(await lock.acquire()).toBe(true);
          tokens.push(lock.fencingToken as number);
          await lock.release();
        }
      }),
    );
    expect(fenceWrites).toHaveLength(12);
    expect(fenceWrites.every((w) => w === undefined)).toBe(true);
    // in acquisition order, each token above the last
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(12);
  });
});
