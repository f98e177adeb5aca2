// Authorization on B2: one b2_authorize_account per key and endpoint for the whole process, shared
// by concurrent calls and sessions, renewed once when B2 says the token expired or is bad, never
// cached when it failed, and reused for at most an hour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthCache, type B2Authorization, MAX_AUTH_AGE_MS } from '../../src/b2/auth.js';
import { B2Error, type B2Session, isNotFound } from '../../src/index.js';
import { type B2Fixture, FAST_RETRY, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
  await fx.b2.putObject('auth/seed', 'seed');
});

afterAll(async () => {
  await fx.close();
});

/** A session with a key of its own, so its authorizations are counted apart from other tests'. */
function freshSession(bucketName?: string): B2Session {
  const key = fx.server.createKey(bucketName);
  return fx.session({ applicationKeyId: key.applicationKeyId, applicationKey: key.applicationKey });
}

const authorizations = () => fx.server.calls('b2_authorize_account');

describe('one authorization, shared', () => {
  it('20 concurrent calls on two sessions with the same key authorize once', async () => {
    const key = fx.server.createKey();
    const opts = { applicationKeyId: key.applicationKeyId, applicationKey: key.applicationKey };
    const [s1, s2] = [fx.session(opts), fx.session(opts)];
    const before = authorizations();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => ((i % 2 ? s1 : s2) as B2Session).headObject('auth/seed')),
    );
    expect(authorizations() - before).toBe(1);
  });

  it('another key authorizes on its own', async () => {
    const before = authorizations();
    await freshSession().headObject('auth/seed');
    expect(authorizations() - before).toBe(1);
  });

  it('an aborted wait does not cancel the authorization others wait for', async () => {
    const b2 = freshSession();
    const controller = new AbortController();
    const aborted = b2.headObject('auth/seed', { signal: controller.signal });
    const other = b2.headObject('auth/seed');
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    await expect(other).resolves.toMatchObject({ key: 'auth/seed' });
  });
});

describe('renewal', () => {
  it('re-authorizes once when the token expired, and the call succeeds', async () => {
    const b2 = freshSession();
    await b2.headObject('auth/seed');
    const before = authorizations();
    fx.server.expireTokens();
    await Promise.all(
      Array.from({ length: 20 }, () => b2.listObjects({ prefix: 'auth/' })[Symbol.asyncIterator]().next()),
    );
    expect(authorizations() - before).toBe(1);
  });

  it('renews on bad_auth_token for uploads and downloads too', async () => {
    const b2 = freshSession();
    await b2.putObject('auth/renew', 'v1');
    fx.server.expireTokens();
    await b2.putObject('auth/renew', 'v2'); // the pooled upload URL has its own token: still valid
    fx.server.failNext('b2_download_file_by_name', { status: 401, code: 'bad_auth_token' });
    const before = authorizations();
    expect(await (await b2.getObject('auth/renew')).text()).toBe('v2');
    expect(authorizations() - before).toBe(1);
  });

  it('gives up when the fresh token is refused too (no endless loop)', async () => {
    const b2 = freshSession();
    await b2.headObject('auth/seed');
    fx.server.failNext('b2_get_file_info', { status: 401, code: 'expired_auth_token' }, 2);
    const err = await b2
      .headObject('auth/seed', { versionId: '4_zb_f000000000000001_c000_v0001000_t0001' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(B2Error);
    expect(err).toMatchObject({ status: 401, b2Code: 'expired_auth_token' });
    expect(fx.server.calls('b2_get_file_info')).toBe(2);
  });

  it('wrong credentials: 401 unauthorized, not retried, not cached', async () => {
    const b2 = fx.session({ applicationKeyId: fx.server.key.applicationKeyId, applicationKey: 'wrong' });
    const before = authorizations();
    const err = await b2.headObject('auth/seed').catch((e) => e);
    expect(err).toBeInstanceOf(B2Error);
    expect(err).toMatchObject({ status: 401, b2Code: 'unauthorized', method: 'b2_authorize_account' });
    expect(authorizations() - before).toBe(1);
    await expect(b2.headObject('auth/seed')).rejects.toThrow(B2Error);
    expect(authorizations() - before).toBe(2);
  });
});

describe('buckets', () => {
  it('takes the bucket id from a key restricted to the bucket, without b2_list_buckets', async () => {
    const before = fx.server.calls('b2_list_buckets');
    const b2 = freshSession(fx.server.bucketName);
    await b2.putObject('auth/restricted', 'ok');
    expect(fx.server.calls('b2_list_buckets') - before).toBe(0);
  });

  it('looks an unrestricted key’s bucket up once per session', async () => {
    const b2 = freshSession();
    const before = fx.server.calls('b2_list_buckets');
    await b2.putObject('auth/x', '1');
    await b2.putObject('auth/y', '2');
    for await (const _ of b2.listObjects({ prefix: 'auth/' }));
    expect(fx.server.calls('b2_list_buckets') - before).toBe(1);
  });

  it('reports an unknown bucket as a 404', async () => {
    const b2 = fx.session({ bucket: 'no-such-bucket', retry: FAST_RETRY });
    const err = await b2.putObject('k', 'v').catch((e) => e);
    expect(isNotFound(err)).toBe(true);
    expect(err).toMatchObject({ b2Code: 'bucket_not_found' });
  });
});

describe('AuthCache', () => {
  const auth = (token: string): B2Authorization => ({
    accountId: 'a',
    token,
    apiUrl: 'http://x',
    downloadUrl: 'http://x',
    allowedBucketId: null,
    allowedBucketName: null,
  });

  it('reuses an authorization for at most an hour', async () => {
    const cache = new AuthCache();
    let n = 0;
    const authorize = async () => auth(`t${++n}`);
    expect((await cache.get('k', authorize, undefined)).token).toBe('t1');
    expect((await cache.get('k', authorize, undefined, Date.now() + MAX_AUTH_AGE_MS - 1000)).token).toBe(
      't1',
    );
    expect((await cache.get('k', authorize, undefined, Date.now() + MAX_AUTH_AGE_MS + 1000)).token).toBe(
      't2',
    );
  });

  it('invalidates only the token that was refused', async () => {
    const cache = new AuthCache();
    let n = 0;
    const authorize = async () => auth(`t${++n}`);
    await cache.get('k', authorize, undefined);
    cache.invalidate('k', 't1');
    expect((await cache.get('k', authorize, undefined)).token).toBe('t2');
    cache.invalidate('k', 't1'); // a late 401 for the old token
    expect((await cache.get('k', authorize, undefined)).token).toBe('t2');
  });
});
