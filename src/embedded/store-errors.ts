/**
 * The errors the embedded stores throw: the same classes, statuses and S3 codes an S3 server
 * would produce, so code written against `MemorySession` or `FileSession` handles `S3Session`'s
 * errors unchanged (`isNotFound`, `instanceof PreconditionFailedError`).
 *
 * @module
 */
import { NetworkError, PreconditionFailedError, S3Error } from '../errors.js';

/** HTTP method names, as `S3Error.method` reports them. */
export type Method = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST';

/** S3 answers HEAD without a body, so the code is derived from the status (as `S3Session` does). */
const HEAD_NOT_FOUND = 'NotFound';

/** 404 for a missing key: `NoSuchKey`, or `NotFound` for HEAD. */
export function noSuchKey(method: Method, key: string): S3Error {
  return new S3Error({
    status: 404,
    method,
    key,
    s3Code: method === 'HEAD' ? HEAD_NOT_FOUND : 'NoSuchKey',
    message: 'The specified key does not exist.',
  });
}

/** 404 for a version id the key does not have. */
export function noSuchVersion(method: Method, key: string): S3Error {
  return new S3Error({
    status: 404,
    method,
    key,
    s3Code: method === 'HEAD' ? HEAD_NOT_FOUND : 'NoSuchVersion',
    message: 'The specified version does not exist.',
  });
}

/** 405, AWS's answer to reading a delete marker by its version id. */
export function deleteMarkerRead(method: Method, key: string): S3Error {
  return new S3Error({
    status: 405,
    method,
    key,
    s3Code: 'MethodNotAllowed',
    message: 'The specified method is not allowed against a delete marker.',
  });
}

/** 412: an `ifMatch` or `ifNoneMatch` condition did not hold. */
export function preconditionFailed(method: Method, key: string): PreconditionFailedError {
  return new PreconditionFailedError({
    status: 412,
    method,
    key,
    message: 'At least one of the preconditions you specified did not hold.',
  });
}

/** 416: the range starts at or after the end of the object. */
export function invalidRange(method: Method, key: string, size: number): S3Error {
  return new S3Error({
    status: 416,
    method,
    key,
    s3Code: 'InvalidRange',
    message: `The requested range is not satisfiable (object size ${size}).`,
  });
}

/** What `S3Session` throws after `close()`, so both fail alike. */
export function sessionClosed(method: Method, key: string | undefined): NetworkError {
  return new NetworkError('the session is closed', { method, key, sent: false });
}
