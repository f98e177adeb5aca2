/**
 * The shapes credentials come in: what a provider returns (the AWS SDK v3
 * `AwsCredentialIdentity`), the providers themselves, and where a set of credentials came from.
 *
 * @module
 */

/**
 * Credentials as the AWS SDK v3 shapes them (`AwsCredentialIdentity`): temporary ones carry a
 * session token and an expiration.
 */
export interface AwsCredentialIdentity {
  /** The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones). */
  readonly accessKeyId: string;
  /** The secret access key; only ever used as signing key material, never sent. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working; absent for long-term keys. */
  readonly expiration?: Date | undefined;
}

/**
 * A function that returns credentials, as the AWS SDK v3 types it (`AwsCredentialIdentityProvider`):
 * any provider from `@aws-sdk/credential-providers` (`fromNodeProviderChain()`, `fromIni()`,
 * `fromTemporaryCredentials()`, …) fits. It is called again ahead of the expiration of what it
 * returned last, and with `{ forceRefresh: true }` when the store refused its credentials as expired.
 */
export type AwsCredentialIdentityProvider = (
  identityProperties?: Record<string, unknown>,
) => Promise<AwsCredentialIdentity>;

/** Static credentials, or a provider to call for them. */
export type CredentialsOption = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/** Where a session's credentials come from. */
export type CredentialsSourceKind =
  | 'options'
  | 'provider'
  | 'env'
  | 'profile'
  | 'process'
  | 'assume-role'
  | 'web-identity'
  | 'sso'
  | 'container'
  | 'imds';

/** Where a set of credentials came from, for people: never a secret. */
export interface CredentialsSource {
  /** The kind of source. */
  readonly kind: CredentialsSourceKind;
  /** A short description: `environment variables`, `profile "dev" (credential_process)`, … */
  readonly description: string;
}

/** Credentials together with where they came from. */
export interface SourcedCredentials extends AwsCredentialIdentity {
  readonly source: CredentialsSource;
}

/** What a session can say about its credentials without revealing them. */
export interface CredentialsInfo {
  /** Where they came from. */
  readonly source: CredentialsSource;
  /** The access key id (not a secret; AWS prints it in CloudTrail). */
  readonly accessKeyId: string;
  /** When they stop working, for temporary credentials. */
  readonly expiration: Date | undefined;
}

/** Where a session's credentials come from, once its options are checked. */
export type CredentialsPlan =
  | { readonly kind: 'static'; readonly credentials: SourcedCredentials }
  | { readonly kind: 'provider'; readonly provider: AwsCredentialIdentityProvider }
  | { readonly kind: 'chain'; readonly profile: string | undefined };
