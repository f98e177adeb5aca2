// The client under network faults, through FaultProxy in front of the real server: resets before and
// after the store acted, 503 bursts with Retry-After, delays, stalls and truncated bodies. Retries
// happen where they are safe (counted with `onRetry`), never where they are not, and after every
// faulty write the store holds exactly the body that was meant, once.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BodyNotReplayableError,
  DeleteObjectsError,
  isNotFound,
  NetworkError,
  PreconditionFailedError,
  S3Error,
  S3Session,
  type S3SessionOptions,
  TimeoutError,
} from '../../src/index.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { collect, createTestBucket, destroyTestBucket, sessionOptions } from '../support/s3-bucket.js';
import { s3Env } from './s3-env.js';

interface RetrySeen {
  attempt: number;
  delayMs: number;
  error: unknown;
}

let proxy: FaultProxy;
let plain: S3Session; // unversioned bucket, direct
let versioned: S3Session; // versioned bucket, direct
const retries: RetrySeen[] = [];
const sessions: S3Session[] = [];

/** A session on `bucket` through the proxy, counting retries into `retries`. */
function viaProxy(bucket: string, overrides: Partial<S3SessionOptions> = {}): S3Session {
  const session = new S3Session(
    sessionOptions(bucket, {
      endpoint: proxy.endpoint,
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 1_000 },
      onRetry: (event) => retries.push(event),
      ...overrides,
    }),
  );
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  proxy = await FaultProxy.start(s3Env().endpoint);
  plain = await createTestBucket('faults');
  versioned = await createTestBucket('faults-versioned');
  await versioned.setBucketVersioning(true);
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await proxy.close();
  await destroyTestBucket(plain);
  await destroyTestBucket(versioned);
});

beforeEach(() => {
  retries.length = 0;
  proxy.reset({ requests: true });
});

afterEach(() => {
  // every planned fault was actually hit: a test whose fault never fired proves nothing
  expect(proxy.pending).toBe(0);
});

const md5 = (data: Uint8Array | string) => createHash('md5').update(data).digest('hex');

/** The object's body, read directly (not through the proxy). */
async function stored(session: S3Session, key: string): Promise<string> {
  return (await session.getObject(key)).text();
}

async function versionsOf(key: string) {
  return (await collect(versioned.listObjectVersions({ prefix: key }))).filter((v) => v.key === key);
}

describe('connection resets', () => {
  it('retries a GET whose connection was reset, and returns the body', async () => {
    await plain.putObject('reset/get', 'hello');
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-before' }, { match: { method: 'GET' } });
    expect(await (await s3.getObject('reset/get')).text()).toBe('hello');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toBeInstanceOf(NetworkError);
    expect(retries[0]?.error).toMatchObject({ sent: true, method: 'GetObject', key: 'reset/get' });
    expect(proxy.received({ method: 'GET' }).map((r) => r.fault)).toEqual(['reset-before', undefined]);
  });

  it('retries a listing reset twice, and gives up with NetworkError after maxAttempts', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-before' }, { times: 2, match: { path: 'list-type=2' } });
    await collect(s3.listObjects({ prefix: 'reset/' }));
    expect(retries).toHaveLength(2);
    proxy.inject({ kind: 'reset-before' }, { times: 4, match: { path: 'list-type=2' } });
    const error = await collect(s3.listObjects()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(2 + 3);
  });

  it('resends a PUT reset before it reached the store: one version, the exact body', async () => {
    const s3 = viaProxy(versioned.bucket);
    proxy.inject({ kind: 'reset-before' }, { match: { method: 'PUT' } });
    const res = await s3.putObject('reset/before', 'exactly once');
    expect(retries).toHaveLength(1);
    expect(await stored(versioned, 'reset/before')).toBe('exactly once');
    const versions = await versionsOf('reset/before');
    expect(versions.map((v) => v.versionId)).toEqual([res.versionId]);
    expect(proxy.received({ method: 'PUT' }).map((r) => r.forwarded)).toEqual([false, true]);
  });

  it('resends a PUT whose answer was lost after the store wrote it: same body, a second identical version', async () => {
    const s3 = viaProxy(versioned.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT' } });
    const res = await s3.putObject('reset/after', 'the same bytes');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toMatchObject({ sent: true });
    expect(proxy.received({ method: 'PUT' }).map((r) => [r.forwarded, r.upstreamStatus])).toEqual([
      [true, 200],
      [true, 200],
    ]);
    // A whole-object PUT is idempotent in content, not in history: the first attempt was stored, the
    // client could not know, and its retry stored the same bytes again. On a versioned bucket that is
    // a second version with the same ETag; the latest (what readers see) is exactly the body, and no
    // version holds anything else. Nothing is lost, nothing different is written.
    const versions = await versionsOf('reset/after');
    expect(versions).toHaveLength(2);
    expect(versions.map((v) => v.etag)).toEqual([md5('the same bytes'), md5('the same bytes')]);
    expect(versions[0]).toMatchObject({ versionId: res.versionId, isLatest: true });
    expect(await stored(versioned, 'reset/after')).toBe('the same bytes');
  });

  it('on an unversioned bucket the retried PUT leaves one object with the exact body', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT' } });
    await s3.putObject('reset/plain', 'once');
    expect(retries).toHaveLength(1);
    expect((await collect(plain.listObjects({ prefix: 'reset/plain' }))).map((o) => [o.key, o.size])).toEqual(
      [['reset/plain', 4]],
    );
    expect(await stored(plain, 'reset/plain')).toBe('once');
  });
});

