/**
 * A profile's role (`role_arn`), assumed with STS `AssumeRole`, signed by the credentials of its
 * `source_profile` or `credential_source`.
 *
 * @module
 */
import { CredentialsError } from '../../../errors.js';
import { type ChainSettings, type ChainState, stsRegion } from '../context.js';
import { stsEndpoint } from '../endpoints.js';
import type { IniSection } from '../ini/parse.js';
import { callSts } from '../sts/client.js';
import type { CredentialsSource, SourcedCredentials } from '../types.js';

/** The `DurationSeconds` asked for when the profile names none (the SDKs' one hour). */
const DEFAULT_DURATION_SECONDS = 3600;

/**
 * Assumes the role `profile.role_arn` with `signer`'s credentials.
 *
 * @throws CredentialsError when `duration_seconds` is not a whole number, or STS refuses
 */
export async function assumeRoleCredentials(
  profile: IniSection,
  signer: SourcedCredentials,
  source: CredentialsSource,
  settings: ChainSettings,
  state: ChainState,
): Promise<SourcedCredentials> {
  const duration = profile.duration_seconds ?? String(DEFAULT_DURATION_SECONDS);
  if (!/^\d{1,6}$/.test(duration)) {
    throw new CredentialsError(
      `duration_seconds must be a whole number of seconds, got ${JSON.stringify(duration)}`,
    );
  }
  const region = stsRegion(settings, profile);
  const minted = await callSts({
    action: 'AssumeRole',
    params: {
      RoleArn: profile.role_arn,
      RoleSessionName: profile.role_session_name || `s3func-${Date.now()}`,
      ExternalId: profile.external_id,
      DurationSeconds: duration,
    },
    endpoint: stsEndpoint(region, settings.env, { profile, services: state.files?.config.services }),
    region,
    credentials: signer,
    timeoutMs: settings.httpTimeoutMs,
  });
  return { ...minted, source };
}
