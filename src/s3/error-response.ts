/**
 * Turns a non-2xx S3 response into a typed error, reading (a bounded part of) its body.
 *
 * @module
 */
import { PreconditionFailedError, S3Error } from '../errors.js';
import { readBounded } from '../http/response-body.js';
import { parseRetryAfter } from '../http/retry-policy.js';
import type { HttpResponse } from '../http/transport.js';
import { parseErrorBody } from './xml/index.js';

/** Error bodies are small; anything longer is a proxy page or garbage and is not read further. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Codes for statuses that came without an XML body (HEAD requests, proxies). */
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  304: 'NotModified',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  429: 'TooManyRequests',
  500: 'InternalError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** Reads the error body and builds the matching `S3Error` (or `PreconditionFailedError` for 412). */
export async function errorFromResponse(
  res: HttpResponse,
  method: string,
  key: string | undefined,
): Promise<S3Error> {
  const text = await readBounded(res, MAX_ERROR_BODY_BYTES);
  const parsed = text ? parseErrorBody(text) : undefined;
  const requestId = parsed?.requestId ?? res.headers['x-amz-request-id'];
  const fields = { status: res.status, method, key, requestId };
  if (res.status === 412) return new PreconditionFailedError({ ...fields, message: parsed?.message ?? '' });
  return new S3Error({
    ...fields,
    s3Code: parsed?.code ?? STATUS_CODES[res.status] ?? `Http${res.status}`,
    message: parsed?.message ?? (parsed ? '' : describeNonXml(text, res.headers['content-type'])),
    retryAfterMs: parseRetryAfter(res.headers['retry-after']),
    bucketRegion: bucketRegionOf(res.headers['x-amz-bucket-region'], parsed?.region, parsed?.endpoint),
  });
}

/** A region name as S3 spells them (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
const REGION_NAME = /^[a-z0-9-]{1,64}$/;
/** The region in an AWS S3 endpoint host: `bucket.s3.eu-west-1.amazonaws.com`, `s3-eu-west-1.amazonaws.com`. */
const ENDPOINT_REGION = /(?:^|\.)s3[.-]([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * The bucket's region as the store named it: the `x-amz-bucket-region` header (on redirects and
 * on HEAD answers without a body), else the `<Region>` of an `AuthorizationHeaderMalformed` body,
 * else the region in a `PermanentRedirect`'s `<Endpoint>`.
 */
export function bucketRegionOf(
  header: string | undefined,
  bodyRegion: string | undefined,
  endpoint: string | undefined,
): string | undefined {
  for (const candidate of [header?.trim(), bodyRegion, ENDPOINT_REGION.exec(endpoint ?? '')?.[1]]) {
    if (candidate !== undefined && REGION_NAME.test(candidate)) return candidate;
  }
  return undefined;
}

function describeNonXml(text: string, contentType: string | undefined): string {
  if (!text) return '';
  const kind =
    contentType?.includes('html') || /^\s*<(!doctype|html)/i.test(text) ? 'an HTML page' : 'a non-XML body';
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return `the response was ${kind}: ${snippet}`;
}
