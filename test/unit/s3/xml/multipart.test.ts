import { describe, expect, it } from 'vitest';
import { ConfigError, ResponseError, S3Error } from '../../../../src/errors.js';
import {
  buildCompleteMultipartUpload,
  MAX_MULTIPART_PARTS,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
} from '../../../../src/s3/xml/index.js';
import { AWS_COPY_EMBEDDED_ERROR } from './fixtures-aws.js';

/** Captured from Ceph RGW 16.2.15 (see fixtures-ceph.ts) for the key `multi part&<key>`. */
const CEPH_INITIATE = `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>xmlprobe</Bucket><Key>multi part&amp;&lt;key&gt;</Key><UploadId>2~TwZqZer1IPLvdlQ0m7xjQWWyjmMhsUx</UploadId></InitiateMultipartUploadResult>`;
/** Ceph 16.2.15 leaves the ETag empty (and sends no ETag header). */
const CEPH_COMPLETE = `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>http://127.0.0.1:17480/xmlprobe/multi part&amp;&lt;key&gt;</Location><Bucket>xmlprobe</Bucket><Key>multi part&amp;&lt;key&gt;</Key><ETag></ETag></CompleteMultipartUploadResult>`;
/** In the shape of the AWS reference example. */
const AWS_COMPLETE = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>http://Example-Bucket.s3.Region.amazonaws.com/Example-Object</Location>
  <Bucket>Example-Bucket</Bucket>
  <Key>Example-Object</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
</CompleteMultipartUploadResult>`;

describe('multipart bodies', () => {
  it('reads the upload id', () => {
    expect(parseInitiateMultipartUpload(CEPH_INITIATE, 'CreateMultipartUpload')).toBe(
      '2~TwZqZer1IPLvdlQ0m7xjQWWyjmMhsUx',
    );
  });

  it('refuses an answer without an upload id', () => {
    expect(() =>
      parseInitiateMultipartUpload(
        '<InitiateMultipartUploadResult><UploadId></UploadId></InitiateMultipartUploadResult>',
      ),
    ).toThrow(ResponseError);
    expect(() => parseInitiateMultipartUpload('<InitiateMultipartUploadResult/>')).toThrow(/no <UploadId>/);
  });

  it('builds the completion request with quoted ETags in part order', () => {
    expect(buildCompleteMultipartUpload(['a1', '"b2"'])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><PartNumber>1</PartNumber><ETag>&quot;a1&quot;</ETag></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>&quot;b2&quot;</ETag></Part></CompleteMultipartUpload>',
    );
  });

  it('refuses no parts, too many parts and unsendable ETags', () => {
    expect(() => buildCompleteMultipartUpload([])).toThrow(ConfigError);
    expect(() =>
      buildCompleteMultipartUpload(Array.from({ length: MAX_MULTIPART_PARTS + 1 }, () => 'e')),
    ).toThrow(ConfigError);
    expect(() => buildCompleteMultipartUpload(['ok', ''])).toThrow(/part 2/);
    expect(() => buildCompleteMultipartUpload(['e\u0001'])).toThrow(ConfigError);
  });

  it('reads the completed ETag; an empty one (Ceph 16) is empty', () => {
    expect(parseCompleteMultipartUpload(AWS_COMPLETE, 'CompleteMultipartUpload', 'Example-Object')).toEqual({
      etag: '3858f62230ac3c915f300c664312c11f-9',
    });
    expect(parseCompleteMultipartUpload(CEPH_COMPLETE)).toEqual({ etag: '' });
  });

  it('turns an error after the 200 into an S3Error naming the key', () => {
    let error: unknown;
    try {
      parseCompleteMultipartUpload(AWS_COPY_EMBEDDED_ERROR, 'CompleteMultipartUpload', 'big/object');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({
      s3Code: 'InternalError',
      key: 'big/object',
      method: 'CompleteMultipartUpload',
      retryable: true,
    });
  });
});