describe('conditional writes are not resent after an ambiguous failure', () => {
  it('a reset after the store applied a conditional PUT surfaces as NetworkError with sent: true', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT' } });
    const error = await s3.putObject('cond/after', 'mine', { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ sent: true, method: 'PutObject', key: 'cond/after' });
    expect(retries).toHaveLength(0);
    expect(proxy.received({ method: 'PUT' })).toHaveLength(1);
    // it did take effect, once: a resend would have reported a false conflict with itself
    expect(await stored(plain, 'cond/after')).toBe('mine');
    await expect(plain.putObject('cond/after', 'other', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('a reset before the store saw it is not resent either (the client cannot tell the two apart)', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-before' }, { match: { method: 'PUT' } });
    const error = await s3.putObject('cond/before', 'mine', { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(0);
    expect(isNotFound(await plain.headObject('cond/before').catch((e: unknown) => e))).toBe(true);
  });

  it('a 503 SlowDown is resent even for a conditional PUT: the store refused before acting', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'error', retryAfter: '0' }, { match: { method: 'PUT' } });
    await s3.putObject('cond/throttled', 'mine', { ifNoneMatch: '*' });
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toMatchObject({ status: 503, s3Code: 'SlowDown' });
    expect(await stored(plain, 'cond/throttled')).toBe('mine');
  });

  it('a 500 on a conditional PUT is not resent (it may have been applied)', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'error', status: 500, code: 'InternalError' }, { match: { method: 'PUT' } });
    const error = await s3.putObject('cond/500', 'mine', { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 500, s3Code: 'InternalError', attempts: 1 });
    expect(retries).toHaveLength(0);
  });

  it('a key-only DeleteObjects (POST) is not resent after a reset; every key is reported, none dropped', async () => {
    await plain.putObject('post/a', 'a');
    await plain.putObject('post/b', 'b');
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'POST' } });
    const error = await s3.deleteObjects(['post/a', 'post/b']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    expect((error as DeleteObjectsError).failures.map((f) => [f.key, f.code])).toEqual([
      ['post/a', 'ERR_NETWORK'],
      ['post/b', 'ERR_NETWORK'],
    ]);
    expect((error as DeleteObjectsError).deleted).toEqual([]);
    expect(retries).toHaveLength(0);
    expect(proxy.received({ method: 'POST' })).toHaveLength(1);
  });

  it('a DeleteObjects of exact versions is idempotent and is resent', async () => {
    const a = await versioned.putObject('post/v', 'a');
    const s3 = viaProxy(versioned.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'POST' } });
    const result = await s3.deleteObjects([{ key: 'post/v', versionId: a.versionId as string }]);
    expect(result.deleted).toEqual([{ key: 'post/v', versionId: a.versionId }]);
    expect(retries).toHaveLength(1);
    expect(await versionsOf('post/v')).toEqual([]);
  });
});

