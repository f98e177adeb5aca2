import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import {
  EMPTY_SHA256,
  encodeKeyPath,
  type RequestTarget,
  type SignRequestInput,
  sha256Hex,
  signRequest,
  signRequestDetailed,
  UNSIGNED_PAYLOAD,
} from '../../../../src/s3/sigv4/sign.js';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const now = new Date('2013-05-24T00:00:00Z');
const host = 'examplebucket.s3.amazonaws.com';
/** What a test changes besides the target. */
type Overrides = Partial<Omit<SignRequestInput, keyof RequestTarget>>;

const PUT_EXAMPLE_SIGNATURE = '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd';

function sign(overrides: Overrides = {}, target: RequestTarget = { host, path: '/k' }) {
  return signRequestDetailed({
    method: 'GET',
    payloadHash: EMPTY_SHA256,
    credentials,
    region: 'us-east-1',
    now,
    ...overrides,
    ...target,
  });
}

describe('canonical headers (teeth)', () => {
  it('sorts headers and trims values: the documented PUT signature survives messy input', () => {
    // Same request as the documented PUT example, with headers out of order, in mixed case and
    // padded with whitespace. Without sorting or trimming the signature would differ.
    const result = sign(
      {
        method: 'PUT',
        headers: {
          'X-Amz-Storage-Class': '  REDUCED_REDUNDANCY\t',
          DATE: ' Fri,   24 May 2013 00:00:00 GMT ',
        },
        payloadHash: sha256Hex('Welcome to Amazon S3.'),
      },
      { host, path: `/${encodeKeyPath('test$file.text')}` },
    );
    expect(result.signedHeaders).toBe('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class');
    expect(result.signature).toBe(PUT_EXAMPLE_SIGNATURE);
  });

  it('writes one name:value line per header, sorted by name, and lists the same names', () => {
    const result = sign({
      headers: { 'x-amz-meta-b': '2', 'Content-Type': 'text/plain', 'x-amz-meta-a': '1' },
    });
    const lines = result.canonicalRequest.split('\n');
    expect(lines.slice(3, 9)).toEqual([
      'content-type:text/plain',
      `host:${host}`,
      `x-amz-content-sha256:${EMPTY_SHA256}`,
      'x-amz-date:20130524T000000Z',
      'x-amz-meta-a:1',
      'x-amz-meta-b:2',
    ]);
    expect(result.signedHeaders).toBe(
      'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-meta-b',
    );
  });

  it('trims header values and collapses runs of whitespace, and leaves clean values untouched', () => {
    const signedValue = (value: string) =>
      /\nx-v:(.*)\n/.exec(sign({ headers: { 'x-v': value } }).canonicalRequest)?.[1];
    expect(signedValue('  a   b \t c  ')).toBe('a b c');
    expect(signedValue('a\tb')).toBe('a b');
    expect(signedValue('   ')).toBe('');
    expect(signedValue('')).toBe('');
    expect(signedValue('"a  b"')).toBe('"a b"');
    expect(signedValue('bytes=0-9')).toBe('bytes=0-9');
    expect(signedValue('a b')).toBe('a b');
  });

  it('joins two headers that differ only in case with a comma', () => {
    const result = sign({ headers: { 'x-amz-meta-x': 'a', 'X-Amz-Meta-X': 'b' } });
    expect(result.canonicalRequest).toContain('\nx-amz-meta-x:a,b\n');
  });

  it('leaves out undefined header values', () => {
    const result = sign({ headers: { 'content-type': undefined, range: 'bytes=0-1' } });
    expect(result.signedHeaders).toBe('host;range;x-amz-content-sha256;x-amz-date');
  });
});

describe('which headers are signed', () => {
  it('signs content-md5, content-type, range, if-none-match and x-amz-meta-*', () => {
    const result = sign({
      method: 'PUT',
      headers: {
        'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
        'content-type': 'application/json',
        'if-none-match': '*',
        range: 'bytes=0-9',
        'x-amz-meta-owner': 'me',
      },
    });
    expect(result.signedHeaders).toBe(
      'content-md5;content-type;host;if-none-match;range;x-amz-content-sha256;x-amz-date;x-amz-meta-owner',
    );
  });

  it('never signs headers that proxies or the HTTP stack may change', () => {
    const result = sign({
      method: 'PUT',
      headers: {
        'User-Agent': 's3func',
        Expect: '100-continue',
        Connection: 'keep-alive',
        'Keep-Alive': 'timeout=5',
        'Transfer-Encoding': 'chunked',
        'Content-Length': '21',
        'X-Amzn-Trace-Id': 'Root=1-abc',
        Authorization: 'stale',
        TE: 'trailers',
        Upgrade: 'h2c',
      },
    });
    expect(result.signedHeaders).toBe('host;x-amz-content-sha256;x-amz-date');
  });

  it("ignores the caller's x-amz-date, x-amz-content-sha256 and x-amz-security-token: the signer owns them", () => {
    const result = sign({
      headers: {
        'X-Amz-Date': '19990101T000000Z',
        'x-amz-content-sha256': 'bogus',
        'x-amz-security-token': 'bogus',
      },
    });
    expect(result.canonicalRequest).toContain('\nx-amz-date:20130524T000000Z\n');
    expect(result.canonicalRequest).toContain(`\nx-amz-content-sha256:${EMPTY_SHA256}\n`);
    expect(result.signedHeaders).toBe('host;x-amz-content-sha256;x-amz-date');
  });

  it("signs the URL's host, including a non-default port, unless the caller sets host", () => {
    expect(sign({}, { url: new URL('http://127.0.0.1:7480/b/k') }).canonicalRequest).toContain(
      '\nhost:127.0.0.1:7480\n',
    );
    expect(sign({}, { url: new URL('https://s3.example.com:443/b/k') }).canonicalRequest).toContain(
      '\nhost:s3.example.com\n',
    );
    expect(sign({ headers: { Host: 'virtual.example' } }).canonicalRequest).toContain(
      '\nhost:virtual.example\n',
    );
  });
});

