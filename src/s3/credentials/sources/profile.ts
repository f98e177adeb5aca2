/**
 * Credentials from a profile of the shared files, resolved in the order the AWS SDK for JavaScript
 * resolves them: a role (`role_arn` with `source_profile` or `credential_source`), static keys
 * (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`), a web identity token file
 * (`web_identity_token_file` with `role_arn`), `credential_process`, then IAM Identity Center
 * (`sso_session` or `sso_start_url`). A `source_profile` with static keys is used for its keys even
 * if it has a role of its own, so a profile may name itself. Each kind of source is loaded only
 * when a profile uses it.
 *
 * A profile with no credential settings (only a `region`, say) is skipped, so the chain goes on to
 * the next source, as the SDKs do; one whose credentials are configured but fail stops it.
 *
 * @module
 */
import { CredentialsError } from '../../../errors.js';
import type { ChainSettings, ChainState, SourceOutcome } from '../context.js';
import { loadSharedFiles, profileName, profileSettings, type SharedFiles } from '../ini/files.js';
import type { IniSection } from '../ini/parse.js';
import type { SourcedCredentials } from '../types.js';
import { environmentKeys } from './env.js';

/** Settings that make a profile an IAM Identity Center (SSO) profile. */
const SSO_SETTINGS = ['sso_session', 'sso_start_url', 'sso_account_id', 'sso_region', 'sso_role_name'];
/** The `credential_source` values and what they mean. */
const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;

interface Resolution {
  readonly settings: ChainSettings;
  readonly state: ChainState;
  readonly files: SharedFiles;
  /** The profile the chain started from. */
  readonly top: string;
}

/**
 * The chosen profile's credentials (the option's profile, else `AWS_PROFILE`, else `default`), or
 * why it has none.
 *
 * @throws CredentialsError when the files are malformed, or the profile's source fails
 */
export async function fromProfile(settings: ChainSettings, state: ChainState): Promise<SourceOutcome> {
  const files = await loadSharedFiles(settings.env);
  const name = profileName(settings.profile, settings.env);
  const data = profileSettings(files, name);
  state.files = files;
  state.profileSettings = data;
  if (data === undefined) {
    return { skipped: `no profile "${name}" in ${files.configPath} or ${files.credentialsPath}` };
  }
  return resolve(name, { settings, state, files, top: name }, [], false);
}

async function resolve(
  name: string,
  r: Resolution,
  visited: readonly string[],
  asRoleSource: boolean,
): Promise<SourceOutcome> {
  const data = profileSettings(r.files, name) as IniSection;
  if (visited.length > 0 && hasStaticKeys(data)) return staticKeys(name, data);
  if (asRoleSource || isRoleProfile(name, data)) return assumeRole(name, data, r, visited);
  if (hasStaticKeys(data)) return staticKeys(name, data);
  if (data.web_identity_token_file !== undefined && data.role_arn !== undefined) {
    const { webIdentityCredentials } = await import('./web-identity.js');
    return webIdentityCredentials(
      {
        tokenFile: data.web_identity_token_file,
        roleArn: data.role_arn,
        sessionName: data.role_session_name,
        profile: data,
        source: { kind: 'web-identity', description: `profile "${name}" (web_identity_token_file)` },
      },
      r.settings,
      r.state,
    );
  }
  if (data.credential_process !== undefined) {
    const { runCredentialProcess } = await import('./process.js');
    const credentials = await runCredentialProcess({
      command: data.credential_process,
      env: r.settings.env,
      timeoutMs: r.settings.processTimeoutMs,
    });
    return {
      ...credentials,
      source: { kind: 'process', description: `profile "${name}" (credential_process)` },
    };
  }
  if (SSO_SETTINGS.some((key) => data[key] !== undefined)) {
    return (await import('./sso.js')).ssoCredentials(name, data, r.settings, r.state);
  }
  if (data.login_session !== undefined) {
    throw new CredentialsError(
      `profile "${name}" signs in with "aws login" (login_session), which s3func does not build: ` +
        `install @aws-sdk/credential-providers and pass credentials: fromIni({ profile: "${name}" })`,
    );
  }
  const why = missingCredentials(data);
  if (visited.length > 0) throw new CredentialsError(`source_profile "${name}" ${why}`);
  return { skipped: `profile "${name}" ${why}` };
}

