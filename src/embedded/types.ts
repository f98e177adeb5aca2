/**
 * What the embedded stores' shared object API (`EmbeddedSession`) asks of each store.
 *
 * @module
 */
import type { PreparedBody } from '../store/request-body.js';
import type { Metadata, ObjectInfo } from '../store/types.js';
import type { BodySource } from './object-response.js';
import type { Method } from './store-errors.js';

/** What a put or copy stores beside the body. */
export interface StoredFields {
  contentType: string;
  metadata: Metadata;
}

/** One write, checked, for a store to carry out (conditions atomically where the store can). */
export interface WriteRequest {
  key: string;
  body: PreparedBody;
  fields: StoredFields;
  ifNoneMatch: string | undefined;
  ifMatch: string | undefined;
  /** The length the caller declared; the store refuses a body of another length before storing it. */
  contentLength: number | undefined;
  method: Method;
  signal: AbortSignal | undefined;
}

/** An object a store found: its facts, and its body on demand. `release` frees it unread. */
export interface FoundObject {
  info: ObjectInfo;
  /** The body's bytes `start` to `end` inclusive; the returned source owns what `release` frees. */
  body(start: number, end: number): BodySource;
  release(): Promise<void>;
}
