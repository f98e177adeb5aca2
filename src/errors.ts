/**
 * One error hierarchy for the whole library.
 *
 * Every error thrown by s3func is an {@link S3funcError} with a stable `code`. Whether an error is
 * worth retrying is a trait (`retryable`), not a subclass, so the retry policy and users can ask one
 * question of any error. Errors never carry credentials or signatures.
 *
 * @module
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export type S3funcErrorCode =
  | 'ERR_S3'
  | 'ERR_B2'
  | 'ERR_PRECONDITION_FAILED'
  | 'ERR_CONFIG'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_BODY_NOT_REPLAYABLE'
  | 'ERR_RESPONSE'
  | 'ERR_DELETE_OBJECTS'
  | 'ERR_LOCK_TIMEOUT'
  | 'ERR_LOCK_LOST'
  | 'ERR_TICKET_LOST'
  | 'ERR_LOCK_STATE'
  | 'ERR_STRATEGY_CONFLICT'
  | 'ERR_NOT_QUALIFIED'
  | 'ERR_CREDENTIALS';

/** Base class of every error s3func throws. */
export class S3funcError extends Error {
  /** A stable, machine-readable code such as `ERR_S3` or `ERR_LOCK_TIMEOUT`. */
  readonly code: S3funcErrorCode;
  /** True when repeating the same request later may succeed (network faults, throttling, 5xx). */
  readonly retryable: boolean;