describe('session tokens', () => {
  it('adds x-amz-security-token to the headers and signs it', () => {
    const result = sign({ credentials: { ...credentials, sessionToken: 'FQoGZXIvYXdzE/token+value==' } });
    expect(result.headers['x-amz-security-token']).toBe('FQoGZXIvYXdzE/token+value==');
    expect(result.signedHeaders).toBe('host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
    expect(result.canonicalRequest).toContain('\nx-amz-security-token:FQoGZXIvYXdzE/token+value==\n');
    expect(result.signature).not.toBe(sign().signature);
  });

  it('adds nothing without a token (undefined or empty)', () => {
    for (const sessionToken of [undefined, '']) {
      const result = sign({ credentials: { ...credentials, sessionToken } });
      expect(result.headers).not.toHaveProperty('x-amz-security-token');
      expect(result.signedHeaders).toBe('host;x-amz-content-sha256;x-amz-date');
    }
  });
});

describe('the signed request', () => {
  it('signs what it is given: payload hash, method, path, query, region, service and time all matter', () => {
    const base = sign().signature;
    const variants = [
      sign({ payloadHash: UNSIGNED_PAYLOAD }),
      sign({ method: 'HEAD' }),
      sign({}, { host, path: '/k2' }),
      sign({}, { host, path: '/k', query: 'versionId=1' }),
      sign({}, { host, path: '/k', query: { versionId: '2' } }),
      sign({ region: 'eu-west-1' }),
      sign({ service: 'execute-api' }),
      sign({ now: new Date('2013-05-24T00:00:01Z') }),
      sign({ credentials: { ...credentials, secretAccessKey: 'other' } }),
    ].map((r) => r.signature);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('returns only the headers to add', () => {
    const headers = signRequest({
      method: 'GET',
      host,
      path: '/k',
      payloadHash: UNSIGNED_PAYLOAD,
      credentials,
      region: 'us-east-1',
      now,
    });
    expect(Object.keys(headers).sort()).toEqual(['authorization', 'x-amz-content-sha256', 'x-amz-date']);
    expect(headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20130524\/us-east-1\/s3\/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs keys with dot segments and double slashes exactly as given', () => {
    const result = sign({}, { host, path: `/bucket/${encodeKeyPath('a/../b//c/./d')}` });
    expect(result.canonicalRequest.split('\n')[1]).toBe('/bucket/a/../b//c/./d');
  });

  it("formats the time as YYYYMMDD'T'HHMMSS'Z' in UTC, dropping milliseconds", () => {
    expect(sign({ now: new Date('2026-11-25T23:59:59.999Z') }).amzDate).toBe('20261125T235959Z');
    expect(sign({ now: new Date('2026-11-25T23:59:59.999Z') }).credentialScope).toBe(
      '20261125/us-east-1/s3/aws4_request',
    );
    expect(sign({ now: new Date('2026-11-26T00:00:00.000Z') }).amzDate).toBe('20261126T000000Z');
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const { amzDate } = sign({ now: undefined });
    const parsed = Date.parse(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    expect(parsed).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(parsed).toBeLessThanOrEqual(Date.now());
  });
});

describe('bad input fails fast with ConfigError', () => {
  it.each([
    ['accessKeyId', { credentials: { ...credentials, accessKeyId: '' } }],
    ['secretAccessKey', { credentials: { ...credentials, secretAccessKey: '' } }],
    ['region', { region: '' }],
    ['service', { service: '' }],
    ['payloadHash', { payloadHash: '' }],
    ['now', { now: new Date(Number.NaN) }],
    ['now', { now: new Date('+010000-01-01T00:00:00Z') }],
    ['path', {}, { host, path: 'no-leading-slash' }],
    ['host', {}, { host: '', path: '/' }],
    ['url', {}, { url: 'https://h/k' as unknown as URL }],
  ] as [string, Overrides, RequestTarget?][])('%s', (option, overrides, target) => {
    const error = (() => {
      try {
        sign(overrides, target);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe(option);
  });
});
