import { describe, expect, it } from 'vitest';
import { ResponseError } from '../../../../src/errors.js';
import { parseListObjectVersions } from '../../../../src/s3/xml/index.js';
import { AWS_VERSIONS, AWS_VERSIONS_URL_TRUNCATED } from './fixtures-aws.js';
import {
  CEPH_VERSIONS_UNVERSIONED,
  CEPH_VERSIONS_URL,
  CEPH_VERSIONS_URL_PAGE_2,
  CEPH_VERSIONS_URL_PREFIXES_TRUNCATED,
  CEPH_VERSIONS_URL_TRUNCATED,
} from './fixtures-ceph.js';

const VERSION = (key: string, id: string) =>
  `<Version><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>true</IsLatest><LastModified>2024-01-01T00:00:00Z</LastModified><ETag>"e"</ETag><Size>1</Size></Version>`;
const MARKER = (key: string, id: string) =>
  `<DeleteMarker><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>false</IsLatest><LastModified>2024-01-01T00:00:00Z</LastModified></DeleteMarker>`;
const versions = (inner: string, truncated = false) =>
  `<ListVersionsResult><IsTruncated>${truncated}</IsTruncated>${inner}</ListVersionsResult>`;

describe('parseListObjectVersions', () => {
  it('reads the AWS reference example, delete marker in place', () => {
    const result = parseListObjectVersions(AWS_VERSIONS, 'ListObjectVersions');
    expect(result.isTruncated).toBe(false);
    expect(result.nextKeyMarker).toBeUndefined();
    expect(result.page.items).toEqual([
      {
        key: 'my-image.jpg',
        versionId: '3/L4kqtJl40Nr8X8gdRQBpUMLUo',
        isLatest: true,
        isDeleteMarker: false,
        size: 434234,
        etag: 'fba9dede5f27731c9771645a39863328',
        lastModified: new Date('2009-10-12T17:50:30.000Z'),
      },
      {
        key: 'my-second-image.jpg',
        versionId: '03jpff543dhffds434rfdsFDN943fdsFkdmqnh892',
        isLatest: true,
        isDeleteMarker: true,
        size: 0,
        etag: '',
        lastModified: new Date('2009-11-12T17:50:30.000Z'),
      },
      {
        key: 'my-second-image.jpg',
        versionId: 'QUpfdndhfd8438MNFDN93jdnJFkdmqnh893',
        isLatest: false,
        isDeleteMarker: false,
        size: 166434,
        etag: '9b2cf535f27731c974343645a3985328',
        lastModified: new Date('2009-10-10T17:50:30.000Z'),
      },
    ]);
  });

  it('keeps the document order of interleaved versions and delete markers (Ceph)', () => {
    const { page } = parseListObjectVersions(CEPH_VERSIONS_URL);
    expect(page.items.map((v) => `${v.key}|${v.isDeleteMarker ? 'DM' : 'V'}|${v.isLatest}`)).toEqual([
      'k 1|V|true',
      'k 1|V|false',
      'k%3|DM|true',
      'k%3|V|false',
      'k%3|V|false',
      'k+2|V|true',
      'k+2|DM|false',
      'k+2|V|false',
      'k+2|V|false',
    ]);
    expect(page.items[2]).toMatchObject({ versionId: 'aT8v-JOlw255HWRhD6c1YP3AafX0LCC', etag: '', size: 0 });
  });

  it('keeps order across many alternations', () => {
    const inner = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0 ? MARKER(`k${i}`, `m${i}`) : VERSION(`k${i}`, `v${i}`),
    );
    const { page } = parseListObjectVersions(versions(inner.join('')));
    expect(page.items.map((v) => v.versionId)).toEqual(
      inner.map((_, i) => (i % 3 === 0 ? `m${i}` : `v${i}`)),
    );
  });

  it("takes Ceph's unencoded NextKeyMarker as it is (k%3 is the key, not an escape)", () => {
    const result = parseListObjectVersions(CEPH_VERSIONS_URL_TRUNCATED);
    expect(result.isTruncated).toBe(true);
    expect(result.nextKeyMarker).toBe('k%3');
    expect(result.nextVersionIdMarker).toBe('aT8v-JOlw255HWRhD6c1YP3AafX0LCC');
    expect(result.page.items.at(-1)).toMatchObject({ key: 'k%3', isDeleteMarker: true });
    const next = parseListObjectVersions(CEPH_VERSIONS_URL_PAGE_2);
    expect(next.page.items.map((v) => v.key)).toEqual(['k%3', 'k%3']);
    expect(next.nextKeyMarker).toBe('k%3');
  });

  it("takes Ceph's unencoded NextKeyMarker when it names a common prefix (plus+dir/ keeps its +)", () => {
    const result = parseListObjectVersions(CEPH_VERSIONS_URL_PREFIXES_TRUNCATED);
    expect(result.page).toEqual({ items: [], commonPrefixes: ['dir/', 'plus+dir/'] });
    expect(result.nextKeyMarker).toBe('plus+dir/');
    expect(result.nextVersionIdMarker).toBe('null');
  });

  it("decodes AWS's url-encoded NextKeyMarker", () => {
    const result = parseListObjectVersions(AWS_VERSIONS_URL_TRUNCATED);
    expect(result.page.items.map((v) => v.key)).toEqual([
      'job a+b.lock.0123456789abc-0',
      'job a+b.lock.0123456789abc-1',
    ]);
    expect(result.nextKeyMarker).toBe('job a+b.lock.0123456789abc-1');
    expect(result.nextVersionIdMarker).toBe('Gz8_3rUWkYkHdn.1S4aOi2.lyu8H6sCN');
  });

  it('decodes a NextKeyMarker that matches no entry as AWS documents', () => {
    const body = versions(
      `<EncodingType>url</EncodingType><NextKeyMarker>x+y%2B</NextKeyMarker>${VERSION('a', 'v')}`,
      true,
    );
    expect(parseListObjectVersions(body).nextKeyMarker).toBe('x y+');
  });

  it('reads version id "null" of an unversioned bucket', () => {
    const { page } = parseListObjectVersions(CEPH_VERSIONS_UNVERSIONED);
    expect(page.items.map((v) => [v.key, v.versionId])).toEqual([
      ['a b', 'null'],
      ['a+b', 'null'],
      ['amp&lt<gt>q"ap\'', 'null'],
    ]);
  });

  it('reads an empty listing', () => {
    expect(parseListObjectVersions(versions(''))).toEqual({
      page: { items: [], commonPrefixes: [] },
      isTruncated: false,
    });
  });

  const malformedCases: [string, string, RegExp][] = [
    [
      'a version without VersionId',
      versions(VERSION('a', 'v').replace('<VersionId>v</VersionId>', '')),
      /VersionId/,
    ],
    ['a version without ETag', versions(VERSION('a', 'v').replace('<ETag>"e"</ETag>', '')), /ETag/],
    [
      'a marker without Key',
      versions(MARKER('a', 'm').replace('<Key>a</Key>', '')),
      /<DeleteMarker> #1 has no <Key>/,
    ],
    [
      'a marker without IsLatest',
      versions(MARKER('a', 'm').replace('<IsLatest>false</IsLatest>', '')),
      /IsLatest/,
    ],
    ['a bad IsLatest', versions(VERSION('a', 'v').replace('>true<', '>yes<')), /IsLatest/],
    ['a truncated page without NextKeyMarker', versions(VERSION('a', 'v'), true), /NextKeyMarker/],
    [
      'the wrong root',
      AWS_VERSIONS.replaceAll('ListVersionsResult', 'ListBucketResult'),
      /ListVersionsResult/,
    ],
  ];
  it.each(malformedCases)('throws ResponseError for %s', (_name, body, message) => {
    expect(() => parseListObjectVersions(body, 'ListObjectVersions')).toThrow(ResponseError);
    expect(() => parseListObjectVersions(body, 'ListObjectVersions')).toThrow(message);
  });
});
