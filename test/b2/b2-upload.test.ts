// Uploads on B2: pooled upload URLs (one upload per URL at a time, as B2 enforces), a fresh URL
// after any failed upload, large files for long streams of unknown length, and a verified SHA-1
// on every upload and part.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2Error, BodyNotReplayableError } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
});

afterAll(async () => {
  await fx.close();
});

const sha1 = (data: Uint8Array | string) => createHash('sha1').update(data).digest('hex');
const uploadUrls = () => fx.server.calls('b2_get_upload_url');

describe('upload URL pool', () => {
  it('reuses one upload URL for uploads one after another', async () => {
    const b2 = fx.session();
    for (let i = 0; i < 5; i++) await b2.putObject(`pool/seq/${i}`, `${i}`);
    const before = uploadUrls();
    for (let i = 0; i < 5; i++) await b2.putObject(`pool/seq/${i}`, `${i}`);
    expect(uploadUrls() - before).toBe(0);
  });

  it('gives each concurrent upload its own URL (B2 refuses a shared one with auth_token_limit)', async () => {
    const b2 = fx.session();
    fx.server.setLatency(10);
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => b2.putObject(`pool/par/${i}`, `${i}`)));
    } finally {
      fx.server.setLatency(0);
    }
    const before = uploadUrls();
    await Promise.all(Array.from({ length: 8 }, (_, i) => b2.putObject(`pool/par/${i}`, `${i}`)));
    // the second round found 8 idle URLs
    expect(uploadUrls() - before).toBe(0);
    expect(fx.server.maxInFlight('b2_upload_file')).toBeGreaterThanOrEqual(2);
  });

  it('gets a new URL when the old one stopped accepting uploads (401 expired_auth_token)', async () => {
    const b2 = fx.session();
    await b2.putObject('rot/a', '1');
    fx.server.invalidateUploadUrls();
    const [urls, auths] = [uploadUrls(), fx.server.calls('b2_authorize_account')];
    await b2.putObject('rot/a', '2');
    expect(uploadUrls() - urls).toBe(1);
    // the account token was fine: only the upload URL was replaced
    expect(fx.server.calls('b2_authorize_account') - auths).toBe(0);
    expect(await (await b2.getObject('rot/a')).text()).toBe('2');
  });

  it.each([
    ['a 503 from the pod', () => fx.server.failNext('b2_upload_file', { status: 503 })],
    ['a 500', () => fx.server.failNext('b2_upload_file', { status: 500 })],
    ['a 408 request timeout', () => fx.server.failNext('b2_upload_file', { status: 408 })],
    ['a dropped connection', () => fx.server.dropNext('b2_upload_file')],
    [
      'an invalidated URL answering 503',
      () => fx.server.invalidateUploadUrls({ status: 503, code: 'service_unavailable' }),
    ],
  ])('retries after %s with a fresh upload URL', async (_, fault) => {
    const b2 = fx.session();
    await b2.putObject('rot/b', 'warm');
    fault();
    const before = uploadUrls();
    const res = await b2.putObject('rot/b', 'after fault');
    expect(res.etag).toBe(sha1('after fault'));
    expect(uploadUrls() - before).toBe(1);
  });

  it('cannot retry a one-shot stream it already sent: BodyNotReplayableError', async () => {
    const b2 = fx.session();
    await b2.putObject('rot/warm', 'warm');
    fx.server.failNext('b2_upload_file', { status: 503 });
    const err = await b2
      .putObject('rot/once', Readable.from([Buffer.from('stream body')]), { contentLength: 11 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BodyNotReplayableError);
    expect(err.cause).toBeInstanceOf(B2Error);
    fx.server.failNext('b2_upload_file', { status: 503 });
    await b2.putObject('rot/once', () => Readable.from([Buffer.from('stream body')]), { contentLength: 11 });
    expect(await (await b2.getObject('rot/once')).text()).toBe('stream body');
  });
});

describe('large files', () => {
  const PART = 5_000_000;
  /** 2 full parts and a short one; random-looking so a misplaced part shows. */
  const data = createHash('sha512')
    .update('seed')
    .digest()
    .toString('hex')
    .repeat(Math.ceil((2 * PART + 123_456) / 128))
    .slice(0, 2 * PART + 123_456);
  const chunks = function* () {
    for (let i = 0; i < data.length; i += 1 << 20) yield Buffer.from(data.slice(i, i + (1 << 20)));
  };

  it('uploads a long stream of unknown length in parts and finishes it', async () => {
    const b2 = fx.session({ partSizeBytes: PART });
    const before = fx.server.calls('b2_upload_part');
    const res = await b2.putObject('large/one', Readable.from(chunks()), { metadata: { kind: 'large' } });
    expect(fx.server.calls('b2_upload_part') - before).toBe(3);
    expect(fx.server.calls('b2_finish_large_file')).toBeGreaterThanOrEqual(1);
    // B2 lists large files with contentSha1 "none": no digest to report
    expect(res.etag).toBe('');
    const obj = await b2.getObject('large/one');
    expect(obj.size).toBe(data.length);
    expect(obj.metadata).toEqual({ kind: 'large' });
    expect(sha1(Buffer.from(await obj.bytes()))).toBe(sha1(data));
  });

  it('retries a failed part on a new part URL', async () => {
    const b2 = fx.session({ partSizeBytes: PART });
    fx.server.failNext('b2_upload_part', { status: 503 });
    const before = fx.server.calls('b2_get_upload_part_url');
    await b2.putObject('large/retry', Readable.from(chunks()));
    expect(fx.server.calls('b2_get_upload_part_url') - before).toBe(2);
    const obj = await b2.getObject('large/retry');
    expect(sha1(Buffer.from(await obj.bytes()))).toBe(sha1(data));
  });

  it('cancels the large file when it cannot be finished, leaving nothing behind', async () => {
    const b2 = fx.session({ partSizeBytes: PART });
    fx.server.failNext('b2_finish_large_file', { status: 400, code: 'bad_request' });
    await expect(b2.putObject('large/fail', Readable.from(chunks()))).rejects.toMatchObject({ status: 400 });
    expect(fx.server.calls('b2_cancel_large_file')).toBeGreaterThanOrEqual(1);
    expect(fx.server.versions().filter((v) => v.fileName === 'large/fail')).toEqual([]);
  });

  it('a short stream of unknown length is one plain upload', async () => {
    const b2 = fx.session({ partSizeBytes: PART });
    const before = fx.server.calls('b2_start_large_file');
    await b2.putObject('large/short', Readable.from([Buffer.from('tiny')]));
    expect(fx.server.calls('b2_start_large_file') - before).toBe(0);
  });
});

describe('SHA-1 on every upload', () => {
  it('every upload and part this file sent carried a SHA-1 the server verified', () => {
    expect(fx.server.uploads.length).toBeGreaterThan(30);
    for (const record of fx.server.uploads) {
      expect(record.sha1Header).toMatch(/^([0-9a-f]{40}|hex_digits_at_end)$/);
    }
    // uploads that reached the checksum check passed it (a faulted attempt never got there)
    expect(fx.server.uploads.filter((u) => !u.verified)).toEqual([]);
  });
});
