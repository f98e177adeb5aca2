import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { validateVersionId } from '../../../src/s3/options.js';
import {
  describe as describeValue,
  MAX_KEY_BYTES,
  MAX_METADATA_BYTES,
  validateBucketName,
  validateKey,
  validateMetadata,
  validateNumber,
  validateOptions,
  validatePrefix,
  validateSignal,
} from '../../../src/store/validate.js';

/** The ConfigError `fn` throws (failing the test if it throws anything else, or nothing). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('validateKey', () => {
  it('accepts any well-formed string of 1 to 1024 UTF-8 bytes', () => {
    for (const key of [
      'a',
      ' ',
      '/',
      '..',
      '😀',
      'x'.repeat(MAX_KEY_BYTES),
      `${'é'.repeat(511)}xx`,
      'a\u0000b',
    ]) {
      expect(() => validateKey(key)).not.toThrow();
    }
  });

  it('refuses empty, too long, malformed and non-string keys, naming the option', () => {
    expect(configError(() => validateKey('')).message).toMatch(/must not be empty/);
    expect(configError(() => validateKey('x'.repeat(1025))).message).toMatch(/1025 UTF-8 bytes.*1024/);
    expect(configError(() => validateKey('é'.repeat(513))).message).toMatch(/1026 UTF-8 bytes/);
    expect(configError(() => validateKey('😀'.repeat(257))).message).toMatch(/1028 UTF-8 bytes/);
    expect(configError(() => validateKey('a\uD800')).message).toMatch(/lone UTF-16 surrogate/);
    expect(configError(() => validateKey('\uDC00a')).message).toMatch(/lone UTF-16 surrogate/);
    expect(configError(() => validateKey(5)).message).toMatch(/must be a string, got number 5/);
    expect(configError(() => validateKey(null, 'sourceKey')).option).toBe('sourceKey');
  });

  it('agrees with the UTF-8 byte length for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (key) => {
        const bytes = Buffer.byteLength(key, 'utf8');
        if (key.length > 0 && bytes <= MAX_KEY_BYTES) expect(() => validateKey(key)).not.toThrow();
        else expect(() => validateKey(key)).toThrow(ConfigError);
      }),
    );
  });
});

describe('validatePrefix', () => {
  it('allows undefined and empty, and otherwise applies the key rules', () => {
    expect(() => validatePrefix(undefined)).not.toThrow();
    expect(() => validatePrefix('')).not.toThrow();
    expect(() => validatePrefix('logs/')).not.toThrow();
    expect(configError(() => validatePrefix('x'.repeat(1025))).option).toBe('prefix');
    expect(configError(() => validatePrefix(3, 'startAfter')).option).toBe('startAfter');
  });
});

describe('validateBucketName', () => {
  it('accepts S3 bucket names', () => {
    for (const name of ['abc', 'a'.repeat(63), 'my-bucket', 'my.bucket.name', '123', 'a1-b2.c3']) {
      expect(() => validateBucketName(name)).not.toThrow();
    }
  });

  const bad: [string, RegExp][] = [
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['', /3 to 63/],
    ['My-Bucket', /lower-case/],
    ['my_bucket', /lower-case/],
    ['-bucket', /beginning and ending/],
    ['bucket-', /beginning and ending/],
    ['.bucket', /beginning and ending/],
    ['my..bucket', /two adjacent dots/],
    ['my.-bucket', /dot must not be next to a hyphen/],
    ['my-.bucket', /dot must not be next to a hyphen/],
    ['10.0.0.1', /IP address/],
    ['xn--bucket', /prefix xn-- is reserved/],
    ['sthree-bucket', /prefix sthree- is reserved/],
    ['amzn-s3-demo-bucket', /reserved/],
    ['bucket-s3alias', /suffix -s3alias is reserved/],
    ['bucket--ol-s3', /suffix --ol-s3 is reserved/],
    ['bucket.mrap', /suffix .mrap is reserved/],
    ['bucket--x-s3', /suffix --x-s3 is reserved/],
    ['bück', /lower-case/],
  ];
  for (const [name, why] of bad) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      const error = configError(() => validateBucketName(name));
      expect(error.message).toMatch(why);
      expect(error.option).toBe('bucket');
    });
  }

  it('refuses non-strings', () => {
    expect(configError(() => validateBucketName(undefined)).message).toMatch(/must be a string/);
  });
});

describe('validateMetadata', () => {
  it('accepts lower-case token names and printable ASCII values, empty ones included', () => {
    expect(() => validateMetadata(undefined)).not.toThrow();
    expect(() => validateMetadata({})).not.toThrow();
    expect(() =>
      validateMetadata({ owner: 'alice', 'x-y.z': 'a=b; c="d" ~!@#$%^&*()', e: '' }),
    ).not.toThrow();
    expect(() => validateMetadata({ tab: 'a\tb' })).not.toThrow();
  });

  const bad: [string, unknown, RegExp][] = [
    ['non-ASCII value', { n: 'café' }, /non-ASCII or control characters/],
    ['emoji value', { n: '😀' }, /non-ASCII/],
    ['newline (header injection)', { n: 'a\r\nx-amz-acl: public-read' }, /control characters/],
    ['DEL', { n: 'a\u007f' }, /control characters/],
    ['upper-case name', { Owner: 'x' }, /lower-case/],
    ['name with a space', { 'a b': 'x' }, /HTTP header token/],
    ['name with a colon', { 'a:b': 'x' }, /HTTP header token/],
    ['empty name', { '': 'x' }, /HTTP header token/],
    ['underscore in the name (Ceph and nginx rewrite or drop it)', { trace_id: 'x' }, /'_'/],
    ['non-ASCII name', { ñ: 'x' }, /HTTP header token/],
    ['non-string value', { n: 5 }, /must be a string/],
    ['leading space', { n: ' x' }, /white space/],
    ['trailing tab', { n: 'x\t' }, /white space/],
    ['an array', ['x'], /must be an object/],
    ['null', null, /must be an object/],
    ['a string', 'a=b', /must be an object/],
  ];
  for (const [what, metadata, why] of bad) {
    it(`refuses ${what}`, () => {
      const error = configError(() => validateMetadata(metadata));
      expect(error.message).toMatch(why);
      expect(error.option).toBe('metadata');
    });
  }

  it('counts names and values against the 2 KiB limit', () => {
    const name = 'n';
    expect(() => validateMetadata({ [name]: 'x'.repeat(MAX_METADATA_BYTES - 1) })).not.toThrow();
    expect(configError(() => validateMetadata({ [name]: 'x'.repeat(MAX_METADATA_BYTES) })).message).toMatch(
      /2049 bytes in all.*2048/,
    );
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, 'vvv']));
    expect(() => validateMetadata(many)).toThrow(ConfigError);
  });
});

describe('validateOptions', () => {
  it('accepts known options and undefined', () => {
    expect(() => validateOptions(undefined, ['a'], 'f')).not.toThrow();
    expect(() => validateOptions({ a: 1, b: undefined }, ['a', 'b'], 'f')).not.toThrow();
  });

  it('names an unknown option and lists the known ones', () => {
    const error = configError(() => validateOptions({ a: 1, colour: 'x' }, ['a', 'b'], 'putObject'));
    expect(error.message).toBe('putObject: unknown option "colour" (known: a, b)');
    expect(error.option).toBe('colour');
  });

  it('refuses options that are not a plain object', () => {
    for (const options of [null, 5, 'x', [], true]) {
      expect(configError(() => validateOptions(options, ['a'], 'f')).message).toMatch(
        /options must be an object/,
      );
    }
  });
});

describe('validateNumber', () => {
  it('checks finiteness, integrality and bounds, naming the option', () => {
    expect(() => validateNumber(undefined, 'x')).not.toThrow();
    expect(() => validateNumber(0, 'x')).not.toThrow();
    expect(() => validateNumber(5, 'x', { min: 5, max: 5, integer: true })).not.toThrow();
    expect(configError(() => validateNumber(-1, 'timeoutMs')).message).toBe(
      'timeoutMs must be between 0 and 9007199254740991, got -1',
    );
    expect(configError(() => validateNumber(Number.NaN, 'x')).message).toMatch(/finite number/);
    expect(configError(() => validateNumber(Number.POSITIVE_INFINITY, 'x')).message).toMatch(/finite number/);
    expect(configError(() => validateNumber('5', 'x')).message).toMatch(/finite number, got a string/);
    expect(configError(() => validateNumber(1.5, 'n', { integer: true })).message).toBe(
      'n must be an integer, got 1.5',
    );
    expect(configError(() => validateNumber(11, 'n', { max: 10 })).option).toBe('n');
  });
});

describe('validateSignal and validateVersionId', () => {
  it('accepts an AbortSignal or nothing', () => {
    expect(() => validateSignal(undefined)).not.toThrow();
    expect(() => validateSignal(new AbortController().signal)).not.toThrow();
    expect(() => validateSignal(AbortSignal.timeout(10))).not.toThrow();
    expect(configError(() => validateSignal({ aborted: false })).option).toBe('signal');
  });

  it('accepts a non-empty version id or nothing', () => {
    expect(() => validateVersionId(undefined)).not.toThrow();
    expect(() => validateVersionId('null')).not.toThrow();
    expect(() => validateVersionId('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY')).not.toThrow();
    expect(configError(() => validateVersionId('')).message).toMatch(/non-empty string/);
    expect(configError(() => validateVersionId(1, 'sourceVersionId')).option).toBe('sourceVersionId');
  });
});

describe('describe', () => {
  it('describes values briefly, never dumping their content', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined undefined');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({ secret: 'x' })).toBe('an object');
    expect(describeValue(5)).toBe('number 5');
    expect(describeValue('x'.repeat(100))).toBe(`a string ("${'x'.repeat(40)}…")`);
  });
});
