import { describe, expect, it } from 'vitest';
import { ResponseError, S3Error } from '../../../../src/errors.js';
import { parseListObjectsV2 } from '../../../../src/s3/xml/index.js';
import {
  AWS_ERROR_SLOW_DOWN,
  AWS_LIST_V2_COMMON_PREFIXES,
  AWS_LIST_V2_EMPTY,
  AWS_LIST_V2_SIMPLE,
  AWS_LIST_V2_TRUNCATED,
  AWS_LIST_V2_URL_ENCODED,
} from './fixtures-aws.js';
import {
  CEPH_KEYS,
  CEPH_LIST_V2_EMPTY,
  CEPH_LIST_V2_URL_DELIMITER,
  CEPH_LIST_V2_URL_PREFIXES_TRUNCATED,
  CEPH_LIST_V2_URL_TRUNCATED,
  CEPH_LIST_V2_URL_UNENCODED_ECHOES,
} from './fixtures-ceph.js';

/** A one-entry listing around the given `<Contents>` children. */
function listing(contents: string, extra = ''): string {
  return `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>${extra}<Contents>${contents}</Contents></ListBucketResult>`;
}
const GOOD_ENTRY =
  '<Key>k</Key><LastModified>2024-01-02T03:04:05.678Z</LastModified><ETag>"e"</ETag><Size>1</Size>';

describe('parseListObjectsV2: AWS reference examples', () => {
  it('reads a single entry as a list of one', () => {
    const result = parseListObjectsV2(AWS_LIST_V2_SIMPLE, 'ListObjectsV2');
    expect(result).toEqual({
      page: {
        items: [
          {
            key: 'my-image.jpg',
            size: 434234,
            etag: 'fba9dede5f27731c9771645a39863328',
            lastModified: new Date('2009-10-12T17:50:30.000Z'),
            storageClass: 'STANDARD',
          },
        ],
        commonPrefixes: [],
      },
      isTruncated: false,
      keyCount: 205,
    });
    expect(result.nextContinuationToken).toBeUndefined();
  });

  it('reads a truncated page and its continuation token', () => {
    const result = parseListObjectsV2(AWS_LIST_V2_TRUNCATED);
    expect(result.isTruncated).toBe(true);
    expect(result.nextContinuationToken).toBe('1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=');
    expect(result.keyCount).toBe(3);
    expect(result.page.items.map((o) => o.key)).toEqual([
      'happyface.jpg',
      'happyface2.jpg',
      'happyface3.jpg',
    ]);
    expect(result.page.items[2]).toMatchObject({ etag: '70ee1738b6b21e2c8a43f3a5ab0eee71-2', size: 5242880 });
    expect(result.page.items[2]?.storageClass).toBe('STANDARD_IA');
  });

  it('reads common prefixes', () => {
    const result = parseListObjectsV2(AWS_LIST_V2_COMMON_PREFIXES);
    expect(result.page.items.map((o) => o.key)).toEqual(['sample.jpg']);
    expect(result.page.commonPrefixes).toEqual(['photos/']);
  });

  it('reads an empty listing', () => {
    expect(parseListObjectsV2(AWS_LIST_V2_EMPTY)).toEqual({
      page: { items: [], commonPrefixes: [] },
      isTruncated: false,
      keyCount: 0,
    });
  });

  it("decodes AWS's url encoding: + is a space, %2B a plus", () => {
    const result = parseListObjectsV2(AWS_LIST_V2_URL_ENCODED);
    expect(result.page.items.map((o) => o.key)).toEqual([
      '100%.csv',
      'a b.txt',
      'a+b.txt',
      ' lead and trail ',
    ]);
    expect(result.page.commonPrefixes).toEqual(['한글/', 'run books/']);
  });
});

