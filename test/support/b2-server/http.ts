/**
 * HTTP plumbing of the B2 test server: B2's error answers (`{status, code, message}`), JSON
 * answers, request bodies, and the percent-encoding B2 uses for names in headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answer as B2 sends it: HTTP status, B2's code, a human message. */
export class B2ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** 400 bad_request: B2's answer to any malformed parameter. */
export function badRequest(message: string): B2ApiError {
  return new B2ApiError(400, 'bad_request', message);
}

/** Sends `body` as JSON with status 200 (or `status`). */
export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': bytes.length });
  res.end(bytes);
}

/** Sends a B2 error body; HEAD answers carry the status only, as B2's do. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: B2ApiError): void {
  const bytes = Buffer.from(
    JSON.stringify({ status: error.status, code: error.code, message: error.message }),
  );
  res.writeHead(error.status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': bytes.length,
    'cache-control': 'max-age=0, no-cache, no-store',
    ...error.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A required string parameter. */
export function requireString(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') throw badRequest(`required field ${name} is missing`);
  return value;
}

/** An optional string parameter (null and absent are the same). */
export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`field ${name} must be a string`);
  return value;
}

/** Percent-encodes for a B2 response header (`x-bz-file-name`, `x-bz-info-*`), `/` kept. */
export function encodeName(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

/** Decodes a percent-encoded header value (`+` is a space); a bad encoding is a 400. */
export function decodeName(value: string, what: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`${what} is not valid percent-encoded UTF-8`);
  }
}

/** Parameters of a JSON call sent as a GET with a query (B2 documents read calls that way too). */
export function paramsFromQuery(url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of url.searchParams) params[name] = /^\d+$/.test(value) ? Number(value) : value;
  return params;
}

/** Parameters of a JSON call sent as a POST: the body must be a JSON object (400 bad_json otherwise). */
export function paramsFromJson(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new B2ApiError(400, 'bad_json', 'the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new B2ApiError(400, 'bad_json', 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
