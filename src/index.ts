/**
 * s3func: distributed locks, leases, fencing tokens and leader election on plain object storage,
 * with a thin, fast S3 client of its own.
 *
 * @packageDocumentation
 */

export { B2Session, type B2SessionOptions } from './b2/session.js';
export { Election, type ElectionEvents, type ElectionOptions } from './election/election.js';
export type { LeaderInfo } from './election/leader.js';
export { FileSession, type FileSessionOptions } from './embedded/file/session.js';
export { MemorySession, type MemorySessionOptions } from './embedded/memory/session.js';
export {
  B2Error,
  BodyNotReplayableError,
  ConfigError,
  type CredentialsAttempt,
  CredentialsError,
  DeleteObjectsError,
  type DeleteObjectsFailure,
  isNotFound,
  isRetryableError,
  isS3funcError,
  LockLostError,
  LockStateError,
  LockTimeoutError,
  NetworkError,
  PreconditionFailedError,
  RequestError,
  ResponseError,
  S3Error,
  S3funcError,
  type S3funcErrorCode,
  StoreNotQualifiedError,
  StrategyConflictError,
  TicketLostError,
  TimeoutError,
} from './errors.js';
export type { RetryOptions } from './http/retry-policy.js';
export type { TransportOptions } from './http/transport.js';
export type { TurnOptions } from './lock/conditional/marker.js';
export { type Qualification, type QualifyOptions, qualifyStore } from './lock/conditional/qualify.js';
export type { ResetResult } from './lock/conditional/reset.js';
export type { AcquireOptions, LockOptions, StrategyOption } from './lock/defaults.js';
export type { LockState, LockStrategy } from './lock/engine.js';
export type { LockEvents, TicketInfo } from './lock/events.js';
export { createLock, Lock, PendingLock, withLock } from './lock/lock.js';
export type { LeaseInfo, TicketStatus } from './lock/lock-status.js';
export type { LockRuntime } from './lock/runtime.js';
export { CoordinationSession } from './lock/session-base.js';
export type { LockMode } from './lock/ticket.js';
export type { CredentialsEvent } from './s3/credentials/cache.js';
export {
  CHAIN_DEFAULTS,
  type DefaultChainOptions,
  type DefaultCredentialsChain,
  defaultCredentialsChain,
} from './s3/credentials/chain.js';
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  CredentialsInfo,
  CredentialsOption,
  CredentialsSource,
  CredentialsSourceKind,
  SourcedCredentials,
} from './s3/credentials/types.js';
export type { BucketRegionEvent, S3Credentials, S3DebugEvent, S3SessionOptions } from './s3/options.js';
export { S3Session } from './s3/session.js';
export { type PresignInput, presignUrl } from './s3/sigv4/presign.js';
export { type SignRequestInput, signRequest } from './s3/sigv4/sign.js';
export type * from './store/types.js';
export { type Runtime, realRuntime, suspendAwareClock } from './util/runtime.js';
