/**
 * Presigned URLs: SigV4 with the authentication in the query string, so a URL alone grants one
 * operation until it expires.
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
import { ALGORITHM, MAX_PRESIGN_EXPIRES_SECONDS, S3_SERVICE, UNSIGNED_PAYLOAD } from './constants.js';
import { joinSortedPairs, uriEncode } from './encode.js';
import {
  checkSigningInput,
  type RequestTarget,
  resolveTarget,
  type SigningCredentials,
  toAmzDate,
} from './prepare.js';
import type { SignatureDetails } from './signer.js';
import { defaultSigningKeyCache, type SigningKeyCache } from './signing-key.js';

/** Query parameters the presigner writes; a target that already has one of them is refused. */
const AUTH_PARAMS: ReadonlySet<string> = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
]);

/** What {@link presignUrl} needs to know, besides where the request goes. */
export interface PresignOptions {
  /** HTTP method the URL is for (`GET`, `PUT`, …). */
  readonly method: string;
  /**
   * Scheme, host and port of the URL, such as `http://127.0.0.1:7480`, for a `host` + `path`
   * target (a `URL` target brings its own). @defaultValue `https://${host}`
   */
  readonly origin?: string | undefined;
  /** Seconds the URL stays valid: an integer from 1 to 604 800 (7 days, S3's limit). */
  readonly expiresIn: number;
  /** The credentials to sign with. Temporary credentials cap the lifetime at their own expiry. */
  readonly credentials: SigningCredentials;
  /** The region, such as `us-east-1`. */
  readonly region: string;
  /** The service name. @defaultValue `'s3'` */
  readonly service?: string | undefined;
  /** When the URL starts being valid (the signing time). @defaultValue `new Date()` */
  readonly now?: Date | undefined;
  /**
   * Extra headers to bind to the URL (such as `content-type` for an upload); whoever uses the URL
   * must send them with exactly these values. `host` is always signed.
   */
  readonly headers?: HeaderInput | undefined;
  /** Where signing keys are cached. @defaultValue the module's shared cache */
  readonly signingKeyCache?: SigningKeyCache | undefined;
}

/** A URL to presign: where the request goes (a `URL`, or `host` + encoded `path` + `query`) and how. */
export type PresignInput = RequestTarget & PresignOptions;

/**
 * Builds a presigned URL (query-string authentication) with `X-Amz-Algorithm`, `X-Amz-Credential`,
 * `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (temporary
 * credentials only) and `X-Amz-Signature`. The payload is `UNSIGNED-PAYLOAD`.
 *
 * @example
 * ```ts
 * const url = presignUrl({
 *   method: 'GET',
 *   host: 'my-bucket.s3.amazonaws.com',
 *   path: objectPath('report.pdf'),
 *   expiresIn: 3600,
 *   credentials: { accessKeyId, secretAccessKey },
 *   region: 'us-east-1',
 * });
 * ```
 * @throws ConfigError when `expiresIn` is not an integer from 1 to 604 800, or the input is unusable
 */
export function presignUrl(input: PresignInput): string {
  return presignUrlDetailed(input).url;
}

/** Like {@link presignUrl}, and also returns every intermediate stage of the signature. */
export function presignUrlDetailed(input: PresignInput): SignatureDetails & { url: string } {
  const { credentials, region, expiresIn } = input;
  const service = input.service ?? S3_SERVICE;
  checkSigningInput(credentials, region, service);
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new ConfigError(
      `expiresIn must be an integer number of seconds from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} (7 days), got ${typeof expiresIn === 'number' ? expiresIn : typeof expiresIn}`,
      'expiresIn',
    );
  }
  const target = resolveTarget(input);
  const amzDate = toAmzDate(input.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const scope = credentialScope(date, region, service);
  const { canonicalHeaders, signedHeaders } = buildCanonicalHeaders(input.headers, target.host, []);

  const pairs = splitCanonicalQuery(target.canonicalQuery);
  pairs.push(
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', uriEncode(`${credentials.accessKeyId}/${scope}`)],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expiresIn)],
    ['X-Amz-SignedHeaders', uriEncode(signedHeaders)],
  );
  const token = credentials.sessionToken;
  if (token !== undefined && token.length > 0) pairs.push(['X-Amz-Security-Token', uriEncode(token)]);
  const query = joinSortedPairs(pairs);

  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri: target.canonicalUri,
    canonicalQuery: query,
    canonicalHeaders,
    signedHeaders,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const toSign = stringToSign(amzDate, scope, canonical);
  const key = (input.signingKeyCache ?? defaultSigningKeyCache).get(
    credentials.secretAccessKey,
    date,
    region,
    service,
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const origin = input.url === undefined ? (input.origin ?? target.origin) : target.origin;
  const url = `${origin}${target.canonicalUri}?${query}&X-Amz-Signature=${signature}`;
  return {
    url,
    canonicalRequest: canonical,
    stringToSign: toSign,
    signature,
    signedHeaders,
    credentialScope: scope,
    amzDate,
  };
}

/** Splits a canonical (already encoded) query string back into pairs, refusing auth parameters. */
function splitCanonicalQuery(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (query.length === 0) return pairs;
  for (const part of query.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (AUTH_PARAMS.has(name)) {
      throw new ConfigError(`the URL to presign already has a ${name} parameter`, 'query');
    }
    pairs.push([name, eq === -1 ? '' : part.slice(eq + 1)]);
  }
  return pairs;
}
