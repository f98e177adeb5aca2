/**
 * The JSON calls of the B2 test server (`POST /b2api/v3/<name>`), each answering with B2's JSON or
 * the error B2 documents for the situation.
 */
import type { TokenGrant } from './accounts.js';
import type { BucketState, ListParams } from './bucket.js';
import { B2ApiError, badRequest, optionalString, requireString } from './http.js';
import { checkContentType, checkFileInfo, checkFileName } from './rules.js';
import type { ServerState } from './state.js';

/** A JSON call: the server's state, the caller's token grant, the parsed parameters. */
export type ApiHandler = (state: ServerState, grant: TokenGrant, params: Record<string, unknown>) => unknown;

/** A bucket the key may use: restricted keys see only their own (401 unauthorized otherwise). */
function allowedBucket(state: ServerState, grant: TokenGrant, bucketId: string): BucketState {
  const bucket = state.bucket(bucketId);
  if (grant.key.bucketName !== undefined && grant.key.bucketName !== bucket.bucketName) {
    throw new B2ApiError(401, 'unauthorized', 'the application key is not allowed to use this bucket');
  }
  return bucket;
}

function listParams(params: Record<string, unknown>): ListParams {
  const max = params.maxFileCount;
  if (max !== undefined && max !== null && typeof max !== 'number')
    throw badRequest('maxFileCount must be a number');
  return {
    startFileName: optionalString(params, 'startFileName'),
    startFileId: optionalString(params, 'startFileId'),
    maxFileCount: typeof max === 'number' ? max : undefined,
    prefix: optionalString(params, 'prefix'),
    delimiter: optionalString(params, 'delimiter'),
  };
}

function fileFor(state: ServerState, grant: TokenGrant, fileId: string) {
  const found = state.findFile(fileId);
  if (!found) throw new B2ApiError(404, 'not_found', `File not present: ${fileId}`);
  allowedBucket(state, grant, found.bucket.bucketId);
  return found;
}

export const API_HANDLERS: Readonly<Record<string, ApiHandler>> = {
  b2_list_buckets(state, grant, params) {
    if (requireString(params, 'accountId') !== state.accounts.accountId) {
      throw new B2ApiError(401, 'unauthorized', 'accountId does not match the authorization');
    }
    const name = optionalString(params, 'bucketName');
    const buckets = [...state.buckets.values()].filter(
      (b) =>
        (name === undefined || b.bucketName === name) &&
        (grant.key.bucketName === undefined || grant.key.bucketName === b.bucketName),
    );
    return {
      buckets: buckets.map((b) => ({
        accountId: state.accounts.accountId,
        bucketId: b.bucketId,
        bucketName: b.bucketName,
        bucketType: 'allPrivate',
        bucketInfo: {},
        revision: 1,
      })),
    };
  },

  b2_get_upload_url(state, grant, params) {
    const bucket = allowedBucket(state, grant, requireString(params, 'bucketId'));
    const { id, token } = state.accounts.newUpload(bucket.bucketId);
    return {
      bucketId: bucket.bucketId,
      uploadUrl: `${state.baseUrl}/b2api/v3/b2_upload_file/${bucket.bucketId}/${id}`,
      authorizationToken: token,
    };
  },

  b2_list_file_names(state, grant, params) {
    const bucket = allowedBucket(state, grant, requireString(params, 'bucketId'));
    const page = bucket.listNames(listParams(params));
    return {
      files: page.entries.map((e) =>
        'folder' in e ? state.folderJson(e.folder) : state.fileJson(bucket, e),
      ),
      nextFileName: page.nextFileName,
    };
  },

  b2_list_file_versions(state, grant, params) {
    const bucket = allowedBucket(state, grant, requireString(params, 'bucketId'));
    const page = bucket.listVersions(listParams(params));
    return {
      files: page.entries.map((e) =>
        'folder' in e ? state.folderJson(e.folder) : state.fileJson(bucket, e),
      ),
      nextFileName: page.nextFileName,
      nextFileId: page.nextFileId,
    };
  },

  b2_get_file_info(state, grant, params) {
    const { bucket, version } = fileFor(state, grant, requireString(params, 'fileId'));
    return state.fileJson(bucket, version);
  },

  b2_hide_file(state, grant, params) {
    const bucket = allowedBucket(state, grant, requireString(params, 'bucketId'));
    const fileName = requireString(params, 'fileName');
    checkFileName(fileName);
    const latest = bucket.latest(fileName);
    if (!latest) throw new B2ApiError(400, 'no_such_file', `File not present: ${fileName}`);
    if (latest.action === 'hide')
      throw new B2ApiError(400, 'already_hidden', `File already hidden: ${fileName}`);
    const marker = state.addVersion(bucket, {
      fileName,
      action: 'hide',
      data: Buffer.alloc(0),
      contentSha1: 'none',
      contentType: '',
      fileInfo: {},
    });
    return state.fileJson(bucket, marker);
  },

  b2_delete_file_version(state, grant, params) {
    const fileName = requireString(params, 'fileName');
    const fileId = requireString(params, 'fileId');
    const found = state.findFile(fileId);
    if (!found || found.version.fileName !== fileName) {
      throw new B2ApiError(400, 'file_not_present', `File not present: ${fileName} ${fileId}`);
    }
    allowedBucket(state, grant, found.bucket.bucketId);
    found.bucket.remove(found.version);
    return { fileId, fileName };
  },

  b2_copy_file(state, grant, params) {
    const source = fileFor(state, grant, requireString(params, 'sourceFileId'));
    if (source.version.action !== 'upload') throw badRequest('the source is not an uploaded file');
    const target = allowedBucket(
      state,
      grant,
      optionalString(params, 'destinationBucketId') ?? source.bucket.bucketId,
    );
    const fileName = requireString(params, 'fileName');
    checkFileName(fileName);
    const directive = optionalString(params, 'metadataDirective') ?? 'COPY';
    const contentType = optionalString(params, 'contentType');
    const fileInfo = params.fileInfo;
    if (
      directive === 'COPY' &&
      (contentType !== undefined || (fileInfo !== undefined && fileInfo !== null))
    ) {
      throw badRequest('contentType and fileInfo must not be set when metadataDirective is COPY');
    }
    if (directive !== 'COPY' && directive !== 'REPLACE')
      throw badRequest(`invalid metadataDirective: ${directive}`);
    if (directive === 'REPLACE' && contentType === undefined) {
      throw badRequest('contentType is required when metadataDirective is REPLACE');
    }
    const replace = directive === 'REPLACE';
    const info = replace ? (fileInfo ?? {}) : source.version.fileInfo;
    if (typeof info !== 'object' || info === null) throw badRequest('fileInfo must be an object');
    const copy = state.addVersion(target, {
      fileName,
      action: 'upload',
      data: source.version.data,
      contentSha1: source.version.contentSha1,
      contentType: replace ? checkContentType(contentType, fileName) : source.version.contentType,
      fileInfo: checkFileInfo(fileName, info as Record<string, unknown>),
    });
    // B2 reports the new version with action "copy" in this one answer; listings say "upload"
    return state.fileJson(target, copy, 'copy');
  },
};
