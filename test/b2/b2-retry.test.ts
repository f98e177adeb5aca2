// Retries and errors on B2: 408, 429 (Retry-After honoured, capped), 500 and 503 retried on calls
// that may be repeated; b2_hide_file, which may not, only when B2 certainly did nothing; B2's JSON
// error bodies mapped to typed B2Errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2Error, NetworkError } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
  await fx.b2.putObject('retry/seed', 'seed');
});

afterAll(async () => {
  await fx.close();
});

async function list(b2 = fx.b2): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of b2.listObjects({ prefix: 'retry/' })) keys.push(o.key);
  return keys;
}

describe('retried', () => {
  it.each([408, 500, 503])('a listing that failed with %i twice', async (status) => {
    const before = fx.server.calls('b2_list_file_names');
    fx.server.failNext('b2_list_file_names', { status }, 2);
    expect(await list()).toEqual(['retry/seed']);
    expect(fx.server.calls('b2_list_file_names') - before).toBe(3);
  });

  it('a download whose connection dropped, and a download that got 503', async () => {
    fx.server.dropNext('b2_download_file_by_name');
    fx.server.failNext('b2_download_file_by_name', { status: 503 });
    expect(await (await fx.b2.getObject('retry/seed')).text()).toBe('seed');
  });

  it('429 waits as long as Retry-After says', async () => {
    const events: number[] = [];
    const b2 = fx.session({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5000 },
      onRetry: (e) => events.push(e.delayMs),
    });
    await list(b2); // authorize and look the bucket up first
    fx.server.failNext('b2_list_file_names', { status: 429, retryAfterSeconds: 1 });
    const started = performance.now();
    await list(b2);
    expect(events).toEqual([1000]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('429 waits no longer than maxDelayMs', async () => {
    const events: number[] = [];
    const b2 = fx.session({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 40 },
      onRetry: (e) => events.push(e.delayMs),
    });
    fx.server.failNext('b2_list_file_names', { status: 429, retryAfterSeconds: 3600 });
    await list(b2);
    expect(events).toEqual([40]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const b2 = fx.session({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    await list(b2);
    const before = fx.server.calls('b2_list_file_names');
    fx.server.failNext('b2_list_file_names', { status: 503 }, 3);
    const err = await list(b2).catch((e) => e);
    expect(err).toMatchObject({ status: 503, b2Code: 'service_unavailable', retryable: true });
    expect(fx.server.calls('b2_list_file_names') - before).toBe(3);
  });

  it('an abort during the wait ends the call with the signal’s reason', async () => {
    const b2 = fx.session({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 } });
    await list(b2);
    fx.server.failNext('b2_list_file_names', { status: 429, retryAfterSeconds: 60 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 50);
    const started = performance.now();
    const iterator = b2.listObjects({ prefix: 'retry/', signal: controller.signal })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('enough');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('not retried blindly: b2_hide_file', () => {
  it('a 500 (the hide may have happened) is not resent', async () => {
    await fx.b2.putObject('retry/hide500', 'x');
    const before = fx.server.calls('b2_hide_file');
    fx.server.failNext('b2_hide_file', { status: 500 });
    const err = await fx.b2.deleteObject('retry/hide500').catch((e) => e);
    expect(err).toBeInstanceOf(B2Error);
    expect(err).toMatchObject({ status: 500, method: 'b2_hide_file', key: 'retry/hide500' });
    expect(fx.server.calls('b2_hide_file') - before).toBe(1);
  });

  it('a lost answer (the hide happened) is not resent', async () => {
    await fx.b2.putObject('retry/hidelost', 'x');
    const before = fx.server.calls('b2_hide_file');
    fx.server.dropNext('b2_hide_file', { after: true });
    const err = await fx.b2.deleteObject('retry/hidelost').catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(fx.server.calls('b2_hide_file') - before).toBe(1);
    const markers = fx.server
      .versions()
      .filter((v) => v.fileName === 'retry/hidelost' && v.action === 'hide');
    expect(markers).toHaveLength(1);
  });

  it('429 and 503 (B2 did nothing) are resent', async () => {
    await fx.b2.putObject('retry/hide503', 'x');
    const before = fx.server.calls('b2_hide_file');
    fx.server.failNext('b2_hide_file', { status: 503 });
    fx.server.failNext('b2_hide_file', { status: 429, retryAfterSeconds: 0 });
    await fx.b2.deleteObject('retry/hide503');
    expect(fx.server.calls('b2_hide_file') - before).toBe(3);
  });
});

describe('error mapping', () => {
  it('a B2 error body becomes a B2Error with status, code, message, method and key', async () => {
    fx.server.failNext('b2_get_file_info', { status: 403, code: 'transaction_cap_exceeded' });
    const err = await fx.b2.headObject('retry/seed', { versionId: 'some-file-id' }).catch((e) => e);
    expect(err).toBeInstanceOf(B2Error);
    expect(err).toMatchObject({
      code: 'ERR_B2',
      status: 403,
      b2Code: 'transaction_cap_exceeded',
      method: 'b2_get_file_info',
      key: 'retry/seed',
      retryable: false,
    });
    expect(err.message).toContain('injected 403');
  });

  it('a 400 from B2 is not retried', async () => {
    const before = fx.server.calls('b2_get_file_info');
    const err = await fx.b2.headObject('retry/seed', { versionId: 'not-a-b2-id' }).catch((e) => e);
    expect(err).toMatchObject({ status: 404, b2Code: 'not_found' });
    fx.server.failNext('b2_get_file_info', { status: 400, code: 'bad_request' });
    await expect(fx.b2.headObject('retry/seed', { versionId: 'x' })).rejects.toMatchObject({ status: 400 });
    expect(fx.server.calls('b2_get_file_info') - before).toBe(2);
  });
});
