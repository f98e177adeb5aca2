/**
 * The named quirks of AWS Signature Version 4 as S3 applies it. Each constant says why it exists.
 *
 * @module
 */

/** The only algorithm SigV4 defines; it opens the string to sign and the `Authorization` header. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** The last element of every credential scope (`date/region/service/aws4_request`). */
export const SCOPE_TERMINATOR = 'aws4_request';

/** The service name S3 signs with. */
export const S3_SERVICE = 's3';

/**
 * Stands in for the payload hash when the body is not hashed (large or streamed uploads, presigned
 * URLs). S3 then skips the body check, so integrity rests on TLS and `Content-MD5`.
 */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** SHA-256 of the empty string: the payload hash of every request without a body (GET, HEAD, DELETE). */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** S3 refuses presigned URLs that live longer than 7 days (604 800 s), whatever the credentials allow. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

/**
 * Headers never signed, even when the caller passes them. Signing a header that something between us
 * and S3 may add, drop or rewrite turns a working request into `SignatureDoesNotMatch`.
 */
export const UNSIGNABLE_HEADERS: ReadonlySet<string> = new Set([
  // the signature itself travels in it
  'authorization',
  // agents and proxies replace or append to it
  'user-agent',
  // undici and proxies may drop `100-continue` or answer it themselves
  'expect',
  // proxies may re-frame the body (chunked ↔ fixed length), and undici computes it itself
  'content-length',
  // hop-by-hop headers (RFC 9110 §7.6.1): every proxy removes or rewrites them
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // each proxy must decrement it (RFC 9110 §7.6.2)
  'max-forwards',
  // AWS X-Ray and load balancers add or rewrite it in flight
  'x-amzn-trace-id',
]);

/**
 * Headers the signer writes itself. A caller's values for them are ignored: the signer's are the
 * ones sent and signed (pass a session token in the credentials, not as a header).
 */
export const SIGNER_HEADERS: ReadonlySet<string> = new Set([
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
]);
