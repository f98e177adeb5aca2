/**
 * The root of a success body, checked: the expected element, or an S3 error embedded in a 200.
 *
 * @module
 */
import { S3Error } from '../../errors.js';
import { excerpt, malformed, type ResolvedContext } from './context.js';
import { parseXmlDocument, type XmlElement } from './document.js';
import { readErrorElement } from './error-body.js';

/**
 * Error codes that may come inside a 200 response (CopyObject, DeleteObjects and multipart completion
 * can fail after the status line went out) and are worth repeating, as they would be with a 5xx.
 */
export const RETRYABLE_EMBEDDED_ERROR_CODES: ReadonlySet<string> = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
]);

/**
 * Parses `body` and returns its root element, which must be named `rootName`.
 *
 * @throws S3Error when the root is `<Error>`: S3 documents that a 200 can carry an error body.
 * @throws ResponseError when the body is not XML or has another root element.
 */
export function parseRootElement(body: string, rootName: string, context: ResolvedContext): XmlElement {
  const root = parseXmlDocument(body, context);
  if (root.name === 'Error' && rootName !== 'Error') {
    const error = readErrorElement(root);
    const s3Code = error.code ?? 'UnknownError';
    throw new S3Error(
      {
        status: context.status,
        method: context.method,
        s3Code,
        key: context.key ?? error.key,
        requestId: error.requestId,
        ...(error.message === undefined ? {} : { message: error.message }),
      },
      { retryable: context.status >= 500 || RETRYABLE_EMBEDDED_ERROR_CODES.has(s3Code) },
    );
  }
  if (root.name !== rootName) {
    throw malformed(context, `expected a <${rootName}> document, got <${root.name}>: ${excerpt(body)}`);
  }
  return root;
}
