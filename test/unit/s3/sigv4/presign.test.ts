import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import { type PresignInput, presignUrl, presignUrlDetailed } from '../../../../src/s3/sigv4/presign.js';
import { encodeKeyPath, type RequestTarget } from '../../../../src/s3/sigv4/sign.js';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const now = new Date('2013-05-24T00:00:00Z');
const host = 'examplebucket.s3.amazonaws.com';

function presign(
  overrides: Partial<Omit<PresignInput, keyof RequestTarget>> = {},
  target: RequestTarget = { host, path: '/test.txt' },
) {
  return presignUrlDetailed({
    method: 'GET',
    expiresIn: 86400,
    credentials,
    region: 'us-east-1',
    now,
    ...overrides,
    ...target,
  });
}

describe('presignUrl', () => {
  it('rejects expiresIn 0, negative, above 7 days and non-integers with ConfigError', () => {
    for (const expiresIn of [0, -1, 604_801, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => presign({ expiresIn })).toThrow(ConfigError);
      try {
        presign({ expiresIn });
      } catch (error) {
        expect((error as ConfigError).option).toBe('expiresIn');
        expect((error as ConfigError).message).toMatch(/expiresIn must be an integer/);
      }
    }
    expect(() => presign({ expiresIn: '60' as unknown as number })).toThrow(ConfigError);
  });

  it('accepts the bounds 1 s and 604800 s (7 days)', () => {
    expect(new URL(presign({ expiresIn: 1 }).url).searchParams.get('X-Amz-Expires')).toBe('1');
    expect(new URL(presign({ expiresIn: 604_800 }).url).searchParams.get('X-Amz-Expires')).toBe('604800');
  });

  it('puts the session token in the query, signed', () => {
    const token = 'FQoGZXIvYXdzE/token+value==';
    const result = presign({ credentials: { ...credentials, sessionToken: token } });
    const url = new URL(result.url);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(token);
    expect(result.url).toContain('X-Amz-Security-Token=FQoGZXIvYXdzE%2Ftoken%2Bvalue%3D%3D&');
    expect(result.canonicalRequest.split('\n')[2]).toContain(
      '&X-Amz-Security-Token=FQoGZXIvYXdzE%2Ftoken%2Bvalue%3D%3D',
    );
    expect(result.signature).not.toBe(presign().signature);
    expect(presign().url).not.toContain('X-Amz-Security-Token');
  });

  it('keeps the query of the target, merged and sorted with the auth parameters', () => {
    const result = presign(
      {},
      {
        host,
        path: `/${encodeKeyPath('a b.txt')}`,
        query: { versionId: 'v 1', 'response-content-type': 'text/plain' },
      },
    );
    const url = new URL(result.url);
    expect(url.pathname).toBe('/a%20b.txt');
    expect([...url.searchParams.keys()]).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'response-content-type',
      'versionId',
      'X-Amz-Signature',
    ]);
    expect(url.searchParams.get('versionId')).toBe('v 1');
    expect(result.url).toContain('versionId=v%201');
  });

  it('binds extra headers when asked, and always signs host', () => {
    const result = presign({ method: 'PUT', headers: { 'Content-Type': 'image/png', 'User-Agent': 'x' } });
    expect(result.signedHeaders).toBe('content-type;host');
    expect(new URL(result.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(result.canonicalRequest.endsWith('\ncontent-type;host\nUNSIGNED-PAYLOAD')).toBe(true);
  });

  it('builds the URL from a URL object, with its scheme and port', () => {
    const url = presignUrl({
      method: 'GET',
      url: new URL("http://127.0.0.1:7480/bucket/it's.txt"),
      expiresIn: 60,
      credentials,
      region: 'us-east-1',
      now,
    });
    expect(url.startsWith('http://127.0.0.1:7480/bucket/it%27s.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&')).toBe(
      true,
    );
  });

  it('uses the given origin (scheme and port) for a host + path target', () => {
    const url = presignUrl({
      method: 'GET',
      origin: 'http://127.0.0.1:7480',
      host: '127.0.0.1:7480',
      path: '/bucket/k',
      query: { versionId: 'v1' },
      expiresIn: 900,
      credentials,
      region: 'us-east-1',
      now,
    });
    expect(url.startsWith('http://127.0.0.1:7480/bucket/k?X-Amz-Algorithm=')).toBe(true);
    expect(url).toContain('&versionId=v1&X-Amz-Signature=');
    expect(presign().url.startsWith('https://examplebucket.s3.amazonaws.com/test.txt?')).toBe(true);
  });

  it('refuses a target that already carries authentication parameters', () => {
    expect(() => presign({}, { host, path: '/k', query: 'X-Amz-Signature=abc' })).toThrow(ConfigError);
  });
});
