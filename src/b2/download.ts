/**
 * Reading objects: `b2_download_file_by_name` (GET and HEAD), `b2_download_file_by_id` for a
 * version, `b2_get_file_info` for a version's facts. B2 has no conditional reads, so `ifMatch` is
 * checked against the SHA-1 of the very response that is returned, which is just as atomic.
 *
 * @module
 */

import { B2Error, PreconditionFailedError } from '../errors.js';
import { discard } from '../http/response-body.js';
import type { HttpResponse } from '../http/transport.js';
import { DEFAULT_TRANSPORT } from '../http/transport.js';
import type { ObjectInfo, ObjectResponse } from '../store/types.js';
import { API_PATH } from './auth.js';
import type { B2Client } from './client.js';
import { encodeB2Name } from './names.js';
import { fileNameOf, objectInfoFromFile, objectInfoFromHeaders, objectResponse } from './object-response.js';
import { asFile } from './wire.js';

/** What to read. */
export interface ReadSpec {
  bucket: string;
  key: string;
  /** A file id: read that version rather than the latest. */
  versionId?: string | undefined;
  /** `Range` header value. */
  range?: string | undefined;
  ifMatch?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Fetches an object (or one version of it); the body is left for the caller to stream. */
export async function fetchObject(client: B2Client, spec: ReadSpec): Promise<ObjectResponse> {
  const operation = spec.versionId === undefined ? 'b2_download_file_by_name' : 'b2_download_file_by_id';
  const res = await client.download({
    operation,
    method: 'GET',
    path: downloadPath(spec),
    headers: { range: spec.range },
    key: spec.key,
    signal: spec.signal,
  });
  try {
    checkName(spec, res, operation);
    const response = objectResponse(
      spec.key,
      res,
      operation,
      spec.signal,
      client.options.transport.idleTimeoutMs ?? DEFAULT_TRANSPORT.idleTimeoutMs,
    );
    checkEtag(spec, response, operation);
    return response;
  } catch (error) {
    await discard(res.body);
    throw error;
  }
}

/** An object's facts without its body: HEAD on the download URL, or `b2_get_file_info` for a version. */
export async function headObject(client: B2Client, spec: ReadSpec): Promise<ObjectInfo> {
  let info: ObjectInfo;
  if (spec.versionId === undefined) {
    const operation = 'b2_download_file_by_name';
    const res = await client.download({
      operation,
      method: 'HEAD',
      path: downloadPath(spec),
      key: spec.key,
      signal: spec.signal,
    });
    await discard(res.body);
    info = objectInfoFromHeaders(spec.key, res, operation);
  } else {
    const api = 'b2_get_file_info';
    const file = asFile(
      await client.callApi({
        api,
        body: { fileId: spec.versionId },
        key: spec.key,
        safety: 'idempotent',
        signal: spec.signal,
      }),
      api,
    );
    // a hide marker has no content to describe, and another name's version is not this key's
    if (file.fileName !== spec.key || file.action !== 'upload') throw notFound(spec, api);
    info = objectInfoFromFile(file);
  }
  checkEtag(spec, info, 'headObject');
  return info;
}

function downloadPath(spec: ReadSpec): string {
  if (spec.versionId === undefined) return `/file/${encodeB2Name(spec.bucket)}/${encodePath(spec.key)}`;
  return `${API_PATH}/b2_download_file_by_id?fileId=${encodeURIComponent(spec.versionId)}`;
}

/**
 * A file name as a URL path: percent-encoded, with `.` and `..` segments encoded too, so that no
 * client, proxy or server resolves them as relative paths (a file may well be called `../x`).
 */
function encodePath(key: string): string {
  return encodeB2Name(key)
    .split('/')
    .map((segment) => (segment === '.' || segment === '..' ? segment.replace(/\./g, '%2E') : segment))
    .join('/');
}

/** A version fetched by id must belong to the key asked for, as S3 versions do. */
function checkName(spec: ReadSpec, res: HttpResponse, operation: string): void {
  if (spec.versionId === undefined) return;
  const name = fileNameOf(res);
  if (name !== undefined && name !== spec.key) throw notFound(spec, operation);
}

function checkEtag(spec: ReadSpec, info: Pick<ObjectInfo, 'etag'>, method: string): void {
  if (spec.ifMatch === undefined) return;
  const wanted = spec.ifMatch.replace(/^"|"$/g, '').toLowerCase();
  if (wanted === '*' || wanted === info.etag) return;
  throw new PreconditionFailedError({
    status: 412,
    method,
    key: spec.key,
    message: `the object's SHA-1 is ${info.etag || '(none)'}, not ${wanted} (checked by the client: B2 has no If-Match)`,
  });
}

function notFound(spec: ReadSpec, method: string): B2Error {
  return new B2Error({
    status: 404,
    method,
    key: spec.key,
    b2Code: 'not_found',
    message: `version ${JSON.stringify(spec.versionId)} is not a file version of this key`,
  });
}