describe('503 SlowDown bursts and Retry-After', () => {
  it('waits at least Retry-After between attempts and succeeds after the burst', async () => {
    await plain.putObject('slow/x', 'x');
    const s3 = viaProxy(plain.bucket, { retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 5_000 } });
    proxy.inject({ kind: 'error', retryAfter: '1' }, { times: 2, match: { method: 'GET' } });
    const started = performance.now();
    expect(await (await s3.getObject('slow/x')).text()).toBe('x');
    const elapsed = performance.now() - started;
    expect(retries.map((r) => r.delayMs)).toEqual([1_000, 1_000]);
    expect(retries.every((r) => r.error instanceof S3Error && r.error.retryAfterMs === 1_000)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(proxy.received({ method: 'GET' }).map((r) => r.forwarded)).toEqual([false, false, true]);
  });

  it('caps a long Retry-After at retry.maxDelayMs', async () => {
    const s3 = viaProxy(plain.bucket, { retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 150 } });
    proxy.inject({ kind: 'error', retryAfter: '3600' }, { times: 3, match: { method: 'GET' } });
    const started = performance.now();
    expect(await (await s3.getObject('slow/x')).text()).toBe('x');
    expect(retries.map((r) => r.delayMs)).toEqual([150, 150, 150]);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const s3 = viaProxy(plain.bucket, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 5_000 } });
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    proxy.inject({ kind: 'error', retryAfter: inTwoSeconds }, { match: { method: 'GET' } });
    await (await s3.getObject('slow/x')).dump();
    expect(retries).toHaveLength(1);
    // the date has whole seconds, so the wait is between 1 and 2 s
    expect(retries[0]?.delayMs).toBeGreaterThan(900);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(2_000);
  });

  it('gives up after maxAttempts with the last S3Error, its attempts counted', async () => {
    const s3 = viaProxy(plain.bucket, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    proxy.inject({ kind: 'error', retryAfter: '0' }, { times: 3, match: { method: 'PUT' } });
    const error = await s3.putObject('slow/never', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 503, s3Code: 'SlowDown', attempts: 3, requestId: 'fault-proxy' });
    expect(retries).toHaveLength(2);
    expect(proxy.received({ method: 'PUT' }).every((r) => !r.forwarded)).toBe(true);
    expect(isNotFound(await plain.headObject('slow/never').catch((e: unknown) => e))).toBe(true);
  });

  it('does not retry errors that are not transient (403)', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'error', status: 403, code: 'AccessDenied' }, { match: { method: 'GET' } });
    const error = await s3.getObject('slow/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, s3Code: 'AccessDenied', attempts: 1 });
    expect(retries).toHaveLength(0);
  });
});

describe('delays, stalls and truncated bodies', () => {
  const big = new Uint8Array(1024 * 1024).map((_, i) => i % 253);

  beforeAll(async () => {
    await plain.putObject('body/big', big);
  });

  it('an answer slower than idleTimeoutMs is a TimeoutError and is retried', async () => {
    const s3 = viaProxy(plain.bucket, { idleTimeoutMs: 300 });
    proxy.inject({ kind: 'delay', ms: 1_000 }, { match: { method: 'GET' } });
    const obj = await s3.getObject('body/big');
    expect(md5(await obj.bytes())).toBe(md5(big));
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toBeInstanceOf(TimeoutError);
    expect(retries[0]?.error).toMatchObject({ code: 'ERR_TIMEOUT', method: 'GetObject' });
  });

  it('a slow answer within idleTimeoutMs is waited for, not retried', async () => {
    const s3 = viaProxy(plain.bucket, { idleTimeoutMs: 2_000 });
    proxy.inject({ kind: 'delay', ms: 300 }, { match: { method: 'GET' } });
    expect(md5(await (await s3.getObject('body/big')).bytes())).toBe(md5(big));
    expect(retries).toHaveLength(0);
  });

  it('a listing body that stalls mid-way hits idleTimeoutMs and is retried', async () => {
    const s3 = viaProxy(plain.bucket, { idleTimeoutMs: 300 });
    proxy.inject({ kind: 'stall', afterBytes: 100 }, { match: { path: 'list-type=2' } });
    const keys = (await collect(s3.listObjects({ prefix: 'body/' }))).map((o) => o.key);
    expect(keys).toEqual(['body/big']);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toBeInstanceOf(TimeoutError);
  });

  it('a GET body that stalls mid-way fails bytes() with a TimeoutError, and the session recovers', async () => {
    const s3 = viaProxy(plain.bucket, { idleTimeoutMs: 300, maxConnections: 1 });
    proxy.inject({ kind: 'stall', afterBytes: 200_000 }, { match: { method: 'GET' } });
    const obj = await s3.getObject('body/big');
    const error = await obj.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', method: 'GetObject', key: 'body/big' });
    expect(md5(await (await s3.getObject('body/big')).bytes())).toBe(md5(big));
  });

  it('a truncated GET body fails bytes() with a typed error, never a short body', async () => {
    const s3 = viaProxy(plain.bucket, { maxConnections: 1 });
    proxy.inject({ kind: 'truncate', afterBytes: 300_000 }, { match: { method: 'GET' } });
    const obj = await s3.getObject('body/big');
    expect(obj.contentLength).toBe(big.byteLength);
    const error = await obj.bytes().catch((e: unknown) => e);
    // the connection closed before Content-Length bytes arrived
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ method: 'GetObject', key: 'body/big', sent: true });
    expect(md5(await (await s3.getObject('body/big')).bytes())).toBe(md5(big));
  });

  it('a truncated GET body read as a stream errors the stream', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'truncate', afterBytes: 100_000 }, { match: { method: 'GET' } });
    const obj = await s3.getObject('body/big');
    let received = 0;
    const error = await (async () => {
      for await (const chunk of obj.body) received += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    // the raw stream carries undici's own error; what matters is that it does not end quietly short
    expect(error).toBeInstanceOf(Error);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(100_000);
  });

  it('a truncated listing body is retried', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'truncate', afterBytes: 50 }, { match: { path: 'list-type=2' } });
    expect((await collect(s3.listObjects({ prefix: 'body/' }))).map((o) => o.key)).toEqual(['body/big']);
    expect(retries).toHaveLength(1);
  });
});

