/**
 * Checking what a credentials provider returned before anything is signed with it.
 *
 * @module
 */
import { CredentialsError } from '../../errors.js';
import type { CredentialsSource, SourcedCredentials } from './types.js';

/** The source named for credentials that came from a user's provider function. */
export const PROVIDER_SOURCE: CredentialsSource = Object.freeze({
  kind: 'provider',
  description: 'the credentials provider passed as `credentials`',
});

/**
 * `value` as credentials with a source: it must be an object with non-empty string `accessKeyId`
 * and `secretAccessKey`, an optional string `sessionToken` (empty counts as none) and an optional
 * valid `Date` `expiration` that has not passed. Messages name the field at fault, never a value.
 *
 * @throws CredentialsError when it is not
 */
export function normalizeCredentials(
  value: unknown,
  fallbackSource: CredentialsSource,
  nowMs: number,
): SourcedCredentials {
  const from = fallbackSource.description;
  if (typeof value !== 'object' || value === null) {
    throw new CredentialsError(`${from} returned ${value === null ? 'null' : typeof value}, not credentials`);
  }
  const v = value as Record<string, unknown>;
  for (const field of ['accessKeyId', 'secretAccessKey'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') {
      throw new CredentialsError(`${from} returned credentials without a ${field} (a non-empty string)`);
    }
  }
  if (v.sessionToken !== undefined && v.sessionToken !== null && typeof v.sessionToken !== 'string') {
    throw new CredentialsError(`${from} returned a sessionToken that is not a string`);
  }
  const expiration = v.expiration;
  if (
    expiration !== undefined &&
    expiration !== null &&
    !(expiration instanceof Date && Number.isFinite(expiration.getTime()))
  ) {
    throw new CredentialsError(`${from} returned an expiration that is not a valid Date`);
  }
  if (expiration instanceof Date && expiration.getTime() <= nowMs) {
    throw new CredentialsError(`${from} returned credentials that expired at ${expiration.toISOString()}`);
  }
  return {
    accessKeyId: v.accessKeyId as string,
    secretAccessKey: v.secretAccessKey as string,
    sessionToken: typeof v.sessionToken === 'string' && v.sessionToken !== '' ? v.sessionToken : undefined,
    expiration: expiration instanceof Date ? expiration : undefined,
    source: isSource(v.source) ? v.source : fallbackSource,
  };
}

function isSource(value: unknown): value is CredentialsSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CredentialsSource).kind === 'string' &&
    typeof (value as CredentialsSource).description === 'string'
  );
}
