import { describe, expect, it } from 'vitest';
import { ResponseError, S3Error } from '../../../../src/errors.js';
import { parseCopyObjectResult } from '../../../../src/s3/xml/index.js';
import { AWS_COPY_EMBEDDED_ERROR, AWS_COPY_RESULT, AWS_ERROR_SAMPLE } from './fixtures-aws.js';
import { CEPH_COPY_RESULT } from './fixtures-ceph.js';

describe('parseCopyObjectResult', () => {
  it('reads the AWS example; a timestamp without a zone is UTC', () => {
    expect(parseCopyObjectResult(AWS_COPY_RESULT, 'CopyObject')).toEqual({
      etag: '9b2cf535f27731c974343645a3985328',
      lastModified: new Date('2009-10-28T22:32:00.000Z'),
    });
  });

  it("reads Ceph's unquoted ETag", () => {
    expect(parseCopyObjectResult(CEPH_COPY_RESULT)).toEqual({
      etag: 'c4ca4238a0b923820dcc509a6f75849b',
      lastModified: new Date('2026-11-25T19:58:07.489Z'),
    });
  });

  it('turns an error inside a 200 into a retryable S3Error for InternalError', () => {
    let error: unknown;
    try {
      parseCopyObjectResult(AWS_COPY_EMBEDDED_ERROR, { method: 'CopyObject', key: 'dest' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({
      status: 200,
      s3Code: 'InternalError',
      method: 'CopyObject',
      key: 'dest',
      requestId: '656c76696e6727732072657175657374',
      retryable: true,
    });
  });

  it('keeps other embedded errors non-retryable', () => {
    let error: unknown;
    try {
      parseCopyObjectResult(AWS_ERROR_SAMPLE);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ s3Code: 'NoSuchKey', retryable: false, method: 'CopyObject' });
  });

  it.each([
    [
      'a missing ETag',
      '<CopyObjectResult><LastModified>2009-10-28T22:32:00Z</LastModified></CopyObjectResult>',
    ],
    ['a missing date', '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>'],
    [
      'a bad date',
      '<CopyObjectResult><ETag>"e"</ETag><LastModified>2009-13-28T22:32:00Z</LastModified></CopyObjectResult>',
    ],
    ['an empty body', ''],
  ])('throws ResponseError for %s', (_name, body) => {
    expect(() => parseCopyObjectResult(body)).toThrow(ResponseError);
  });
});
