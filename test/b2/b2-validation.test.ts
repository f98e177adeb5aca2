// Bad input to B2Session fails with a ConfigError naming the problem before any request is sent:
// B2's file name rules, its file info rules, conditional writes it cannot do, bad options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2Session, ConfigError } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
});

afterAll(async () => {
  await fx.close();
});

/** Runs `fn`, expects a ConfigError matching `message`, and that the server saw no request. */
async function refused(fn: () => Promise<unknown> | unknown, message: RegExp): Promise<void> {
  const before = fx.server.totalCalls();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
  expect(fx.server.totalCalls()).toBe(before);
}

describe('file names', () => {
  it.each([
    ['', /must not be empty/],
    ['tab\there', /control character U\+0009/],
    ['nul\u0000', /control character U\+0000/],
    ['del\u007f', /control character U\+007F/],
    ['x'.repeat(1025), /1025 UTF-8 bytes long; the limit is 1024/],
    ['é'.repeat(513), /1026 UTF-8 bytes long/],
    ['lone \uD800 surrogate', /lone UTF-16 surrogate/],
  ])('refuses the key %j', async (key, message) => {
    await refused(() => fx.b2.putObject(key, 'x'), message);
    await refused(() => fx.b2.getObject(key), message);
    await refused(() => fx.b2.deleteObject(key), message);
  });

  it('accepts 1024 bytes exactly, and names with spaces, slashes and unicode', async () => {
    await fx.b2.putObject('y'.repeat(1024), 'x');
    await fx.b2.putObject('/leading//double/ trailing/', 'x');
    expect(await (await fx.b2.getObject('/leading//double/ trailing/')).text()).toBe('x');
  });

  it('refuses bad prefixes and start keys, and bad keys in deleteObjects and copyObject', async () => {
    await refused(
      () => fx.b2.listObjects({ prefix: 'a\nb' })[Symbol.asyncIterator]().next(),
      /control character/,
    );
    await refused(
      () => fx.b2.listObjects({ startAfter: 'a\rb' })[Symbol.asyncIterator]().next(),
      /startAfter contains/,
    );
    await refused(() => fx.b2.deleteObjects(['ok', 'bad\u0001']), /deleteObjects key contains/);
    await refused(() => fx.b2.copyObject('ok', 'bad\u0002'), /destKey contains/);
  });
});

describe('metadata (B2 file info)', () => {
  it.each([
    [{ Upper: 'x' }, /must be lower-case/],
    [{ ok: 'nön-ascii' }, /non-ASCII/],
    [{ ['n'.repeat(51)]: 'x' }, /B2 allows at most 50/],
    [{ 'b2-content-disposition': 'x' }, /reserved by B2/],
    [{ big: 'v'.repeat(2100) }, /S3 allows at most 2048/],
  ])('refuses %j', async (metadata, message) => {
    await refused(() => fx.b2.putObject('k', 'x', { metadata }), message);
  });

  it('refuses a file name and file info that together exceed 7000 header bytes', async () => {
    const key = 'é'.repeat(512); // 1024 bytes, 3072 percent-encoded
    await refused(
      () => fx.b2.putObject(key, 'x', { metadata: { a: '%'.repeat(1000), b: '%'.repeat(1000) } }),
      /B2 allows at most 7000/,
    );
  });
});

describe('calls B2 cannot do', () => {
  it.each([
    [{ ifNoneMatch: '*' }, /ifNoneMatch is not supported on B2's native API/],
    [{ ifMatch: 'abc' }, /ifMatch is not supported/],
  ])('refuses a conditional put %j', async (options, message) => {
    await refused(() => fx.b2.putObject('k', 'x', options), message);
  });

  it('says so in its capabilities', () => {
    expect(fx.b2.capabilities).toEqual({ listVersions: true, listingDigest: 'sha1', conditionalPut: false });
  });
});

describe('options', () => {
  it.each([
    [{ bucketz: 'x' }, /unknown option "bucketz"/],
    [{ bucket: 'ab' }, /not a valid B2 bucket name/],
    [{ bucket: 'b2-reserved' }, /reserved/],
    [{ bucket: 'has.dots' }, /not a valid B2 bucket name/],
    [{ applicationKey: '' }, /applicationKey must be a non-empty string/],
    [{ endpoint: 'ftp://x' }, /endpoint must be an http\(s\) URL/],
    [{ endpoint: 'not a url' }, /is not a URL/],
    [{ partSizeBytes: 1_000_000 }, /partSizeBytes must be between 5000000/],
    [{ retry: { maxAttempts: 0 } }, /retry.maxAttempts/],
    [{ deleteConcurrency: 0 }, /deleteConcurrency/],
  ])('refuses %j', async (override, message) => {
    const base = { ...fx.server.key, bucket: fx.server.bucketName, endpoint: fx.server.endpoint };
    await refused(() => new B2Session({ ...base, ...override } as never), message);
  });

  it('accepts mixed-case bucket names, as B2 does', () => {
    expect(new B2Session({ ...fx.server.key, bucket: 'My-Bucket-01' }).bucket).toBe('My-Bucket-01');
  });

  it.each([
    [() => fx.b2.putObject('k', 'x', { contentType: 'not a type' }), /contentType must be a MIME type/],
    [() => fx.b2.getObject('k', { versionId: 'has space' }), /versionId must be a B2 file id/],
    [() => fx.b2.getObject('k', { range: { start: -1 } }), /range.start/],
    [() => fx.b2.listObjects({ pageSize: 1001 })[Symbol.asyncIterator]().next(), /pageSize/],
    [() => fx.b2.headObject('k', { range: { start: 0 } }), /range is not supported/],
    [() => fx.b2.putObject('k', 'x', { bogus: 1 } as never), /unknown option "bogus"/],
  ])('refuses bad call options (%#)', async (call, message) => {
    await refused(call, message);
  });
});
