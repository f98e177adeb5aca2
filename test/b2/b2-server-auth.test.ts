// The B2 test server itself, over raw HTTP (1 of 2): b2_authorize_account's v3 answer, account and
// upload tokens, and b2_upload_file's checks, with the error bodies Backblaze documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2TestServer } from '../support/b2-server/server.js';
import { RawB2, sha1 } from './raw-b2.js';

let server: B2TestServer;
let raw: RawB2;

beforeAll(async () => {
  server = new B2TestServer({ now: () => 1_700_000_000_123 });
  await server.start();
  raw = await RawB2.connect(server);
});

afterAll(async () => {
  await server.stop();
});

describe('b2_authorize_account', () => {
  it('answers in the v3 shape: URLs and restrictions under apiInfo.storageApi', async () => {
    const { status, json } = await raw.authorize();
    expect(status).toBe(200);
    expect(json.apiUrl).toBeUndefined();
    expect(json.apiInfo.storageApi).toMatchObject({
      apiUrl: server.endpoint,
      downloadUrl: server.endpoint,
      absoluteMinimumPartSize: 5_000_000,
      recommendedPartSize: 100_000_000,
      bucketId: null,
      infoType: 'storageApi',
    });
  });

  it('refuses a wrong key with 401 unauthorized and B2’s JSON body', async () => {
    const { status, json } = await raw.authorize('nope');
    expect(status).toBe(401);
    expect(json).toEqual({ status: 401, code: 'unauthorized', message: expect.any(String) });
  });
});

describe('account tokens', () => {
  it('401 bad_auth_token for an unknown token, missing_auth_token without one', async () => {
    expect(await raw.call('b2_list_file_names', { bucketId: raw.bucketId }, 'made-up')).toMatchObject({
      status: 401,
      json: { code: 'bad_auth_token' },
    });
    expect(await raw.call('b2_list_file_names', {}, null)).toMatchObject({
      status: 401,
      json: { status: 401, code: 'missing_auth_token' },
    });
  });

  it('401 expired_auth_token after expireTokens()', async () => {
    const fresh = new B2TestServer();
    await fresh.start();
    try {
      const other = await RawB2.connect(fresh);
      fresh.expireTokens();
      expect(await other.call('b2_list_buckets', { accountId: other.accountId })).toMatchObject({
        status: 401,
        json: { code: 'expired_auth_token' },
      });
    } finally {
      await fresh.stop();
    }
  });
});

describe('b2_upload_file', () => {
  it('stores the file with whole-second uploadTimestamp from the injected clock', async () => {
    const { status, json } = await raw.upload('srv/a.txt', 'hello', { 'x-bz-info-author': 'me%20too' });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      action: 'upload',
      fileName: 'srv/a.txt',
      contentSha1: sha1('hello'),
      contentLength: 5,
      fileInfo: { author: 'me too' },
      uploadTimestamp: 1_700_000_000_000,
    });
  });

  it('400 bad_request when the SHA-1 does not match or is missing, or the name or info is invalid', async () => {
    expect(await raw.upload('srv/b', 'hello', { 'x-bz-content-sha1': sha1('other') })).toMatchObject({
      status: 400,
      json: { code: 'bad_request', message: 'Sha1 did not match data received' },
    });
    const target = await raw.uploadUrl();
    const res = await fetch(target.uploadUrl, {
      method: 'POST',
      headers: {
        authorization: target.authorizationToken,
        'x-bz-file-name': 'srv/c',
        'content-type': 'text/plain',
      },
      body: 'x',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'bad_request',
      message: 'Missing header: X-Bz-Content-Sha1',
    });
    expect(await raw.upload('srv/c\u0001', 'x')).toMatchObject({
      status: 400,
      json: { code: 'bad_request' },
    });
    expect(await raw.upload('srv/d', 'x', { 'x-bz-info-b2-x': '1' })).toMatchObject({ status: 400 });
  });

  it('accepts the SHA-1 after the content (hex_digits_at_end)', async () => {
    const res = await raw.upload('srv/end', `body${sha1('body')}`, {
      'x-bz-content-sha1': 'hex_digits_at_end',
    });
    expect(res).toMatchObject({ status: 200, json: { contentSha1: sha1('body'), contentLength: 4 } });
  });

  it('400 auth_token_limit when one upload URL is used by two uploads at once', async () => {
    const target = await raw.uploadUrl();
    server.setLatency(50);
    try {
      const results = await Promise.all([
        raw.upload('srv/p1', 'a', {}, target),
        raw.upload('srv/p2', 'b', {}, target),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(results.find((r) => r.status === 400)?.json.code).toBe('auth_token_limit');
    } finally {
      server.setLatency(0);
    }
  });

  it('an invalidated upload URL answers 401 expired_auth_token', async () => {
    const target = await raw.uploadUrl();
    server.invalidateUploadUrls();
    expect(await raw.upload('srv/inv', 'x', {}, target)).toMatchObject({
      status: 401,
      json: { code: 'expired_auth_token' },
    });
  });

  it('uploadTimestamp keeps milliseconds when granularity is 1 ms', () => {
    const ms = new B2TestServer({ now: () => 1_700_000_000_123, timestampGranularityMs: 1 });
    expect(ms.state.timestamp()).toBe(1_700_000_000_123);
  });
});
