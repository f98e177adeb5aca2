/**
 * s3func's own AWS Signature Version 4 signer: header signing, presigned URLs and the S3 flavour of
 * URI encoding. Pure functions over strings, with the clock injected; no I/O.
 *
 * @module
 */
export type { CanonicalRequestParts, HeaderInput } from './canonical.js';
export { canonicalRequest, sha256Hex, stringToSign, trimAll } from './canonical.js';
export {
  ALGORITHM,
  EMPTY_SHA256,
  MAX_PRESIGN_EXPIRES_SECONDS,
  SIGNER_HEADERS,
  UNSIGNABLE_HEADERS,
  UNSIGNED_PAYLOAD,
} from './constants.js';
export type { QueryParams } from './encode.js';
export { canonicalQuery, encodeKeyPath, objectPath, uriEncode } from './encode.js';
export type { PathTarget, RequestTarget, SigningCredentials, UrlTarget } from './prepare.js';
export type { PresignInput, PresignOptions } from './presign.js';
export { presignUrl, presignUrlDetailed } from './presign.js';
export type {
  SignatureDetails,
  SignedRequestHeaders,
  SignRequestInput,
  SignRequestOptions,
} from './signer.js';
export { signRequest, signRequestDetailed } from './signer.js';
export { DEFAULT_SIGNING_KEY_CACHE_SIZE, deriveSigningKey, SigningKeyCache } from './signing-key.js';
