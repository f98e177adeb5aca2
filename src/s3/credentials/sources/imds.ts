/**
 * The EC2 instance metadata service (IMDS): an instance profile's role credentials.
 *
 * IMDSv2 first: `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` gives a
 * session token (kept for its lifetime), sent as `X-aws-ec2-metadata-token` with
 * `GET /latest/meta-data/iam/security-credentials/` (the role's name) and then
 * `GET …/security-credentials/{role}` (its credentials). A 401 means the token expired: one new
 * token, one more try. As the SDKs do, an IMDS that refuses tokens (403, 404, 405) or never answers
 * the PUT is asked without one (IMDSv1), unless `AWS_EC2_METADATA_V1_DISABLED` or the profile's
 * `ec2_metadata_v1_disabled` forbids it; one that cannot be reached is not asked again.
 *
 * Endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's `ec2_metadata_service_endpoint`, or
 * by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (`IPv4`: `http://169.254.169.254`, `IPv6`:
 * `http://[fd00:ec2::254]`).
 *
 * @module
 */
import { CredentialsError, NetworkError, TimeoutError } from '../../../errors.js';
import { redact } from '../../../http/redact.js';
import type { ChainSettings, ChainState } from '../context.js';
import { credentialRequest } from '../http.js';
import type { IniSection } from '../ini/parse.js';
import { parseIsoTime } from '../iso-time.js';
import type { SourcedCredentials } from '../types.js';

/** The IMDS endpoints by mode. */
export const IMDS_ENDPOINTS = Object.freeze({
  IPv4: 'http://169.254.169.254',
  IPv6: 'http://[fd00:ec2::254]',
});
/** Lifetime asked for a session token: six hours, the most IMDS grants. */
export const IMDS_TOKEN_TTL_SECONDS = 21_600;
/** A token is renewed this long before IMDS would stop accepting it. */
const TOKEN_RENEW_AHEAD_MS = 60_000;
const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';
/** Token answers that mean "this IMDS does not do v2": ask without a token. */
const V1_FALLBACK_STATUSES: ReadonlySet<number> = new Set([403, 404, 405]);

/**
 * The endpoint to ask.
 *
 * @throws CredentialsError for an endpoint that is not an http(s) URL, or an unknown mode
 */
