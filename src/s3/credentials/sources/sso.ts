/**
 * IAM Identity Center (SSO) profiles: the access token that `aws sso login` caches under
 * `~/.aws/sso/cache/` is exchanged for the profile's role credentials with the portal's
 * `GetRoleCredentials` (`GET /federation/credentials?account_id=…&role_name=…`, token in
 * `x-amz-sso_bearer_token`).
 *
 * Profiles name an `[sso-session NAME]` section (`sso_session`, cache file named by the SHA-1 of
 * the session name) or carry `sso_start_url` and `sso_region` themselves (legacy; cache file named
 * by the SHA-1 of the start URL). Not built: renewing an expired access token with the cached
 * refresh token (SSO OIDC `CreateToken`); the error then says to run `aws sso login` again.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialsError, NetworkError, TimeoutError } from '../../../errors.js';
import { redact } from '../../../http/redact.js';
import type { ChainSettings, ChainState } from '../context.js';
import { ssoPortalEndpoint } from '../endpoints.js';
import { credentialRequest } from '../http.js';
import { homeDir, type SharedFiles } from '../ini/files.js';
import type { IniSection } from '../ini/parse.js';
import { parseIsoTime } from '../iso-time.js';
import type { SourcedCredentials } from '../types.js';

/** What an SSO profile resolves to. */
export interface SsoConfig {
  readonly startUrl: string;
  readonly region: string;
  readonly accountId: string;
  readonly roleName: string;
  /** The `sso_session` name, or undefined for a legacy profile. */
  readonly session: string | undefined;
}

/**
 * The SSO settings of profile `name`, with those of its `sso-session` section.
 *
 * @throws CredentialsError naming what is missing or in conflict
 */
export function ssoConfig(name: string, profile: IniSection, files: SharedFiles): SsoConfig {
  let startUrl = profile.sso_start_url;
  let region = profile.sso_region;
  const session = profile.sso_session;
  if (session !== undefined) {
    const section = files.config.ssoSessions[session];
    if (section === undefined) {
      throw new CredentialsError(
        `profile "${name}" names sso_session "${session}", which is not in ${files.configPath}`,
      );
    }
    for (const [key, own] of [
      ['sso_start_url', startUrl],
      ['sso_region', region],
    ] as const) {
      if (own !== undefined && section[key] !== undefined && own !== section[key]) {
        throw new CredentialsError(`profile "${name}" and sso-session "${session}" set different ${key}s`);
      }
    }
    startUrl = section.sso_start_url ?? startUrl;
    region = section.sso_region ?? region;
  }
  const missing = [
    ['sso_start_url', startUrl],
    ['sso_region', region],
    ['sso_account_id', profile.sso_account_id],
    ['sso_role_name', profile.sso_role_name],
  ]
    .filter(([, value]) => !value)
    .map(([key]) => key);
  if (missing.length > 0) {
    throw new CredentialsError(`SSO profile "${name}" lacks ${missing.join(', ')}`);
  }
  return {
    startUrl: startUrl as string,
    region: region as string,
    accountId: profile.sso_account_id as string,
    roleName: profile.sso_role_name as string,
    session,
  };
}

/** Where `aws sso login` caches the access token for this configuration. */
export function ssoTokenPath(
  config: Pick<SsoConfig, 'session' | 'startUrl'>,
  env: NodeJS.ProcessEnv,
): string {
  const id = config.session ?? config.startUrl;
  return join(homeDir(env), '.aws', 'sso', 'cache', `${createHash('sha1').update(id).digest('hex')}.json`);
}

/**
 * The role credentials of SSO profile `name`.
 *
 * @throws CredentialsError when there is no valid cached token (run `aws sso login`), or the portal refuses
 */
export async function ssoCredentials(
  name: string,
  profile: IniSection,
  settings: ChainSettings,
  state: ChainState,
): Promise<SourcedCredentials> {
  const files = state.files as SharedFiles;
  const config = ssoConfig(name, profile, files);
  const login = `run "aws sso login --profile ${name}"`;
  const token = await cachedToken(ssoTokenPath(config, settings.env), login);
  const url = ssoPortalEndpoint(config.region, settings.env, { profile, services: files.config.services });
  const request = new URL('/federation/credentials', url);
  request.searchParams.set('account_id', config.accountId);
  request.searchParams.set('role_name', config.roleName);
  const where = `the SSO portal ${url.origin}`;
  let res: Awaited<ReturnType<typeof credentialRequest>>;
  try {
    res = await credentialRequest({
      url: request,
      method: 'GET',
      headers: { 'x-amz-sso_bearer_token': token },
      timeoutMs: settings.httpTimeoutMs,
      operation: 'SSO GetRoleCredentials',
    });
  } catch (error) {
    if (error instanceof NetworkError || error instanceof TimeoutError) {
      throw new CredentialsError(`${where} did not answer: ${redact(error.message, [token])}`, [], {
        cause: error,
        retryable: true,
      });
    }
    throw error;
  }
  const body = jsonObject(res.text);
  if (res.status !== 200) {
    const type =
      (res.headers['x-amzn-errortype'] ?? String(body?.__type ?? '')).split(':')[0] || `Http${res.status}`;
    const message = typeof body?.message === 'string' ? `: ${body.message}` : '';
    const hint = res.status === 401 ? `; the SSO session has expired or was revoked: ${login}` : '';
    throw new CredentialsError(
      redact(`${where} answered ${res.status} ${type}${message}${hint}`, [token]),
      [],
      {
        retryable: res.status >= 500 || res.status === 429,
      },
    );
  }
  const role = body?.roleCredentials as Record<string, unknown> | undefined;
  if (
    typeof role?.accessKeyId !== 'string' ||
    typeof role.secretAccessKey !== 'string' ||
    typeof role.sessionToken !== 'string' ||
    typeof role.expiration !== 'number'
  ) {
    throw new CredentialsError(
      `${where} answered 200 without roleCredentials {accessKeyId, secretAccessKey, sessionToken, expiration}`,
    );
  }
  return {
    accessKeyId: role.accessKeyId,
    secretAccessKey: role.secretAccessKey,
    sessionToken: role.sessionToken,
    expiration: new Date(role.expiration),
    source: {
      kind: 'sso',
      description: `profile "${name}" (SSO, account ${config.accountId}, role ${config.roleName})`,
    },
  };
}

/** The cached access token, if present and unexpired. */
async function cachedToken(path: string, login: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CredentialsError(`no cached SSO token at ${path}: ${login}`);
  }
  const cache = jsonObject(text);
  const token = cache?.accessToken;
  // older AWS CLIs wrote `…UTC` where newer ones write `…Z`
  const expiresAt = parseIsoTime(
    typeof cache?.expiresAt === 'string' ? cache.expiresAt.replace(/UTC$/, 'Z') : undefined,
  );
  if (typeof token !== 'string' || token === '' || expiresAt === undefined) {
    throw new CredentialsError(`the cached SSO token at ${path} is not valid: ${login}`);
  }
  if (expiresAt.getTime() <= Date.now()) {
    throw new CredentialsError(
      `the cached SSO token expired at ${expiresAt.toISOString()}: ${login} ` +
        '(s3func does not renew SSO tokens itself; for that, pass credentials: fromSSO() from @aws-sdk/credential-providers)',
    );
  }
  return token;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
