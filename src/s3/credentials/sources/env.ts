/**
 * Credentials from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and for
 * temporary credentials `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION`. Pure over the
 * environment, so a session can take them synchronously, without loading any other source.
 *
 * @module
 */
import { CredentialsError } from '../../../errors.js';
import type { SourceOutcome } from '../context.js';
import { parseIsoTime } from '../iso-time.js';
import type { WebIdentityConfig } from './web-identity.js';

/** The source as errors and `resolveCredentials()` name it. */
export const ENV_SOURCE = Object.freeze({ kind: 'env', description: 'environment variables' } as const);

/**
 * The environment's credentials, or why there are none. As in the AWS SDK for JavaScript, a profile
 * chosen by `AWS_PROFILE` (or by option, `profileChosen`) wins over keys in the environment.
 *
 * @throws CredentialsError when `AWS_CREDENTIAL_EXPIRATION` is not an ISO 8601 time
 */
export function fromEnvironment(env: NodeJS.ProcessEnv, profileChosen: string | undefined): SourceOutcome {
  if (profileChosen !== undefined) return { skipped: `the profile "${profileChosen}" was chosen by option` };
  if (env.AWS_PROFILE) return { skipped: `AWS_PROFILE is set, so profile "${env.AWS_PROFILE}" is used` };
  return environmentKeys(env);
}

/** The keys in the environment whether or not a profile is chosen (`credential_source = Environment`). */
export function environmentKeys(env: NodeJS.ProcessEnv): SourceOutcome {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) {
    return { skipped: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set' };
  }
  if (!accessKeyId) return { skipped: 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not' };
  if (!secretAccessKey) return { skipped: 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not' };
  const expirationText = env.AWS_CREDENTIAL_EXPIRATION;
  const expiration = expirationText ? parseIsoTime(expirationText) : undefined;
  if (expirationText && expiration === undefined) {
    throw new CredentialsError('AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time');
  }
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
    expiration,
    source: ENV_SOURCE,
  };
}

/** The environment's web identity settings, if both are set. */
export function webIdentityFromEnv(env: NodeJS.ProcessEnv): WebIdentityConfig | { skipped: string } {
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const roleArn = env.AWS_ROLE_ARN;
  if (!tokenFile && !roleArn) return { skipped: 'AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set' };
  if (!tokenFile) return { skipped: 'AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not' };
  if (!roleArn) return { skipped: 'AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not' };
  return {
    tokenFile,
    roleArn,
    sessionName: env.AWS_ROLE_SESSION_NAME,
    profile: undefined,
    source: { kind: 'web-identity', description: `web identity (AWS_ROLE_ARN ${roleArn})` },
  };
}