export function imdsEndpoint(env: NodeJS.ProcessEnv, profile: IniSection | undefined): URL {
  const configured = env.AWS_EC2_METADATA_SERVICE_ENDPOINT || profile?.ec2_metadata_service_endpoint;
  if (configured) {
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      throw new CredentialsError(`the IMDS endpoint ${JSON.stringify(configured)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CredentialsError(
        `the IMDS endpoint must be an http(s) URL, got ${JSON.stringify(configured)}`,
      );
    }
    return url;
  }
  const mode =
    env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE || profile?.ec2_metadata_service_endpoint_mode || 'IPv4';
  const endpoint = IMDS_ENDPOINTS[mode as keyof typeof IMDS_ENDPOINTS];
  if (endpoint === undefined) {
    throw new CredentialsError(`the IMDS endpoint mode must be IPv4 or IPv6, got ${JSON.stringify(mode)}`);
  }
  return new URL(endpoint);
}

/** True when the SDK setting says IMDS is off (`AWS_EC2_METADATA_DISABLED=true`). */
export function imdsDisabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.AWS_EC2_METADATA_DISABLED;
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false';
}

/** A failed exchange with IMDS: the status (0 when none came) and what to say. */
class ImdsFailure extends CredentialsError {
  constructor(
    readonly status: number,
    message: string,
    readonly unreachable = false,
    cause?: unknown,
  ) {
    super(message, [], { cause, retryable: status === 0 || status >= 500 });
  }
}

/**
 * The instance role's credentials.
 *
 * @throws CredentialsError when IMDS cannot be reached, has no role for this instance, refuses, or
 *   answers with something that is not credentials
 */
export async function imdsCredentials(
  settings: ChainSettings,
  state: ChainState,
): Promise<SourcedCredentials> {
  const profile = state.profileSettings;
  const base = imdsEndpoint(settings.env, profile);
  const ask = (method: 'GET' | 'PUT', path: string, headers: Record<string, string>) =>
    exchange(base, method, path, headers, settings.metadataTimeoutMs);
  let token = await sessionToken(state, ask, v1Allowed(settings.env, profile));
  const get = async (path: string) => {
    try {
      return await ask('GET', path, tokenHeader(token));
    } catch (error) {
      if (!(error instanceof ImdsFailure && error.status === 401 && token !== undefined)) throw error;
      state.imdsToken = undefined; // expired or revoked: one new token, one more try
      token = await sessionToken(state, ask, false);
      return ask('GET', path, tokenHeader(token));
    }
  };
  const roles = await get(CREDENTIALS_PATH).catch((error: unknown) => {
    if (error instanceof ImdsFailure && error.status === 404) {
      throw new CredentialsError(
        `IMDS at ${base.origin} has no IAM role for this instance (no instance profile)`,
      );
    }
    throw error;
  });
  const role = roles.split('\n')[0]?.trim();
  if (!role) throw new CredentialsError(`IMDS at ${base.origin} named no IAM role for this instance`);
  const text = await get(`${CREDENTIALS_PATH}${encodeURIComponent(role)}`);
  return parseImdsCredentials(text, base, role);
}

type Ask = (method: 'GET' | 'PUT', path: string, headers: Record<string, string>) => Promise<string>;

/** A session token: the kept one while it lasts, else a new one; undefined to go on without (v1). */
async function sessionToken(state: ChainState, ask: Ask, v1Allowed: boolean): Promise<string | undefined> {
  const kept = state.imdsToken;
  if (kept !== undefined && Date.now() < kept.expiresAtMs) return kept.value;
  const requestedAt = Date.now();
  try {
    const value = await ask('PUT', TOKEN_PATH, {
      'x-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL_SECONDS),
    });
    state.imdsToken = {
      value,
      expiresAtMs: requestedAt + IMDS_TOKEN_TTL_SECONDS * 1000 - TOKEN_RENEW_AHEAD_MS,
    };
    return value;
  } catch (error) {
    const noV2 =
      error instanceof ImdsFailure &&
      !error.unreachable &&
      (V1_FALLBACK_STATUSES.has(error.status) || error.status === 0);
    if (!noV2) throw error;
    if (!v1Allowed) {
      throw new CredentialsError(
        `IMDS did not give a session token (${error.message}), and IMDSv1 is disabled ` +
          '(AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled)',
        [],
        { cause: error },
      );
    }
    return undefined;
  }
}

function v1Allowed(env: NodeJS.ProcessEnv, profile: IniSection | undefined): boolean {
  const value = env.AWS_EC2_METADATA_V1_DISABLED ?? profile?.ec2_metadata_v1_disabled;
  return value === undefined || value === '' || value.toLowerCase() === 'false';
}

function tokenHeader(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { 'x-aws-ec2-metadata-token': token };
}

/** One request; the body on 200, an `ImdsFailure` otherwise. */
async function exchange(
  base: URL,
  method: 'GET' | 'PUT',
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  const what = `IMDS ${method} ${path} at ${base.origin}`;
  const secrets = [headers['x-aws-ec2-metadata-token']];
  try {
    const res = await credentialRequest({
      url: new URL(path, base),
      method,
      headers,
      timeoutMs,
      operation: `IMDS ${method}`,
    });
    if (res.status === 200) return res.text;
    throw new ImdsFailure(res.status, `${what} answered ${res.status}`);
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof NetworkError) {
      // never connected: nothing listens there (not on EC2); connected but silent: maybe a hop limit
      const unreachable = !error.sent;
      const how = error instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : 'cannot connect';
      throw new ImdsFailure(0, `${what}: ${how} (${redact(error.message, secrets)})`, unreachable, error);
    }
    throw error;
  }
}

/**
 * The credentials in IMDS's answer: `{"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration", …}`. Reasons never quote the answer.
 *
 * @throws CredentialsError when it is not that
 */
export function parseImdsCredentials(text: string, base: URL, role: string): SourcedCredentials {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (body !== undefined && body.Code !== undefined && body.Code !== 'Success') {
    throw new CredentialsError(
      `IMDS at ${base.origin} answered Code ${JSON.stringify(body.Code)} for role ${role}`,
    );
  }
  const expiration = parseIsoTime(body?.Expiration);
  if (
    body === undefined ||
    typeof body.AccessKeyId !== 'string' ||
    typeof body.SecretAccessKey !== 'string' ||
    typeof body.Token !== 'string' ||
    expiration === undefined
  ) {
    throw new CredentialsError(
      `IMDS at ${base.origin} answered without {AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601)} for role ${role}`,
    );
  }
  return {
    accessKeyId: body.AccessKeyId,
    secretAccessKey: body.SecretAccessKey,
    sessionToken: body.Token,
    expiration,
    source: { kind: 'imds', description: `EC2 instance metadata (role ${role})` },
  };
}