/** True when `data` has a role to assume (and says from what); throws for a contradiction. */
function isRoleProfile(name: string, data: IniSection): boolean {
  if (data.role_arn === undefined) return false;
  if (data.source_profile !== undefined && data.credential_source !== undefined) {
    throw new CredentialsError(`profile "${name}" sets both source_profile and credential_source; keep one`);
  }
  return data.source_profile !== undefined || data.credential_source !== undefined;
}

function hasStaticKeys(data: IniSection): boolean {
  return data.aws_access_key_id !== undefined && data.aws_secret_access_key !== undefined;
}

function staticKeys(name: string, data: IniSection): SourcedCredentials {
  return {
    accessKeyId: data.aws_access_key_id as string,
    secretAccessKey: data.aws_secret_access_key as string,
    sessionToken: data.aws_session_token || undefined,
    source: { kind: 'profile', description: `profile "${name}"` },
  };
}

/** Why a profile gives no credentials, for the chain's report. */
function missingCredentials(data: IniSection): string {
  if (data.aws_access_key_id !== undefined) return 'has aws_access_key_id but no aws_secret_access_key';
  if (data.aws_secret_access_key !== undefined) return 'has aws_secret_access_key but no aws_access_key_id';
  if (data.role_arn !== undefined) {
    return 'has role_arn but none of source_profile, credential_source, web_identity_token_file';
  }
  return 'has no credential settings';
}

async function assumeRole(
  name: string,
  data: IniSection,
  r: Resolution,
  visited: readonly string[],
): Promise<SourcedCredentials> {
  const sourceName = data.source_profile;
  let signer: SourceOutcome;
  let via: string;
  if (sourceName !== undefined) {
    if (visited.includes(sourceName)) {
      throw new CredentialsError(`source_profile cycle: ${[r.top, ...visited, sourceName].join(' -> ')}`);
    }
    const source = profileSettings(r.files, sourceName);
    if (source === undefined) {
      throw new CredentialsError(
        `profile "${name}" names source_profile "${sourceName}", which is in neither ${r.files.configPath} nor ${r.files.credentialsPath}`,
      );
    }
    const sourceIsBareCredentialSource =
      source.role_arn === undefined && source.credential_source !== undefined;
    signer = await resolve(sourceName, r, [...visited, sourceName], sourceIsBareCredentialSource);
    via = `profile "${sourceName}"`;
  } else {
    signer = await fromCredentialSource(name, data.credential_source as string, r);
    via = data.credential_source as string;
  }
  if ('skipped' in signer) throw new CredentialsError(`the source of profile "${name}": ${signer.skipped}`);
  if (data.role_arn === undefined) return signer; // a bare credential_source, reached as a source_profile
  if (data.mfa_serial !== undefined) {
    throw new CredentialsError(
      `profile "${name}" needs an MFA code (mfa_serial), which s3func cannot prompt for: pass credentials: ` +
        `fromIni({ profile: "${name}", mfaCodeProvider }) from @aws-sdk/credential-providers`,
    );
  }
  const { assumeRoleCredentials } = await import('./assume-role.js');
  return assumeRoleCredentials(
    data,
    signer,
    { kind: 'assume-role', description: `profile "${name}" (role ${data.role_arn} via ${via})` },
    r.settings,
    r.state,
  );
}

async function fromCredentialSource(name: string, value: string, r: Resolution): Promise<SourceOutcome> {
  switch (value as (typeof CREDENTIAL_SOURCES)[number]) {
    case 'Environment': {
      const outcome = environmentKeys(r.settings.env);
      if ('skipped' in outcome) {
        throw new CredentialsError(
          `profile "${name}" has credential_source Environment, but ${outcome.skipped}`,
        );
      }
      return outcome;
    }
    case 'Ec2InstanceMetadata':
      return (await import('./imds.js')).imdsCredentials(r.settings, r.state);
    case 'EcsContainer': {
      const container = await import('./container.js');
      const url = container.containerEndpoint(r.settings.env);
      if ('skipped' in url) {
        throw new CredentialsError(
          `profile "${name}" has credential_source EcsContainer, but ${url.skipped}`,
        );
      }
      return container.containerCredentials(url, r.settings);
    }
    default:
      throw new CredentialsError(
        `profile "${name}" has credential_source ${JSON.stringify(value)}; expected one of ${CREDENTIAL_SOURCES.join(', ')}`,
      );
  }
}
