/**
 * The error hierarchy (src/errors.ts): S3 and B2 error responses share `RequestError`, with the
 * same fields and the same message shape, and keep their own store code and error code.
 */
import { describe, expect, it } from 'vitest';
import {
  B2Error,
  isNotFound,
  isRetryableError,
  PreconditionFailedError,
  RequestError,
  S3Error,
  S3funcError,
} from '../../src/index.js';

describe('request errors', () => {
  const fields = {
    status: 503,
    method: 'PUT',
    key: 'a/b',
    requestId: 'r-1',
    retryAfterMs: 2000,
    attempts: 3,
  };

  it('S3 and B2 error responses are RequestErrors with the same fields and message shape', () => {
    const s3 = new S3Error({ ...fields, s3Code: 'SlowDown', message: 'Reduce your request rate' });
    const b2 = new B2Error({ ...fields, b2Code: 'service_unavailable', message: 'try again' });
    for (const error of [s3, b2]) {
      expect(error).toBeInstanceOf(RequestError);
      expect(error).toBeInstanceOf(S3funcError);
      expect(error).toMatchObject({
        status: 503,
        method: 'PUT',
        key: 'a/b',
        requestId: 'r-1',
        retryAfterMs: 2000,
        attempts: 3,
      });
      expect(isRetryableError(error)).toBe(true);
    }
    expect(s3.message).toBe('PUT failed with 503 SlowDown (key "a/b"): Reduce your request rate');
    expect(b2.message).toBe('PUT failed with 503 service_unavailable (key "a/b"): try again');
    expect([s3.code, s3.s3Code, b2.code, b2.b2Code]).toEqual([
      'ERR_S3',
      'SlowDown',
      'ERR_B2',
      'service_unavailable',
    ]);
    expect(b2).not.toBeInstanceOf(S3Error);
  });

  it('a 404 of either store is "not found"; a 412 is a PreconditionFailedError, never retried', () => {
    expect(isNotFound(new S3Error({ status: 404, method: 'GET', s3Code: 'NoSuchKey' }))).toBe(true);
    expect(isNotFound(new B2Error({ status: 404, method: 'GET', b2Code: 'not_found' }))).toBe(true);
    expect(isNotFound(new B2Error({ status: 400, method: 'GET', b2Code: 'bad_request' }))).toBe(false);
    const refused = new PreconditionFailedError({ status: 412, method: 'PUT', key: 'k' });
    expect(refused).toBeInstanceOf(RequestError);
    expect([refused.code, refused.s3Code, isRetryableError(refused)]).toEqual([
      'ERR_PRECONDITION_FAILED',
      'PreconditionFailed',
      false,
    ]);
  });
});