describe('request bodies on retry', () => {
  it('a consumed one-shot stream is not resent: BodyNotReplayableError, nothing written', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-before' }, { match: { method: 'PUT' } });
    const body = Readable.from([Buffer.from('streamed '), Buffer.from('once')]);
    const error = await s3.putObject('stream/once', body, { contentLength: 13 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyNotReplayableError);
    expect((error as BodyNotReplayableError).cause).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(0);
    // the one attempt carried the whole body; there was no second, empty one
    expect(proxy.received({ method: 'PUT' }).map((r) => r.requestBytes)).toEqual([13]);
    expect(isNotFound(await plain.headObject('stream/once').catch((e: unknown) => e))).toBe(true);
  });

  it('a consumed one-shot stream answered by 503 is not resent either', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'error', retryAfter: '0' }, { match: { method: 'PUT' } });
    const body = Readable.from([Buffer.from('abc')]);
    const error = await s3.putObject('stream/503', body, { contentLength: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyNotReplayableError);
    expect((error as BodyNotReplayableError).cause).toMatchObject({ status: 503 });
    expect(proxy.received({ method: 'PUT' })).toHaveLength(1);
  });

  it('a function returning a fresh stream is called again and the retry sends the whole body', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT' } });
    let calls = 0;
    await s3.putObject(
      'stream/fresh',
      () => {
        calls++;
        return Readable.from([Buffer.from('fresh '), Buffer.from('each time')]);
      },
      { contentLength: 15 },
    );
    expect(calls).toBe(2);
    expect(retries).toHaveLength(1);
    expect(proxy.received({ method: 'PUT' }).map((r) => r.requestBytes)).toEqual([15, 15]);
    expect(await stored(plain, 'stream/fresh')).toBe('fresh each time');
  });

  it('a stream of unknown length that fits in one part is held in memory and resent whole', async () => {
    const s3 = viaProxy(plain.bucket);
    proxy.inject({ kind: 'reset-before' }, { match: { method: 'PUT' } });
    await s3.putObject('stream/small', Readable.from([Buffer.from('small '), Buffer.from('stream')]));
    expect(retries).toHaveLength(1);
    expect(await stored(plain, 'stream/small')).toBe('small stream');
  });

  it('a multipart upload resends a failed part and completes with the exact bytes', async () => {
    const s3 = viaProxy(versioned.bucket, { partSizeBytes: 5 * 1024 * 1024 });
    const data = new Uint8Array(12 * 1024 * 1024).map((_, i) => (i * 31) % 256);
    proxy.inject({ kind: 'reset-after' }, { match: { method: 'PUT', path: 'partNumber=2&' } });
    proxy.inject({ kind: 'error', retryAfter: '0' }, { match: { method: 'PUT', path: 'partNumber=3&' } });
    await s3.putObject('stream/multipart', Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    expect(retries).toHaveLength(2);
    const parts = proxy.received({ method: 'PUT' }).map((r) => /partNumber=(\d+)/.exec(r.path)?.[1]);
    expect(parts).toEqual(['1', '2', '2', '3', '3']);
    // one object version, whatever the retried parts did
    expect(await versionsOf('stream/multipart')).toHaveLength(1);
    const obj = await versioned.getObject('stream/multipart');
    expect(obj.size).toBe(data.byteLength);
    expect(md5(await obj.bytes())).toBe(md5(data));
  });
});
