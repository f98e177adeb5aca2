/**
 * Which credentials a command uses, for people: where they came from and the end of the access
 * key id, never a secret.
 *
 * @module
 */
import { CredentialsError, S3Error } from '../errors.js';
import type { CredentialsInfo } from '../s3/credentials/types.js';
import type { CliSession } from './store-url.js';

/** S3 codes of a store refusing a request's credentials or their rights: worth saying which were used. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);

/** What the CLI shows of credentials (JSON for `probe --json`). */
export interface CredentialsSummary {
  source: string;
  description: string;
  /** The access key id's last four characters, after an ellipsis. */
  accessKeyId: string;
  expiration: string | undefined;
}

/** The credentials of an S3 session, resolved (running the default chain if need be); undefined for other stores. */
export async function credentialsOf(session: CliSession): Promise<CredentialsSummary | undefined> {
  const resolve = (session as { resolveCredentials?: () => Promise<CredentialsInfo> }).resolveCredentials;
  if (typeof resolve !== 'function') return undefined;
  const info = await resolve.call(session);
  return {
    source: info.source.kind,
    description: info.source.description,
    accessKeyId: `…${info.accessKeyId.slice(-4)}`,
    expiration: info.expiration?.toISOString(),
  };
}

/** One line for people: `profile "dev" (credential_process), key …ABCD, expires 2026-11-25T13:00:00.000Z`. */
export function describeCredentials(c: CredentialsSummary): string {
  return `${c.description}, key ${c.accessKeyId}${c.expiration ? `, expires ${c.expiration}` : ''}`;
}

/**
 * For an error that is about credentials (the store refused them, or none could be had), the line
 * saying which were used; undefined for any other error, or when they cannot be told.
 */
export async function credentialsHint(
  session: CliSession | undefined,
  error: unknown,
): Promise<string | undefined> {
  if (session === undefined || error instanceof CredentialsError) return undefined;
  if (!(error instanceof S3Error && (error.status === 403 || AUTH_CODES.has(error.s3Code)))) return undefined;
  const summary = await credentialsOf(session).catch(() => undefined);
  return summary && `the store refused the credentials from ${describeCredentials(summary)}`;
}
