/**
 * Downloads on the B2 test server: `GET|HEAD /file/{bucketName}/{fileName}` (the latest version,
 * 404 when missing or hidden) and `GET /b2api/v3/b2_download_file_by_id?fileId=…`, with ranges.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenGrant } from './accounts.js';
import type { FileVersion } from './bucket.js';
import { B2ApiError } from './http.js';
import type { ServerState } from './state.js';

const notFound = (what: string) =>
  new B2ApiError(404, 'not_found', `File with such name does not exist: ${what}`);

/** The version a by-name download is for; the path is `/file/{bucket}/{name}`, percent-encoded. */
export function versionByName(state: ServerState, grant: TokenGrant, path: string): FileVersion {
  const match = /^\/file\/([^/]+)\/(.+)$/.exec(path);
  if (!match)
    throw new B2ApiError(400, 'bad_request', 'the download path must be /file/{bucketName}/{fileName}');
  let bucketName: string;
  let fileName: string;
  try {
    bucketName = decodeURIComponent(match[1] as string);
    fileName = decodeURIComponent(match[2] as string);
  } catch {
    throw new B2ApiError(400, 'bad_request', 'the file name is not valid percent-encoded UTF-8');
  }
  const bucket = state.bucketByName(bucketName);
  if (!bucket) throw new B2ApiError(404, 'not_found', `bucket does not exist: ${bucketName}`);
  if (grant.key.bucketName !== undefined && grant.key.bucketName !== bucketName) {
    throw new B2ApiError(401, 'unauthorized', 'the application key is not allowed to read this bucket');
  }
  const latest = bucket.latest(fileName);
  if (latest?.action !== 'upload') throw notFound(fileName);
  return latest;
}

/** The version a by-id download is for. */
export function versionById(state: ServerState, url: URL): FileVersion {
  const fileId = url.searchParams.get('fileId');
  if (!fileId) throw new B2ApiError(400, 'bad_request', 'fileId is required');
  const found = state.findFile(fileId);
  if (found?.version.action !== 'upload') throw notFound(fileId);
  return found.version;
}

/** Sends a version's bytes (or the requested range) with B2's download headers. */
export function sendVersion(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  v: FileVersion,
): void {
  const headers = state.downloadHeaders(v);
  const size = v.data.length;
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    throw new B2ApiError(416, 'range_not_satisfiable', `the range is not satisfiable for ${size} bytes`, {
      'content-range': `bytes */${size}`,
    });
  }
  const [start, end] = range ?? [0, size - 1];
  const body = v.data.subarray(start, end + 1);
  headers['content-length'] = String(body.length);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Parses one `bytes=` range (RFC 9110): undefined for none or an unparseable header (whole file). */
function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}
