import { ResponseError } from '../errors.js';
import { downloadResponse, totalObjectSize } from '../http/response-body.js';
import type { HttpResponse } from '../http/transport.js';
import type { Metadata, ObjectInfo, ObjectResponse } from '../store/types.js';
import { decodeB2Name } from './names.js';
import { type B2File, digestOf } from './wire.js';

const INFO_PREFIX = 'x-bz-info-';

/** Reads object facts from the headers of a download (GET or HEAD) response. */
export function objectInfoFromHeaders(key: string, res: HttpResponse, method: string): ObjectInfo {
  const headers = res.headers;
  const fileInfo: Record<string, string> = {};
  for (const name in headers) {
    if (name.startsWith(INFO_PREFIX))
      fileInfo[name.slice(INFO_PREFIX.length)] = decode(headers[name] as string);
  }
  const timestamp = Number(headers['x-bz-upload-timestamp']);
  const fileId = headers['x-bz-file-id'];
  if (!Number.isSafeInteger(timestamp) || !fileId) {
    throw new ResponseError(
      `${method} response for ${JSON.stringify(key)} lacks x-bz-upload-timestamp or x-bz-file-id`,
      {
        status: res.status,
        method,
      },
    );
  }
  return {
    key,
    size: totalObjectSize(headers, method, res.status),
    etag: digestOf({ contentSha1: headers['x-bz-content-sha1'] ?? null, fileInfo }),
    lastModified: new Date(timestamp),
    contentType: headers['content-type'],
    versionId: fileId,
    metadata: fileInfo as Metadata,
  };
}

/** Object facts from the file JSON of `b2_get_file_info` (or an upload or copy answer). */
export function objectInfoFromFile(file: B2File): ObjectInfo {
  return {
    key: file.fileName,
    size: file.contentLength,
    etag: digestOf(file),
    lastModified: new Date(file.uploadTimestamp),
    contentType: file.contentType ?? undefined,
    versionId: file.fileId ?? undefined,
    metadata: { ...file.fileInfo },
  };
}

/** The decoded file name a download response is for (`x-bz-file-name`), if it said. */
export function fileNameOf(res: HttpResponse): string | undefined {
  const name = res.headers['x-bz-file-name'];
  return name === undefined ? undefined : decode(name);
}

function decode(value: string): string {
  try {
    return decodeB2Name(value);
  } catch {
    return value; // not percent-encoded after all: keep it as sent
  }
}

/** Wraps a download response: object facts plus the body and ways to consume it. */
export function objectResponse(
  key: string,
  res: HttpResponse,
  method: string,
  signal: AbortSignal | undefined,
  unreadTimeoutMs: number,
): ObjectResponse {
  const info = objectInfoFromHeaders(key, res, method);
  const contentLength = Number(res.headers['content-length'] ?? info.size);
  return downloadResponse(info, res.body, contentLength, {
    key,
    method,
    status: res.status,
    signal,
    unreadTimeoutMs,
  });
}
