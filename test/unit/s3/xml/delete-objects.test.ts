import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ConfigError, ResponseError, S3Error } from '../../../../src/errors.js';
import { buildDeleteRequest, MAX_DELETE_OBJECTS, parseDeleteResult } from '../../../../src/s3/xml/index.js';
import {
  AWS_COPY_EMBEDDED_ERROR,
  AWS_DELETE_RESULT_MIXED,
  AWS_DELETE_RESULT_VERSIONED,
} from './fixtures-aws.js';
import { CEPH_DELETE_RESULT, CEPH_DELETE_RESULT_VERSIONED } from './fixtures-ceph.js';

describe('buildDeleteRequest', () => {
  it('writes the Delete document S3 expects', () => {
    expect(buildDeleteRequest([{ key: 'a' }, { key: 'b', versionId: 'v1' }], false)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Quiet>false</Quiet><Object><Key>a</Key></Object>' +
        '<Object><Key>b</Key><VersionId>v1</VersionId></Object></Delete>',
    );
    expect(buildDeleteRequest([{ key: 'a' }], true)).toContain('<Quiet>true</Quiet>');
  });

  it('escapes the five XML specials and writes tab, LF and CR as references', () => {
    const body = buildDeleteRequest([{ key: ` a&b<c>d"e'f\tg\nh\ri ` }], true);
    expect(body).toContain('<Key> a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i </Key>');
  });

  it('passes non-ASCII through unchanged', () => {
    expect(buildDeleteRequest([{ key: 'ключ/😀/é' }], true)).toContain('<Key>ключ/😀/é</Key>');
  });

  it('reads back through fast-xml-parser as the same keys', () => {
    const keys = [' lead', 'trail ', 'a&b', '<tag>', 'cr\rlf\n', '😀', 'x'.repeat(1024)];
    const body = buildDeleteRequest(
      keys.map((key) => ({ key })),
      true,
    );
    const parsed = new XMLParser({
      trimValues: false,
      parseTagValue: false,
      htmlEntities: true,
      isArray: () => true,
    }).parse(body);
    expect(parsed.Delete[0].Object.map((o: { Key: string[] }) => o.Key[0])).toEqual(keys);
  });

  const unsendable: [string, string, RegExp][] = [
    ['U+0001', 'ctl\u0001x', /U\+0001 at index 3/],
    ['NUL', '\u0000', /U\+0000/],
    ['U+001F', 'a\u001f', /U\+001F/],
    ['U+FFFE', 'a\ufffe', /U\+FFFE/],
    ['U+FFFF', 'a\uffff', /U\+FFFF/],
    ['a lone high surrogate', 'a\ud800b', /U\+D800/],
    ['a lone low surrogate', 'a\udc00', /U\+DC00/],
  ];
  it.each(unsendable)('refuses a key with %s, naming the key', (_name, key, message) => {
    const error = catchError(() => buildDeleteRequest([{ key: 'fine' }, { key }], true));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).message).toContain(JSON.stringify(key));
    expect((error as ConfigError).message).toMatch(/deleteObject instead/);
  });

  it('refuses an unsendable version id', () => {
    expect(() => buildDeleteRequest([{ key: 'k', versionId: 'v\u0002' }], true)).toThrow(
      /version id of key "k"/,
    );
  });

  it('refuses no keys, an empty key, and more than 1000 keys', () => {
    expect(() => buildDeleteRequest([], true)).toThrow(ConfigError);
    expect(() => buildDeleteRequest([{ key: '' }], true)).toThrow(ConfigError);
    const many = Array.from({ length: MAX_DELETE_OBJECTS + 1 }, (_, i) => ({ key: `k${i}` }));
    expect(() => buildDeleteRequest(many, true)).toThrow(/at most 1000 keys, got 1001/);
    expect(() => buildDeleteRequest(many.slice(1), true)).not.toThrow();
  });
});

describe('parseDeleteResult', () => {
  it('reads Deleted and Error entries (AWS example)', () => {
    expect(parseDeleteResult(AWS_DELETE_RESULT_MIXED, 'DeleteObjects')).toEqual({
      deleted: [{ key: 'sample1.txt' }],
      errors: [{ key: 'sample2.txt', code: 'AccessDenied', message: 'Access Denied' }],
    });
  });

  it('reads version ids, and ignores delete-marker details', () => {
    expect(parseDeleteResult(AWS_DELETE_RESULT_VERSIONED)).toEqual({
      deleted: [
        { key: 'SampleDocument.txt', versionId: 'OYcLXagmS.WaD..oyH4KRguB95_YhLs7' },
        { key: 'SampleDocument2.txt' },
      ],
      errors: [
        {
          key: 'SampleDocument3.txt',
          versionId: 'UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ',
          code: 'InternalError',
          message: 'We encountered an internal error. Please try again.',
        },
      ],
    });
  });

  it("reads Ceph's escaped keys exactly, CR included", () => {
    expect(parseDeleteResult(CEPH_DELETE_RESULT).deleted).toEqual([
      { key: 'does-not-exist' },
      { key: 'a b' },
      { key: 'amp&lt<gt>q"ap\'' },
      { key: 'cr\rlf\nx' },
    ]);
    expect(parseDeleteResult(CEPH_DELETE_RESULT_VERSIONED).deleted).toEqual([
      { key: 'k 1', versionId: 'nonexistentversion' },
      { key: 'k+2' },
    ]);
  });

  it('reads an empty quiet result', () => {
    expect(
      parseDeleteResult('<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>'),
    ).toEqual({
      deleted: [],
      errors: [],
    });
  });

  it('turns an <Error> document into an S3Error', () => {
    expect(() => parseDeleteResult(AWS_COPY_EMBEDDED_ERROR)).toThrow(S3Error);
  });

  const malformedCases: [string, string][] = [
    ['a Deleted without Key', '<DeleteResult><Deleted><VersionId>v</VersionId></Deleted></DeleteResult>'],
    ['an Error without Key', '<DeleteResult><Error><Code>AccessDenied</Code></Error></DeleteResult>'],
    ['an Error without Code', '<DeleteResult><Error><Key>k</Key></Error></DeleteResult>'],
    ['the wrong root', '<DeleteResults></DeleteResults>'],
    ['a cut-off body', AWS_DELETE_RESULT_MIXED.slice(0, -20)],
  ];
  it.each(malformedCases)('throws ResponseError for %s', (_name, body) => {
    expect(() => parseDeleteResult(body, 'DeleteObjects')).toThrow(ResponseError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
