import { ResponseError } from '../errors.js';
import { downloadResponse, totalObjectSize } from '../http/response-body.js';
import type { HttpResponse } from '../http/transport.js';
import type { Metadata, ObjectInfo, ObjectResponse } from '../store/types.js';

const META_PREFIX = 'x-amz-meta-';

/** Strips the quotes S3 puts around ETags (and the weak prefix some proxies add). */
export function unquoteEtag(etag: string | undefined): string {
  if (!etag) return '';
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  return e.length >= 2 && e.startsWith('"') && e.endsWith('"') ? e.slice(1, -1) : e;
}

/** Reads object facts from HEAD or GET response headers. */
export function objectInfoFromHeaders(
  key: string,
  headers: Record<string, string>,
  method: string,
  status: number,
): ObjectInfo {
  const metadata: Metadata = {};
  for (const name in headers) {
    if (name.startsWith(META_PREFIX)) metadata[name.slice(META_PREFIX.length)] = headers[name] as string;
  }
  const lastModified = new Date(headers['last-modified'] ?? Number.NaN);
  if (Number.isNaN(lastModified.getTime())) {
    throw new ResponseError(
      `${method} response for ${JSON.stringify(key)} has no valid Last-Modified header`,
      {
        status,
        method,
      },
    );
  }
  return {
    key,
    size: totalObjectSize(headers, method, status),
    etag: unquoteEtag(headers.etag),
    lastModified,
    contentType: headers['content-type'],
    versionId: headers['x-amz-version-id'],
    metadata,
  };
}

/** Wraps a download response: object facts plus the body and ways to consume it. */
export function objectResponse(
  key: string,
  res: HttpResponse,
  method: string,
  signal: AbortSignal | undefined,
  unreadTimeoutMs: number,
): ObjectResponse {
  const info = objectInfoFromHeaders(key, res.headers, method, res.status);
  const contentLength = Number(res.headers['content-length'] ?? info.size);
  return downloadResponse(info, res.body, contentLength, {
    key,
    method,
    status: res.status,
    signal,
    unreadTimeoutMs,
  });
}
