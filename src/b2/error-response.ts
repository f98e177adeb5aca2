/**
 * Turns a non-2xx B2 response into a `B2Error`, reading its JSON body (`{status, code, message}`)
 * and its `Retry-After`, and names the codes the client reacts to.
 *
 * @module
 */
import { B2Error } from '../errors.js';
import { readBounded } from '../http/response-body.js';
import { parseRetryAfter } from '../http/retry-policy.js';
import type { HttpResponse } from '../http/transport.js';

/** Error bodies are small JSON objects; a longer body is a proxy page and is not read further. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;

/**
 * Codes for statuses that arrive without a JSON body (HEAD requests, proxies, dropped bodies),
 * using B2's own code for that status where it documents one.
 */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'access_denied',
  404: 'not_found',
  408: 'request_timeout',
  416: 'range_not_satisfiable',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

/**
 * 401 codes that mean "this token is no good any more": call `b2_authorize_account` (or, for an
 * upload URL, `b2_get_upload_url`) again and repeat the request (Backblaze "Calling the API").
 */
const STALE_TOKEN_CODES: ReadonlySet<string> = new Set(['expired_auth_token', 'bad_auth_token']);

/** True when `error` says the authorization token used was expired or not valid. */
export function isStaleTokenError(error: unknown): error is B2Error {
  return error instanceof B2Error && error.status === 401 && STALE_TOKEN_CODES.has(error.b2Code);
}

/** True when `error` is a B2 error with this status and code. */
export function isB2Code(error: unknown, status: number, code: string): error is B2Error {
  return error instanceof B2Error && error.status === status && error.b2Code === code;
}

/** Reads the error body of `res` and builds the matching `B2Error`. */
export async function b2ErrorFromResponse(
  res: HttpResponse,
  method: string,
  key: string | undefined,
): Promise<B2Error> {
  const text = await readBounded(res, MAX_ERROR_BODY_BYTES);
  const parsed = parseErrorBody(text);
  return new B2Error({
    status: res.status,
    method,
    key,
    b2Code: parsed?.code ?? STATUS_CODES[res.status] ?? `http_${res.status}`,
    message: parsed?.message ?? describeOther(text),
    retryAfterMs: parseRetryAfter(res.headers['retry-after']),
  });
}

function parseErrorBody(text: string): { code: string; message: string } | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body?.code !== 'string') return undefined;
    return { code: body.code, message: typeof body.message === 'string' ? body.message : '' };
  } catch {
    return undefined;
  }
}

function describeOther(text: string): string {
  if (!text) return '';
  return `the response was not a B2 error body: ${text.replace(/\s+/g, ' ').trim().slice(0, 120)}`;
}
