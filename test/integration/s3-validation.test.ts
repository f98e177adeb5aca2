// Bad input fails fast with ConfigError, before any request. The session points at a port nobody
// listens on, so a call that did send a request would fail differently (NetworkError, ECONNREFUSED).
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, NetworkError, S3Session, type S3SessionOptions } from '../../src/index.js';

let endpoint: string;
let s3: S3Session;
const retries: unknown[] = [];

const base = (): S3SessionOptions => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  bucket: 'valid-bucket',
  endpoint,
});

beforeAll(async () => {
  endpoint = `http://127.0.0.1:${await closedPort()}`;
  s3 = new S3Session({
    ...base(),
    retry: { maxAttempts: 2, baseDelayMs: 1 },
    onRetry: (e) => retries.push(e),
  });
});

afterAll(async () => {
  await s3.close();
});

/** A port that was free a moment ago and that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Expects `call` to reject (or throw) a ConfigError naming `option`, without any request or retry. */
async function expectConfigError(call: () => unknown, option?: string): Promise<ConfigError> {
  const before = retries.length;
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe('ERR_CONFIG');
  if (option !== undefined) expect((error as ConfigError).option).toBe(option);
  expect(retries.length).toBe(before);
  return error as ConfigError;
}

describe('the closed port', () => {
  it('fails a valid call with a NetworkError that was not sent, after retrying it', async () => {
    const error = await s3.headObject('valid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ sent: false, method: 'HeadObject', key: 'valid' });
    expect(retries.length).toBe(1);
    retries.length = 0;
  });
});

describe('keys', () => {
  const tooLong = 'x'.repeat(1025);
  const tooLongUtf8 = 'é'.repeat(513); // 1026 UTF-8 bytes in 513 characters
  const bad: [string, unknown][] = [
    ['empty', ''],
    ['over 1024 bytes', tooLong],
    ['over 1024 UTF-8 bytes', tooLongUtf8],
    ['a lone surrogate', 'a\uD800b'],
    ['not a string', 42],
    ['undefined', undefined],
  ];

  for (const [what, key] of bad) {
    it(`refuses a key that is ${what} in every method`, async () => {
      const k = key as string;
      await expectConfigError(() => s3.putObject(k, 'x'), 'key');
      await expectConfigError(() => s3.getObject(k), 'key');
      await expectConfigError(() => s3.headObject(k), 'key');
      await expectConfigError(() => s3.deleteObject(k), 'key');
      await expectConfigError(() => s3.copyObject(k, 'dest'), 'sourceKey');
      await expectConfigError(() => s3.copyObject('src', k), 'destKey');
      await expectConfigError(() => s3.presign('GET', k), 'key');
      await expectConfigError(() => s3.deleteObjects(['fine', k]));
    });
  }

  it('accepts a key of exactly 1024 UTF-8 bytes (the request then fails on the network)', async () => {
    const error = await s3.headObject(`${'é'.repeat(511)}xx`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    retries.length = 0;
  });

  it('refuses bad prefixes and startAfter in listings', async () => {
    await expectConfigError(() => s3.listObjects({ prefix: 'x'.repeat(1025) }).next(), 'prefix');
    await expectConfigError(() => s3.listObjects({ prefix: 5 as never }).next(), 'prefix');
    await expectConfigError(() => s3.listObjects({ startAfter: 'a\uDC00' }).next(), 'startAfter');
    await expectConfigError(() => s3.listObjectVersions({ prefix: 'x'.repeat(1025) }).next(), 'prefix');
  });
});

describe('bucket names', () => {
  const bad = [
    'ab',
    'a'.repeat(64),
    'Upper',
    'under_score',
    '-leading',
    'trailing-',
    'two..dots',
    'dot.-hyphen',
    '192.168.1.1',
    'xn--punycode',
    'sthree-x',
    'name-s3alias',
    'name--ol-s3',
    'sp ace',
    'ünï',
  ];
  for (const bucket of bad) {
    it(`refuses ${JSON.stringify(bucket)}`, async () => {
      await expectConfigError(() => new S3Session({ ...base(), bucket }), 'bucket');
    });
  }

  it('accepts valid names, dotted ones included', () => {
    for (const bucket of ['abc', 'a'.repeat(63), 'my.dotted.bucket', 'a-b-c', '1bucket']) {
      expect(new S3Session({ ...base(), bucket }).bucket).toBe(bucket);
    }
  });
});

describe('metadata', () => {
  const bad: [string, unknown][] = [
    ['a non-ASCII value', { name: 'café' }],
    ['an emoji value', { name: '😀' }],
    ['a control character', { name: 'a\nb' }],
    ['a NUL', { name: 'a\u0000b' }],
    ['an upper-case name', { Name: 'x' }],
    ['a name with a space', { 'a b': 'x' }],
    ['a name with a colon', { 'a:b': 'x' }],
    ['a name with an underscore', { trace_id: 'x' }],
    ['a non-ASCII name', { nämé: 'x' }],
    ['an empty name', { '': 'x' }],
    ['a non-string value', { n: 1 }],
    ['surrounding white space', { n: ' x ' }],
    ['more than 2 KiB in all', { big: 'x'.repeat(2048) }],
    ['not an object', 'name=value'],
    ['an array', ['x']],
  ];
  for (const [what, metadata] of bad) {
    it(`refuses ${what}`, async () => {
      await expectConfigError(() => s3.putObject('k', 'x', { metadata: metadata as never }), 'metadata');
      await expectConfigError(() => s3.copyObject('a', 'b', { metadata: metadata as never }), 'metadata');
    });
  }
});

describe('call options', () => {
  it('refuses unknown options in every method', async () => {
    const unknown = { colour: 'blue' } as never;
    await expectConfigError(() => s3.putObject('k', 'x', unknown), 'colour');
    await expectConfigError(() => s3.getObject('k', unknown), 'colour');
    await expectConfigError(() => s3.headObject('k', unknown), 'colour');
    await expectConfigError(() => s3.deleteObject('k', unknown), 'colour');
    await expectConfigError(() => s3.deleteObjects(['k'], unknown), 'colour');
    await expectConfigError(() => s3.copyObject('a', 'b', unknown), 'colour');
    await expectConfigError(() => s3.listObjects(unknown).next(), 'colour');
    await expectConfigError(() => s3.listObjectVersions(unknown).next(), 'colour');
    await expectConfigError(() => s3.presign('GET', 'k', unknown), 'colour');
    await expectConfigError(() => s3.createBucket(unknown), 'colour');
    await expectConfigError(() => s3.deleteBucket(unknown), 'colour');
    await expectConfigError(() => s3.setBucketVersioning(true, unknown), 'colour');
  });

  it('refuses options that are not objects', async () => {
    await expectConfigError(() => s3.putObject('k', 'x', 'fast' as never));
    await expectConfigError(() => s3.getObject('k', [] as never));
  });

  it('refuses bad ranges', async () => {
    await expectConfigError(() => s3.getObject('k', { range: { start: -1 } }), 'range.start');
    await expectConfigError(() => s3.getObject('k', { range: { start: 1.5 } }), 'range.start');
    await expectConfigError(() => s3.getObject('k', { range: { start: 10, end: 9 } }), 'range.end');
    await expectConfigError(() => s3.getObject('k', { range: {} as never }), 'range');
    await expectConfigError(() => s3.getObject('k', { range: { start: 0, length: 5 } as never }), 'length');
  });

  it('refuses empty or non-string version ids', async () => {
    await expectConfigError(() => s3.getObject('k', { versionId: '' }), 'versionId');
    await expectConfigError(() => s3.headObject('k', { versionId: 7 as never }), 'versionId');
    await expectConfigError(() => s3.deleteObject('k', { versionId: '' }), 'versionId');
    await expectConfigError(() => s3.deleteObjects([{ key: 'k', versionId: '' }]), 'deleteObjects versionId');
    await expectConfigError(() => s3.copyObject('a', 'b', { sourceVersionId: '' }), 'sourceVersionId');
    await expectConfigError(() => s3.presign('GET', 'k', { versionId: '' }), 'versionId');
  });

  it('refuses bad signals, content lengths, page sizes and bodies', async () => {
    await expectConfigError(() => s3.getObject('k', { signal: {} as never }), 'signal');
    await expectConfigError(() => s3.putObject('k', 'x', { contentLength: -1 }), 'contentLength');
    await expectConfigError(
      () => s3.putObject('k', Readable.from([]), { contentLength: 1.5 }),
      'contentLength',
    );
    await expectConfigError(() => s3.listObjects({ pageSize: 0 }).next(), 'pageSize');
    await expectConfigError(() => s3.listObjects({ pageSize: 1001 }).next(), 'pageSize');
    await expectConfigError(() => s3.putObject('k', 42 as never), 'body');
    await expectConfigError(() => s3.putObject('k', null as never), 'body');
    await expectConfigError(() => s3.putObject('k', { length: 3 } as never), 'body');
  });
});

describe('session options', () => {
  const bad: [string, Partial<Record<keyof S3SessionOptions | 'colour', unknown>>, string][] = [
    ['an unknown option', { colour: 'blue' }, 'colour'],
    ['an empty access key', { accessKeyId: '' }, 'accessKeyId'],
    ['a missing secret', { secretAccessKey: undefined }, 'secretAccessKey'],
    ['a non-string session token', { sessionToken: 5 }, 'sessionToken'],
    ['a bad region', { region: 'US East' }, 'region'],
    ['an endpoint that is not a URL', { endpoint: 'not a url' }, 'endpoint'],
    ['an ftp endpoint', { endpoint: 'ftp://example.com' }, 'endpoint'],
    ['an endpoint with a query', { endpoint: 'http://example.com/?x=1' }, 'endpoint'],
    ['an endpoint with credentials', { endpoint: 'http://u:p@example.com' }, 'endpoint'],
    ['a non-boolean forcePathStyle', { forcePathStyle: 'yes' }, 'forcePathStyle'],
    ['a negative connect timeout', { connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    ['a zero idle timeout', { idleTimeoutMs: 0 }, 'idleTimeoutMs'],
    [
      'an infinite keep-alive timeout',
      { keepAliveTimeoutMs: Number.POSITIVE_INFINITY },
      'keepAliveTimeoutMs',
    ],
    ['a NaN timeout', { idleTimeoutMs: Number.NaN }, 'idleTimeoutMs'],
    ['zero connections', { maxConnections: 0 }, 'maxConnections'],
    ['fractional connections', { maxConnections: 1.5 }, 'maxConnections'],
    ['a part size below 5 MiB', { partSizeBytes: 1024 }, 'partSizeBytes'],
    ['zero attempts', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    ['a negative base delay', { retry: { baseDelayMs: -5 } }, 'retry.baseDelayMs'],
    ['a negative max delay', { retry: { maxDelayMs: -1 } }, 'retry.maxDelayMs'],
    ['an unknown retry option', { retry: { attempts: 3 } }, 'attempts'],
    ['a non-function onRetry', { onRetry: 'log' }, 'onRetry'],
  ];
  for (const [what, override, option] of bad) {
    it(`refuses ${what}`, async () => {
      await expectConfigError(() => new S3Session({ ...base(), ...override } as S3SessionOptions), option);
    });
  }

  it('refuses options that are not an object', async () => {
    await expectConfigError(() => new S3Session(undefined as never));
    await expectConfigError(() => new S3Session('bucket' as never));
  });
});
