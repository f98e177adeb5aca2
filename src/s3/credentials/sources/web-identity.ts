/**
 * Web identity: an OIDC token in a file (EKS service-account tokens, CI providers' OIDC tokens)
 * exchanged for a role's credentials with STS `AssumeRoleWithWebIdentity`. The file is read again
 * on every refresh, since the platform rotates the token in place.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { CredentialsError } from '../../../errors.js';
import { type ChainSettings, type ChainState, stsRegion } from '../context.js';
import { stsEndpoint } from '../endpoints.js';
import type { IniSection } from '../ini/parse.js';
import { callSts } from '../sts/client.js';
import type { CredentialsSource, SourcedCredentials } from '../types.js';

/** One web identity configuration, from the environment or a profile. */
export interface WebIdentityConfig {
  readonly tokenFile: string;
  readonly roleArn: string;
  readonly sessionName: string | undefined;
  /** The profile it comes from, for the STS region and endpoint; undefined for the environment. */
  readonly profile: IniSection | undefined;
  readonly source: CredentialsSource;
}

/**
 * The role's credentials for the token in `config.tokenFile`.
 *
 * @throws CredentialsError when the file cannot be read or is empty, or STS refuses
 */
export async function webIdentityCredentials(
  config: WebIdentityConfig,
  settings: ChainSettings,
  state: ChainState,
): Promise<SourcedCredentials> {
  let token: string;
  try {
    token = (await readFile(config.tokenFile, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CredentialsError(`cannot read the web identity token file ${config.tokenFile}: ${code}`, [], {
      cause: error,
    });
  }
  if (token === '') throw new CredentialsError(`the web identity token file ${config.tokenFile} is empty`);
  const profile = config.profile ?? state.profileSettings;
  const region = stsRegion(settings, profile);
  const minted = await callSts({
    action: 'AssumeRoleWithWebIdentity',
    params: {
      RoleArn: config.roleArn,
      RoleSessionName: config.sessionName || `s3func-${Date.now()}`,
      WebIdentityToken: token,
    },
    endpoint: stsEndpoint(region, settings.env, { profile, services: state.files?.config.services }),
    region,
    timeoutMs: settings.httpTimeoutMs,
    secrets: [token],
  });
  return { ...minted, source: config.source };
}
