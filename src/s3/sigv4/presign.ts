/**
 * Presigned URLs: SigV4 with the authentication in the query string, so a URL alone grants one
 * operation until it expires. The stages are those of header signing (`sign.ts`); only the query
 * and the payload hash differ.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import {
  ALGORITHM,
  buildCanonicalHeaders,
  checkSigningInput,
  credentialScope,
  type HeaderInput,
  joinSortedPairs,
  type RequestTarget,
  resolveTarget,
  type SignatureDetails,
  type SigningOptions,
  signCanonicalRequest,
  toAmzDate,
  UNSIGNED_PAYLOAD,
  uriEncode,
} from './sign.js';

/** S3 refuses presigned URLs that live longer than 7 days (604 800 s), whatever the credentials allow. */
const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

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
interface PresignOptions extends SigningOptions {
  /**
   * Scheme, host and port of the URL, such as `http://127.0.0.1:7480`, for a `host` + `path`
   * target (a `URL` target brings its own). @defaultValue `https://${host}`
   */
  readonly origin?: string | undefined;
  /** Seconds the URL stays valid: an integer from 1 to 604 800 (7 days, S3's limit). */
  readonly expiresIn: number;
  /**
   * Extra headers to bind to the URL (such as `content-type` for an upload); whoever uses the URL
   * must send them with exactly these values. `host` is always signed.
   */
  readonly headers?: HeaderInput | undefined;
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
 * import { presignUrl } from 's3func';
 *
 * const url = presignUrl({
 *   method: 'GET',
 *   host: 'my-bucket.s3.amazonaws.com',
 *   path: '/reports/2024%20Q1.pdf', // the key "reports/2024 Q1.pdf", percent-encoded once
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
  const service = checkSigningInput(input);
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new ConfigError(
      `expiresIn must be an integer number of seconds from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} (7 days), got ${typeof expiresIn === 'number' ? expiresIn : typeof expiresIn}`,
      'expiresIn',
    );
  }
  const target = resolveTarget(input);
  const amzDate = toAmzDate(input.now ?? new Date());
  const scope = credentialScope(amzDate.slice(0, 8), region, service);
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

  const details = signCanonicalRequest(input, service, amzDate, scope, {
    method: input.method,
    canonicalUri: target.canonicalUri,
    canonicalQuery: query,
    canonicalHeaders,
    signedHeaders,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const origin = input.url === undefined ? (input.origin ?? target.origin) : target.origin;
  return Object.assign(details, {
    url: `${origin}${target.canonicalUri}?${query}&X-Amz-Signature=${details.signature}`,
  });
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
