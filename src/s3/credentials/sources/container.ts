/**
 * The container credentials endpoint: ECS and Fargate task roles
 * (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, on `169.254.170.2`), EKS Pod Identity and other
 * agents (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN` sent as `Authorization`). The answer is JSON:
 * `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { CredentialsError, NetworkError, TimeoutError } from '../../../errors.js';
import { redact } from '../../../http/redact.js';
import { sleep } from '../../../util/abort.js';
import type { ChainSettings } from '../context.js';
import { credentialRequest } from '../http.js';
import { parseIsoTime } from '../iso-time.js';
import type { SourcedCredentials } from '../types.js';

/** The ECS credentials endpoint host, which relative URIs are resolved against. */
export const ECS_CONTAINER_HOST = 'http://169.254.170.2';
/** Hosts a full URI may name over plain HTTP: the ECS and EKS link-local agents. Loopback is checked apart. */
const LINK_LOCAL_HOSTS: ReadonlySet<string> = new Set(['169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);
/** Attempts per fetch (the SDKs try the endpoint up to four times). */
const ATTEMPTS = 3;

/**
 * The endpoint the environment names, or why there is none. A relative URI wins over a full one.
 *
 * @throws CredentialsError for a full URI that is not a URL, or plain HTTP to a host that is
 *   neither loopback nor a container agent (a token must not travel in clear text elsewhere)
 */
export function containerEndpoint(env: NodeJS.ProcessEnv): URL | { skipped: string } {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (relative) return new URL(relative.startsWith('/') ? relative : `/${relative}`, ECS_CONTAINER_HOST);
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full) {
    return {
      skipped: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
    };
  }
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw new CredentialsError('AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (LINK_LOCAL_HOSTS.has(url.hostname) || isLoopback(url.hostname)))
    return url;
  throw new CredentialsError(
    'AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address, 169.254.170.2, ' +
      `169.254.170.23 or [fd00:ec2::23]; got ${url.protocol}//${url.host}`,
  );
}

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const parts = hostname.split('.');
  return (
    parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/**
 * The authorization token to send: the file's content (read on every fetch, since agents rotate
 * it) wins over the variable.
 *
 * @throws CredentialsError when the file cannot be read, or the token holds a line break
 */
export async function containerAuthorization(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined;
  if (file) {
    try {
      token = (await readFile(file, 'utf8')).replace(/\s+$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new CredentialsError(`cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file}: ${code}`, [], {
        cause: error,
      });
    }
  }
  if (token !== undefined && /[\r\n]/.test(token)) {
    throw new CredentialsError('the container authorization token holds a line break');
  }
  return token;
}

/**
 * The credentials the container endpoint at `url` hands out.
 *
 * @throws CredentialsError naming the status and the endpoint's `Code`/`Message`, or what is wrong with its answer
 */
export async function containerCredentials(url: URL, settings: ChainSettings): Promise<SourcedCredentials> {
  const authorization = await containerAuthorization(settings.env);
  const secrets = [authorization];
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(url, authorization, settings.metadataTimeoutMs, secrets);
    } catch (error) {
      if (!(error instanceof CredentialsError && error.retryable) || attempt >= ATTEMPTS) throw error;
      await sleep(100 * attempt);
    }
  }
}

async function fetchOnce(
  url: URL,
  authorization: string | undefined,
  timeoutMs: number,
  secrets: (string | undefined)[],
): Promise<SourcedCredentials> {
  const where = `the container endpoint ${url.origin}`;
  let res: Awaited<ReturnType<typeof credentialRequest>>;
  try {
    res = await credentialRequest({
      url,
      method: 'GET',
      headers: authorization === undefined ? {} : { authorization },
      timeoutMs,
      operation: 'container credentials',
    });
  } catch (error) {
    if (error instanceof NetworkError || error instanceof TimeoutError) {
      throw new CredentialsError(`${where} did not answer: ${redact(error.message, secrets)}`, [], {
        cause: error,
        retryable: true,
      });
    }
    throw error;
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(res.text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (res.status !== 200) {
    const code = typeof body?.Code === 'string' ? ` ${body.Code}` : '';
    const message = typeof body?.Message === 'string' ? `: ${body.Message}` : '';
    throw new CredentialsError(redact(`${where} answered ${res.status}${code}${message}`, secrets), [], {
      retryable: res.status >= 500 || res.status === 429,
    });
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
      `${where} answered 200 without {AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601)}`,
    );
  }
  return {
    accessKeyId: body.AccessKeyId,
    secretAccessKey: body.SecretAccessKey,
    sessionToken: body.Token,
    expiration,
    source: { kind: 'container', description: `container endpoint ${url.origin}` },
  };
}
