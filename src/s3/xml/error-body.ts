/**
 * S3 error bodies: `<Error><Code>NoSuchKey</Code><Message>…</Message>…</Error>`.
 *
 * @module
 */
import type { XmlElement } from './document.js';
import { tryParseXmlDocument } from './document.js';

/** What an S3 error body says. Empty elements (Ceph sends `<Message></Message>`) count as absent. */
export interface ErrorBody {
  /** The S3 error code, e.g. `NoSuchKey`, `SlowDown`, `PreconditionFailed`. */
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
  /** AWS's extended request id (`x-amz-id-2`); Ceph sends its zone group here. */
  hostId?: string | undefined;
  /** The key the error is about, when the store says (AWS does for `NoSuchKey`). */
  key?: string | undefined;
  /** The region the store expected (AWS's `AuthorizationHeaderMalformed`). */
  region?: string | undefined;
  /** Where the bucket must be addressed (AWS's `PermanentRedirect`, `TemporaryRedirect`). */
  endpoint?: string | undefined;
}

/**
 * Reads an S3 error body. Returns `undefined` for anything that is not an XML document with an
 * `<Error>` root: an empty body (HEAD responses, Ceph's 400 to a malformed DeleteObjects request),
 * a proxy's HTML page, JSON, truncated XML. Never throws: the caller is already reporting a failure
 * and falls back to the HTTP status.
 *
 * @example
 * ```ts
 * const info = parseErrorBody('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
 * info?.code; // 'NoSuchKey'
 * ```
 */
export function parseErrorBody(body: string): ErrorBody | undefined {
  try {
    const root = tryParseXmlDocument(body);
    if (typeof root === 'string' || root.name !== 'Error') return undefined;
    return readErrorElement(root);
  } catch {
    return undefined;
  }
}

/** The fields of an `<Error>` element. Tolerant: a repeated or missing field is read as absent. */
export function readErrorElement(element: XmlElement): ErrorBody {
  return {
    code: field(element, 'Code'),
    message: field(element, 'Message'),
    requestId: field(element, 'RequestId'),
    hostId: field(element, 'HostId'),
    key: field(element, 'Key'),
    region: field(element, 'Region'),
    endpoint: field(element, 'Endpoint'),
  };
}

function field(element: XmlElement, name: string): string | undefined {
  const matches = element.children.filter((child) => child.name === name);
  const only = matches.length === 1 ? matches[0] : undefined;
  // Codes and ids never carry meaningful surrounding whitespace; keys may, so they stay exact.
  const text = name === 'Key' ? only?.text : only?.text.trim();
  return text === '' ? undefined : text;
}