describe('parseListObjectsV2: Ceph RGW 16 bodies', () => {
  it('decodes every awkward key back to what was stored', () => {
    const result = parseListObjectsV2(CEPH_LIST_V2_URL_DELIMITER);
    const topLevel = CEPH_KEYS.filter((k) => !k.includes('/') && k > ' ').sort();
    expect(result.page.items.map((o) => o.key)).toEqual(topLevel);
    expect(result.page.commonPrefixes).toEqual(['dir/', 'plus+dir/', 'sp ace/', 'unicodé/']);
    expect(result.keyCount).toBe(14);
    expect(result.page.items[0]).toEqual({
      key: ' lead',
      size: 1,
      etag: 'c4ca4238a0b923820dcc509a6f75849b',
      lastModified: new Date('2026-11-25T19:58:07.216Z'),
      storageClass: 'STANDARD',
    });
  });

  it('keeps leading and trailing spaces, CR, LF, tab and control characters exact', () => {
    const keys = parseListObjectsV2(CEPH_LIST_V2_URL_DELIMITER).page.items.map((o) => o.key);
    expect(keys).toContain(' lead');
    expect(keys).toContain('trail ');
    expect(keys).toContain('cr\rlf\nx');
    expect(keys).toContain('tab\tx');
    expect(keys).toContain('ctl\u0001x');
    expect(keys).toContain('amp&lt<gt>q"ap\'');
  });

  it('returns the continuation token undecoded: it is opaque (Ceph puts the raw last key there)', () => {
    const result = parseListObjectsV2(CEPH_LIST_V2_URL_TRUNCATED);
    expect(result.isTruncated).toBe(true);
    expect(result.nextContinuationToken).toBe('cr\rlf\nx');
    expect(result.page.items.map((o) => o.key)).toEqual(['a+b', 'amp&lt<gt>q"ap\'', 'cr\rlf\nx']);
  });

  it('reads a truncated page of only common prefixes; the token keeps its +', () => {
    const result = parseListObjectsV2(CEPH_LIST_V2_URL_PREFIXES_TRUNCATED);
    expect(result.page).toEqual({ items: [], commonPrefixes: ['dir/', 'plus+dir/'] });
    expect(result.nextContinuationToken).toBe('plus+dir/');
    expect(result.keyCount).toBe(2);
  });

  it('does not trip over the unencoded Prefix and Delimiter echoes', () => {
    const result = parseListObjectsV2(CEPH_LIST_V2_URL_UNENCODED_ECHOES);
    expect(result.page.items.map((o) => o.key)).toEqual(['a b']);
  });

  it('reads an empty listing', () => {
    expect(parseListObjectsV2(CEPH_LIST_V2_EMPTY).page).toEqual({ items: [], commonPrefixes: [] });
  });
});

describe('parseListObjectsV2: details', () => {
  it('does not decode keys when the response has no EncodingType, whatever was asked', () => {
    const result = parseListObjectsV2(listing(GOOD_ENTRY.replace('<Key>k</Key>', '<Key>a+b%20c</Key>')));
    expect(result.page.items[0]?.key).toBe('a+b%20c');
  });

  it('reads an empty <EncodingType/> as no encoding', () => {
    const result = parseListObjectsV2(
      listing(GOOD_ENTRY.replace('<Key>k</Key>', '<Key>a+b</Key>'), '<EncodingType/>'),
    );
    expect(result.page.items[0]?.key).toBe('a+b');
  });

  it('decodes entity-escaped keys, including numeric references', () => {
    const key = '<Key> &amp;&lt;&gt;&quot;&apos;&#13;&#x1F600;&#128512; </Key>';
    const result = parseListObjectsV2(listing(GOOD_ENTRY.replace('<Key>k</Key>', key)));
    expect(result.page.items[0]?.key).toBe(' &<>"\'\r😀😀 ');
  });

  it('counts the page itself when KeyCount is missing', () => {
    expect(parseListObjectsV2(listing(GOOD_ENTRY)).keyCount).toBe(1);
  });

  it('leaves storageClass out when the store does not send it', () => {
    expect(parseListObjectsV2(listing(GOOD_ENTRY)).page.items[0]).not.toHaveProperty('storageClass');
  });

  it('ignores a continuation token on a page that is not truncated', () => {
    const body = listing(GOOD_ENTRY, '<NextContinuationToken>t</NextContinuationToken>');
    expect(parseListObjectsV2(body).nextContinuationToken).toBeUndefined();
  });

  it('turns an embedded <Error> into an S3Error', () => {
    const error = catchError(() =>
      parseListObjectsV2(AWS_ERROR_SLOW_DOWN, { method: 'ListObjectsV2', status: 503 }),
    );
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({
      s3Code: 'SlowDown',
      status: 503,
      retryable: true,
      requestId: 'J4XS2R2F3CA7W1JH',
    });
  });
});

