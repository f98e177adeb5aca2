/**
 * Signing a request with the `Authorization` header (AWS Signature Version 4, payload in a single
 * chunk). Pure: the time comes from `now`, nothing is sent.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import {
  buildCanonicalHeaders,
  canonicalRequest,
  credentialScope,
  type HeaderInput,
  stringToSign,
} from './canonical.js';
import { ALGORITHM, S3_SERVICE } from './constants.js';
import {
  checkSigningInput,
  type RequestTarget,
  resolveTarget,
  type SigningCredentials,
  toAmzDate,
} from './prepare.js';
import { defaultSigningKeyCache, type SigningKeyCache } from './signing-key.js';

/** What {@link signRequest} needs to know about a request, besides where it goes. */
export interface SignRequestOptions {
  /** HTTP method exactly as it will be sent (`GET`, `PUT`, …). */
  readonly method: string;
  /**
   * Headers that will be sent. All are signed (names lowercased, values trimmed) except the
   * unsignable ones (`user-agent`, `content-length`, hop-by-hop headers, …). `authorization`,
   * `x-amz-date`, `x-amz-content-sha256` and `x-amz-security-token` are the signer's and ignored here.
   */
  readonly headers?: HeaderInput | undefined;
  /** Hex SHA-256 of the body, `EMPTY_SHA256` for no body, or `UNSIGNED_PAYLOAD`. */
  readonly payloadHash: string;
  /** The credentials to sign with. */
  readonly credentials: SigningCredentials;
  /** The region, such as `us-east-1` (`auto` for R2, the zone group for Ceph). */
  readonly region: string;
  /** The service name. @defaultValue `'s3'` */
  readonly service?: string | undefined;
  /** The request time. @defaultValue `new Date()` */
  readonly now?: Date | undefined;
  /** Where signing keys are cached. @defaultValue the module's shared cache */
  readonly signingKeyCache?: SigningKeyCache | undefined;
}

/**
 * A request to sign: where it goes (a `URL`, or `host` + encoded `path` + `query`) and what it
 * carries.
 */
export type SignRequestInput = RequestTarget & SignRequestOptions;

/** The headers to add to the request so that it is signed. */
export interface SignedRequestHeaders {
  /** `AWS4-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` */
  authorization: string;
  /** The request time, `YYYYMMDD'T'HHMMSS'Z'`. */
  'x-amz-date': string;
  /** The payload hash that was signed. */
  'x-amz-content-sha256': string;
  /** The session token, when the credentials have one. */
  'x-amz-security-token'?: string;
}

/** Every stage of a signature, for debugging `SignatureDoesNotMatch` (S3 returns its canonical request). */
export interface SignatureDetails {
  /** The canonical request that was hashed. */
  readonly canonicalRequest: string;
  /** The string that was signed. */
  readonly stringToSign: string;
  /** The signature, lowercase hex. */
  readonly signature: string;
  /** The signed header names, `;`-separated. */
  readonly signedHeaders: string;
  /** `date/region/service/aws4_request`. */
  readonly credentialScope: string;
  /** The request time, `YYYYMMDD'T'HHMMSS'Z'`. */
  readonly amzDate: string;
}

/**
 * Signs a request and returns the headers to add: `authorization`, `x-amz-date`,
 * `x-amz-content-sha256`, and `x-amz-security-token` when the credentials carry a session token.
 *
 * @example
 * ```ts
 * const headers = signRequest({
 *   method: 'GET',
 *   host: 'my-bucket.s3.amazonaws.com',
 *   path: objectPath('reports/q1.csv'),
 *   headers: { range: 'bytes=0-9' },
 *   payloadHash: EMPTY_SHA256,
 *   credentials: { accessKeyId, secretAccessKey },
 *   region: 'us-east-1',
 * });
 * ```
 * @throws ConfigError when credentials, region, target or `now` are unusable
 */
export function signRequest(input: SignRequestInput): SignedRequestHeaders {
  return signRequestDetailed(input).headers;
}

/**
 * Like {@link signRequest}, and also returns every intermediate stage of the signature.
 */
export function signRequestDetailed(
  input: SignRequestInput,
): SignatureDetails & { headers: SignedRequestHeaders } {
  const { credentials, region } = input;
  const service = input.service ?? S3_SERVICE;
  checkSigningInput(credentials, region, service);
  if (typeof input.payloadHash !== 'string' || input.payloadHash.length === 0) {
    throw new ConfigError(
      'payloadHash must be a hex SHA-256, EMPTY_SHA256 or UNSIGNED_PAYLOAD',
      'payloadHash',
    );
  }
  const target = resolveTarget(input);
  const amzDate = toAmzDate(input.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const token = credentials.sessionToken;
  const hasToken = token !== undefined && token.length > 0;

  const own: [string, string][] = [
    ['x-amz-content-sha256', input.payloadHash],
    ['x-amz-date', amzDate],
  ];
  if (hasToken) own.push(['x-amz-security-token', token]);
  const { canonicalHeaders, signedHeaders } = buildCanonicalHeaders(input.headers, target.host, own);

  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri: target.canonicalUri,
    canonicalQuery: target.canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash: input.payloadHash,
  });
  const scope = credentialScope(date, region, service);
  const toSign = stringToSign(amzDate, scope, canonical);
  const key = (input.signingKeyCache ?? defaultSigningKeyCache).get(
    credentials.secretAccessKey,
    date,
    region,
    service,
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');

  const headers: SignedRequestHeaders = {
    authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': input.payloadHash,
  };
  if (hasToken) headers['x-amz-security-token'] = token;
  return {
    headers,
    canonicalRequest: canonical,
    stringToSign: toSign,
    signature,
    signedHeaders,
    credentialScope: scope,
    amzDate,
  };
}