  constructor(code: S3funcErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Fields shared by errors that describe one failed request to a store. */
export interface RequestErrorFields {
  /** HTTP status of the response (0 when no response arrived). */
  status: number;
  /** HTTP method of the request. */
  method: string;
  /** Object key the request was about, when it was about one. */
  key?: string | undefined;
  /** The store's request id, for support tickets. */
  requestId?: string | undefined;
  /** Set by the retry loop: how many attempts were made in all. */
  attempts?: number | undefined;
}

/**
 * An error response from a store, whichever its API: what S3 and B2 answers share. `storeCode` is
 * the store's own code for it (S3's `<Code>`, B2's `code`), as `S3Error.s3Code` and `B2Error.b2Code`.
 */
export abstract class RequestError extends S3funcError {
  readonly status: number;
  readonly method: string;
  readonly key: string | undefined;
  readonly requestId: string | undefined;
  /** How long the server asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;
  /** Set by the retry loop: how many attempts were made in all. */
  attempts: number | undefined;

  protected constructor(
    code: S3funcErrorCode,
    storeCode: string,
    fields: RequestErrorFields & { message?: string; retryAfterMs?: number | undefined },
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    const where = fields.key === undefined ? '' : ` (key ${JSON.stringify(fields.key)})`;
    super(
      code,
      `${fields.method} failed with ${fields.status} ${storeCode}${where}${fields.message ? `: ${fields.message}` : ''}`,
      { cause: options?.cause, retryable: options?.retryable ?? isRetryableStatus(fields.status) },
    );
    this.status = fields.status;
    this.method = fields.method;
    this.key = fields.key;
    this.requestId = fields.requestId;
    this.retryAfterMs = fields.retryAfterMs;
    this.attempts = fields.attempts;
  }
}

/**
 * An error response from an S3 (or S3-compatible) store.
 *
 * `s3Code` is the `<Code>` of the error body (`NoSuchKey`, `SlowDown`, …) or, when the body had
 * none (HEAD requests, proxies), a code derived from the status (`NotFound`, `Http502`).
 */
export class S3Error extends RequestError {
  readonly s3Code: string;
  /**
   * The bucket's region, when the store named it (`x-amz-bucket-region`, or the `<Region>` of an
   * `AuthorizationHeaderMalformed` answer): how a session signing for the wrong region learns the right one.
   */
  readonly bucketRegion: string | undefined;

  constructor(
    fields: RequestErrorFields & {
      s3Code: string;
      message?: string;
      retryAfterMs?: number | undefined;
      bucketRegion?: string | undefined;
    },
    options?: { cause?: unknown; retryable?: boolean; code?: S3funcErrorCode },
  ) {
    super(options?.code ?? 'ERR_S3', fields.s3Code, fields, options);
    this.s3Code = fields.s3Code;
    this.bucketRegion = fields.bucketRegion;
  }
}

/** A conditional request (`ifNoneMatch`, `ifMatch`) was refused with 412: someone else got there first. */
export class PreconditionFailedError extends S3Error {
  constructor(fields: RequestErrorFields & { s3Code?: string; message?: string }) {
    super({ s3Code: 'PreconditionFailed', ...fields }, { code: 'ERR_PRECONDITION_FAILED', retryable: false });
  }
}

/** An error response from the Backblaze B2 native API (`status`, B2's `code` string and message). */
export class B2Error extends RequestError {
  readonly b2Code: string;

  constructor(
    fields: RequestErrorFields & { b2Code: string; message?: string; retryAfterMs?: number | undefined },
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super('ERR_B2', fields.b2Code, fields, options);
    this.b2Code = fields.b2Code;
  }
}

/** Bad input or options, detected before any request was sent. */
export class ConfigError extends S3funcError {
  /** The option or argument at fault, when there is one. */
  readonly option: string | undefined;
  constructor(message: string, option?: string) {
    super('ERR_CONFIG', message);
    this.option = option;
  }
}

/** Where a network failure happened, which decides whether a non-idempotent request may be resent. */
export interface NetworkErrorFields {
  method: string;
  key?: string | undefined;
  /** False when the request certainly never reached the server (the connection could not be made). */
  sent: boolean;
}

/** The connection failed, was reset, or the response was cut short. Retryable. */
export class NetworkError extends S3funcError {
  readonly method: string;
  readonly key: string | undefined;
  readonly sent: boolean;
  constructor(message: string, fields: NetworkErrorFields, cause?: unknown) {
    super('ERR_NETWORK', message, { cause, retryable: true });
    this.method = fields.method;
    this.key = fields.key;
    this.sent = fields.sent;
  }
}

/** Connecting, or waiting for bytes on an open connection, took longer than the configured timeout. */
export class TimeoutError extends S3funcError {
  readonly method: string;
  readonly key: string | undefined;
  readonly sent: boolean;
  constructor(message: string, fields: NetworkErrorFields, cause?: unknown) {
    super('ERR_TIMEOUT', message, { cause, retryable: true });
    this.method = fields.method;
    this.key = fields.key;
    this.sent = fields.sent;
  }
}

/**
 * A request failed after its streaming body was (partly) consumed, so it cannot be sent again.
 * The `cause` is the failure of the attempt that consumed it. Pass a `Uint8Array` or string body,
 * or a function returning a fresh stream, to make such uploads retryable.
 */
export class BodyNotReplayableError extends S3funcError {
  constructor(method: string, key: string | undefined, cause: unknown) {
    super(
      'ERR_BODY_NOT_REPLAYABLE',
      `${method}${key === undefined ? '' : ` ${JSON.stringify(key)}`} failed and cannot be retried: its streaming body was already consumed`,
      { cause },
    );
  }
}

/** The store answered with something that is not a valid response (bad XML, wrong length, an HTML page). */
export class ResponseError extends S3funcError {
  readonly status: number;
  readonly method: string;
  constructor(message: string, fields: { status: number; method: string }, cause?: unknown) {
    super('ERR_RESPONSE', message, { cause, retryable: fields.status >= 500 });
    this.status = fields.status;
    this.method = fields.method;
  }
}

/** One key that `deleteObjects` could not delete. */
export interface DeleteObjectsFailure {
  key: string;
  versionId?: string | undefined;
  code: string;
  message: string;
}

/**
 * Some keys of a `deleteObjects` call were not deleted. `deleted` lists those that were, `failures`
 * those that were not; nothing is dropped silently.
 */
export class DeleteObjectsError extends S3funcError {
  readonly deleted: { key: string; versionId?: string | undefined }[];
  readonly failures: DeleteObjectsFailure[];
  constructor(deleted: { key: string; versionId?: string | undefined }[], failures: DeleteObjectsFailure[]) {
    const first = failures[0];
    super(
      'ERR_DELETE_OBJECTS',
      `deleteObjects: ${failures.length} of ${deleted.length + failures.length} keys were not deleted` +
        (first ? ` (first: ${JSON.stringify(first.key)} ${first.code})` : ''),
    );
    this.deleted = deleted;
    this.failures = failures;
  }
}

/** `acquire` gave up after `timeoutMs` without winning the lock. */
export class LockTimeoutError extends S3funcError {
  readonly lockName: string;
  constructor(lockName: string, timeoutMs: number) {
    super('ERR_LOCK_TIMEOUT', `lock ${JSON.stringify(lockName)} was not acquired within ${timeoutMs} ms`);
    this.lockName = lockName;
  }
}

/** The lock was held but is not any more (its lease could not be renewed in time, or its ticket vanished). */
export class LockLostError extends S3funcError {
  readonly lockName: string;
  constructor(lockName: string, reason: string, cause?: unknown) {
    super('ERR_LOCK_LOST', `lock ${JSON.stringify(lockName)} was lost: ${reason}`, { cause });
    this.lockName = lockName;
  }
}

/** Our own ticket is missing or incomplete in the listing (deleted by someone else, or never written). */
export class TicketLostError extends S3funcError {
  readonly lockName: string;
  readonly lockId: string;
  constructor(lockName: string, lockId: string, reason: string) {
    super('ERR_TICKET_LOST', `ticket ${lockId} of lock ${JSON.stringify(lockName)} is lost: ${reason}`);
    this.lockName = lockName;
    this.lockId = lockId;
  }
}

/** An operation was called in a state that does not allow it (acquire while acquiring, and so on). */
export class LockStateError extends S3funcError {
  constructor(message: string) {
    super('ERR_LOCK_STATE', message);
  }
}

/**
 * The lock name is in use by the other lock strategy: a conditional-strategy acquisition found
 * tickets under the name, or a ticket-strategy acquisition found the name's conditional marker.
 * The two strategies do not see each other's contenders, so neither proceeds.
 */
export class StrategyConflictError extends S3funcError {
  readonly lockName: string;
  /** The strategy whose objects were found. */
  readonly foundStrategy: 'ticket' | 'conditional';
  constructor(lockName: string, foundStrategy: 'ticket' | 'conditional', detail: string) {
    super(
      'ERR_STRATEGY_CONFLICT',
      `lock ${JSON.stringify(lockName)} is used by the ${foundStrategy} strategy: ${detail}`,
    );
    this.lockName = lockName;
    this.foundStrategy = foundStrategy;
  }
}

/**
 * The store did not qualify for the conditional strategy: it offers no create-only writes, lets two
 * concurrent create-only writers win, or keeps versions.
 */
export class StoreNotQualifiedError extends S3funcError {
  readonly reason: string;
  constructor(reason: string) {
    super('ERR_NOT_QUALIFIED', `the store does not qualify for the conditional lock strategy: ${reason}`);
    this.reason = reason;
  }
}

/** One credentials source that was looked at, and why it supplied nothing. */
export interface CredentialsAttempt {
  /** The source: `env`, `profile "dev"`, `web identity`, `container`, `imds`, … */
  readonly source: string;
  /** Why it was skipped or failed, without any secret. */
  readonly reason: string;
}

/**
 * No usable credentials: the default chain found none (each source tried is in `attempts`, with
 * why it was skipped), a configured source failed (a profile's `credential_process` exited
 * non-zero, STS refused the role, the metadata endpoint did not answer), or a provider returned
 * something that is not credentials. Never carries a secret. `retryable` is true when the failure
 * was transient (a network fault, a timeout, a 5xx), so trying again later may succeed.
 */
export class CredentialsError extends S3funcError {
  /** Every source looked at, in order, with why it supplied nothing. */
  readonly attempts: readonly CredentialsAttempt[];
  constructor(
    message: string,
    attempts: readonly CredentialsAttempt[] = [],
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super('ERR_CREDENTIALS', message, options);
    this.attempts = attempts;
  }
}

/** HTTP statuses worth retrying on an idempotent request. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** True for every error thrown by s3func. */
export function isS3funcError(error: unknown): error is S3funcError {
  return error instanceof S3funcError;
}

/** True for errors that a later attempt may not repeat (network faults, timeouts, throttling, 5xx). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof S3funcError && error.retryable;
}

/** True for an `S3Error` or `B2Error` with status 404 (missing key, version or bucket). */
export function isNotFound(error: unknown): boolean {
  return error instanceof RequestError && error.status === 404;
}
