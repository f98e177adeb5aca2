import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import { SigningKeyCache, signRequest } from '../../../../src/s3/sigv4/sign.js';

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The signing key the cache derives for a scope, as bytes. */
const derived = (date: string, region: string, service: string) =>
  new SigningKeyCache().get(secret, date, region, service).export();

describe('the signing key', () => {
  it('chains kDate → kRegion → kService → kSigning', () => {
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const expected = hmac(hmac(hmac(hmac(`AWS4${secret}`, '20130524'), 'us-east-1'), 's3'), 'aws4_request');
    expect(derived('20130524', 'us-east-1', 's3').equals(expected)).toBe(true);
  });

  it('gives the signing key of the documented GET Bucket Lifecycle example', () => {
    // the signing key that example derives (published alongside it by several implementations)
    expect(derived('20130524', 'us-east-1', 's3').toString('hex')).toBe(
      'dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378',
    );
  });
});

describe('SigningKeyCache', () => {
  it('returns the same KeyObject for the same scope, and a different key for another scope', () => {
    const cache = new SigningKeyCache();
    const a = cache.get(secret, '20130524', 'us-east-1', 's3');
    expect(cache.get(secret, '20130524', 'us-east-1', 's3')).toBe(a);
    const b = cache.get(secret, '20130525', 'us-east-1', 's3');
    expect(b).not.toBe(a);
    expect(b.equals(a)).toBe(false);
    // back to the first scope: served from the map, not derived again
    expect(cache.get(secret, '20130524', 'us-east-1', 's3')).toBe(a);
    expect(cache.get('other', '20130524', 'us-east-1', 's3').equals(a)).toBe(false);
    expect(cache.get(secret, '20130524', 'eu-west-1', 's3').equals(a)).toBe(false);
    expect(cache.get(secret, '20130524', 'us-east-1', 'sts').equals(a)).toBe(false);
    expect(cache.size).toBe(5);
  });

  it('stays bounded, evicting the oldest entry', () => {
    const cache = new SigningKeyCache(4);
    const first = cache.get(secret, '20000101', 'r', 's3');
    for (let day = 2; day <= 100; day++) {
      cache.get(secret, `200001${String(day).padStart(2, '0')}`, 'r', 's3');
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    expect(cache.size).toBe(4);
    const again = cache.get(secret, '20000101', 'r', 's3');
    expect(cache.size).toBe(4);
    expect(again).not.toBe(first); // derived again after eviction
    expect(again.equals(first)).toBe(true);
  });

  it('clear() forgets every key', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.get(secret, '20130524', 'us-east-1', 's3');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get(secret, '20130524', 'us-east-1', 's3')).not.toBe(a);
  });

  it('rejects a size below 1 or not an integer', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => new SigningKeyCache(size)).toThrow(ConfigError);
  });

  it('is used by signRequest when given', () => {
    const cache = new SigningKeyCache(2);
    signRequest({
      method: 'GET',
      host: 'h',
      path: '/',
      payloadHash: 'UNSIGNED-PAYLOAD',
      credentials: { accessKeyId: 'AKID', secretAccessKey: secret },
      region: 'us-east-1',
      now: new Date('2013-05-24T00:00:00Z'),
      signingKeyCache: cache,
    });
    expect(cache.size).toBe(1);
  });
});