describe('parseListObjectsV2: malformed bodies throw ResponseError', () => {
  const cases: [string, string, RegExp][] = [
    ['an empty body', '', /empty/],
    ['not XML', 'Service Unavailable', /not well-formed|root/],
    ['a truncated body', AWS_LIST_V2_TRUNCATED.slice(0, 500), /not well-formed/],
    [
      'the wrong root',
      '<ListVersionsResult><IsTruncated>false</IsTruncated></ListVersionsResult>',
      /ListBucketResult/,
    ],
    ['a missing Key', listing(GOOD_ENTRY.replace('<Key>k</Key>', '')), /<Contents> #1 has no <Key>/],
    ['an empty Key', listing(GOOD_ENTRY.replace('<Key>k</Key>', '<Key></Key>')), /empty <Key>/],
    ['two Keys', listing(`${GOOD_ENTRY}<Key>x</Key>`), /more than one <Key>/],
    ['a missing ETag', listing(GOOD_ENTRY.replace('<ETag>"e"</ETag>', '')), /no <ETag>/],
    ['a missing Size', listing(GOOD_ENTRY.replace('<Size>1</Size>', '')), /no <Size>/],
    ['a negative Size', listing(GOOD_ENTRY.replace('<Size>1</Size>', '<Size>-1</Size>')), /Size/],
    ['a fractional Size', listing(GOOD_ENTRY.replace('<Size>1</Size>', '<Size>1.5</Size>')), /Size/],
    [
      'an unsafe Size',
      listing(GOOD_ENTRY.replace('<Size>1</Size>', '<Size>9007199254740993</Size>')),
      /Size/,
    ],
    ['an invalid date', listing(GOOD_ENTRY.replace('2024-01-02', '2024-02-30')), /not a valid date/],
    ['a non-ISO date', listing(GOOD_ENTRY.replace('2024-01-02T03:04:05.678Z', 'yesterday')), /ISO 8601/],
    ['a bad boolean', listing(GOOD_ENTRY).replace('false', 'nope'), /IsTruncated/],
    [
      'a missing IsTruncated',
      listing(GOOD_ENTRY).replace('<IsTruncated>false</IsTruncated>', ''),
      /IsTruncated/,
    ],
    [
      'a truncated page without a token',
      listing(GOOD_ENTRY).replace('<IsTruncated>false', '<IsTruncated>true'),
      /NextContinuationToken/,
    ],
    [
      'a bad percent sequence',
      listing(GOOD_ENTRY, '<EncodingType>url</EncodingType>').replace('>k<', '>%E0%A4<'),
      /url-encoded/,
    ],
    ['an unknown encoding', listing(GOOD_ENTRY, '<EncodingType>base64</EncodingType>'), /EncodingType/],
    ['an HTML entity', listing(GOOD_ENTRY.replace('<Key>k</Key>', '<Key>a&nbsp;b</Key>')), /unknown entity/],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${listing(GOOD_ENTRY)}`, /DOCTYPE/],
  ];
  it.each(cases)('%s', (_name, body, message) => {
    const error = catchError(() => parseListObjectsV2(body, { method: 'ListObjectsV2', status: 200 }));
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toMatch(message);
    expect(error).toMatchObject({
      code: 'ERR_RESPONSE',
      method: 'ListObjectsV2',
      status: 200,
      retryable: false,
    });
  });

  it('names the caller in the error', () => {
    const error = catchError(() => parseListObjectsV2('nope', { method: 'ListObjectsV2', status: 502 }));
    expect((error as ResponseError).message).toMatch(/^ListObjectsV2: malformed response body \(HTTP 502\)/);
    expect((error as ResponseError).retryable).toBe(true);
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
