/**
 * Where a response body came from, so that a parse failure can say which call it broke.
 *
 * @module
 */
import { ResponseError } from '../../errors.js';

/** The call a response body answers: used only to build error messages and error fields. */
export interface ResponseContext {
  /** The S3 operation, e.g. `'ListObjectsV2'`; becomes the error's `method`. */
  method: string;
  /** HTTP status of the response. @default 200 */
  status?: number | undefined;
  /** The key the request was about, when it was about one (copied into an embedded `S3Error`). */
  key?: string | undefined;
}

/** A {@link ResponseContext}, or just the operation name (status 200). */
export type ResponseContextInput = string | ResponseContext;

/** A context with its defaults filled in. */
export interface ResolvedContext {
  method: string;
  status: number;
  key: string | undefined;
}

/** Fills in the defaults of a context given as a name or an object. */
export function resolveContext(context: ResponseContextInput): ResolvedContext {
  if (typeof context === 'string') return { method: context, status: 200, key: undefined };
  return { method: context.method, status: context.status ?? 200, key: context.key };
}

/** Longest piece of an unparseable body quoted in an error message. */
const EXCERPT_CHARS = 120;

/** The start of a body, quoted, for error messages about bodies that are not what we expected. */
export function excerpt(body: string): string {
  const head = body.length > EXCERPT_CHARS ? `${body.slice(0, EXCERPT_CHARS)}…` : body;
  return JSON.stringify(head);
}

/** A `ResponseError` saying the body of `context`'s response is malformed, and why. */
export function malformed(context: ResolvedContext, detail: string, cause?: unknown): ResponseError {
  return new ResponseError(
    `${context.method}: malformed response body (HTTP ${context.status}): ${detail}`,
    { status: context.status, method: context.method },
    cause,
  );
}
