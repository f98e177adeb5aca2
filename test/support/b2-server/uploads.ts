/**
 * Uploads on the B2 test server: `b2_upload_file` and `b2_upload_part` (bodies on upload URLs,
 * SHA-1 verified), and the JSON calls of large files (start, part URL, finish, cancel).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UploadGrant } from './accounts.js';
import type { ApiHandler } from './api.js';
import type { FileVersion } from './bucket.js';
import { B2ApiError, badRequest, decodeName, requireString } from './http.js';
import { checkContentType, checkFileInfo, checkFileName, verifySha1 } from './rules.js';
import type { ServerState } from './state.js';

const sha1Of = (data: Buffer) => createHash('sha1').update(data).digest('hex');
/** Part numbers run from 1 to 10,000 (`b2_upload_part`). */
const MAX_PART_NUMBER = 10_000;

function contentLengthOf(req: IncomingMessage, body: Buffer): void {
  // B2 needs Content-Length: chunked transfer encoding is not supported (`b2_upload_file`)
  const declared = req.headers['content-length'];
  if (declared === undefined) throw badRequest('Missing header: Content-Length');
  if (Number(declared) !== body.length) throw badRequest('Content-Length does not match the body');
}

/** `POST /b2api/v3/b2_upload_file/{bucketId}/{urlId}` with the file as the body; `grant` is the URL's, checked and busy. */
export function uploadFile(
  state: ServerState,
  req: IncomingMessage,
  grant: UploadGrant,
  body: Buffer,
): unknown {
  const bucket = state.bucket(grant.bucketId);
  contentLengthOf(req, body);
  const nameHeader = req.headers['x-bz-file-name'];
  if (typeof nameHeader !== 'string') throw badRequest('Missing header: X-Bz-File-Name');
  const fileName = decodeName(nameHeader, 'X-Bz-File-Name');
  checkFileName(fileName);
  const info: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-bz-info-') && typeof value === 'string') {
      info[name.slice('x-bz-info-'.length)] = decodeName(value, name);
    }
  }
  const fileInfo = checkFileInfo(fileName, info);
  const contentType = checkContentType(req.headers['content-type'], fileName);
  const sha1Header = req.headers['x-bz-content-sha1'] as string | undefined;
  const record = { api: 'b2_upload_file' as const, fileName, sha1Header, verified: false };
  state.uploads.push(record);
  const { data, sha1, verified } = verifySha1(sha1Header, body, sha1Of);
  record.verified = verified;
  const version = state.addVersion(bucket, {
    fileName,
    action: 'upload',
    data,
    contentSha1: sha1,
    contentType,
    fileInfo,
  });
  return state.fileJson(bucket, version);
}

/** `POST /b2api/v3/b2_upload_part/{fileId}/{urlId}` with one part as the body; `grant` as for uploads. */
export function uploadPart(
  state: ServerState,
  req: IncomingMessage,
  grant: UploadGrant,
  body: Buffer,
): unknown {
  contentLengthOf(req, body);
  const large = unfinished(state, grant.largeFileId ?? '');
  const partNumber = Number(req.headers['x-bz-part-number']);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw badRequest('X-Bz-Part-Number must be between 1 and 10000');
  }
  const sha1Header = req.headers['x-bz-content-sha1'] as string | undefined;
  const record = { api: 'b2_upload_part' as const, fileName: large.fileName, sha1Header, verified: false };
  state.uploads.push(record);
  const { data, sha1, verified } = verifySha1(sha1Header, body, sha1Of);
  record.verified = verified;
  large.parts?.set(partNumber, { data, sha1 });
  return { fileId: large.fileId, partNumber, contentLength: data.length, contentSha1: sha1 };
}

function unfinished(state: ServerState, fileId: string): FileVersion {
  const found = state.findFile(fileId);
  if (found?.version.action !== 'start') throw badRequest(`no such unfinished large file: ${fileId}`);
  return found.version;
}

/** The JSON calls of large files. */
export const LARGE_FILE_HANDLERS: Readonly<Record<string, ApiHandler>> = {
  b2_start_large_file(state, _grant, params) {
    const bucket = state.bucket(requireString(params, 'bucketId'));
    const fileName = requireString(params, 'fileName');
    checkFileName(fileName);
    const info = params.fileInfo ?? {};
    if (typeof info !== 'object' || info === null) throw badRequest('fileInfo must be an object');
    const version = state.addVersion(bucket, {
      fileName,
      action: 'start',
      data: Buffer.alloc(0),
      contentSha1: 'none',
      contentType: checkContentType(requireString(params, 'contentType'), fileName),
      fileInfo: checkFileInfo(fileName, info as Record<string, unknown>),
      parts: new Map(),
    });
    return state.fileJson(bucket, version);
  },

  b2_get_upload_part_url(state, _grant, params) {
    const large = unfinished(state, requireString(params, 'fileId'));
    const found = state.findFile(large.fileId);
    const { id, token } = state.accounts.newUpload(found?.bucket.bucketId ?? '', large.fileId);
    return {
      fileId: large.fileId,
      uploadUrl: `${state.baseUrl}/b2api/v3/b2_upload_part/${large.fileId}/${id}`,
      authorizationToken: token,
    };
  },

  b2_finish_large_file(state, _grant, params) {
    const large = unfinished(state, requireString(params, 'fileId'));
    const sha1s = params.partSha1Array;
    if (!Array.isArray(sha1s) || sha1s.length === 0) throw badRequest('partSha1Array is required');
    const parts = large.parts ?? new Map();
    const data: Buffer[] = [];
    sha1s.forEach((sha1, i) => {
      const part = parts.get(i + 1);
      if (!part) throw new B2ApiError(400, 'missing_part', `Part number ${i + 1} has not been uploaded`);
      if (part.sha1 !== sha1) throw badRequest(`Part number ${i + 1} has a different SHA1`);
      if (i < sha1s.length - 1 && part.data.length < state.options.minimumPartSize) {
        throw badRequest(`Part number ${i + 1} is smaller than ${state.options.minimumPartSize} bytes`);
      }
      data.push(part.data);
    });
    const found = state.findFile(large.fileId);
    if (!found) throw badRequest('large file vanished');
    large.action = 'upload';
    large.data = Buffer.concat(data);
    delete large.parts;
    return state.fileJson(found.bucket, large);
  },

  b2_cancel_large_file(state, _grant, params) {
    const large = unfinished(state, requireString(params, 'fileId'));
    const found = state.findFile(large.fileId);
    found?.bucket.remove(large);
    return {
      accountId: state.accounts.accountId,
      bucketId: found?.bucket.bucketId,
      fileId: large.fileId,
      fileName: large.fileName,
    };
  },
};
