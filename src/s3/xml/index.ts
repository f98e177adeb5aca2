/**
 * S3 XML: pure functions from response bodies to typed values, and the one request body we build.
 * Nothing here does I/O; every parser takes the body as a string and the call it answers, for errors.
 *
 * @module
 */
export type { ResponseContext, ResponseContextInput } from './context.js';
export { type CopyObjectResultBody, parseCopyObjectResult } from './copy-object.js';
export { buildDeleteRequest, type DeleteRequestTarget, MAX_DELETE_OBJECTS } from './delete-request.js';
export { type DeleteResultBody, parseDeleteResult } from './delete-result.js';
export { type ErrorBody, parseErrorBody } from './error-body.js';
export { type ListObjectsV2Page, parseListObjectsV2 } from './list-objects.js';
export { type ListObjectVersionsPage, parseListObjectVersions } from './list-versions.js';
export {
  buildCompleteMultipartUpload,
  type CompleteMultipartUploadResultBody,
  MAX_MULTIPART_PARTS,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
} from './multipart.js';
export { RETRYABLE_EMBEDDED_ERROR_CODES } from './response.js';
