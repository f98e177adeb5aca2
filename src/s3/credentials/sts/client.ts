/**
 * Calls to AWS STS (query protocol, `Version=2011-06-15`), signed with s3func's own SigV4 signer
 * (service `sts`), or unsigned for `AssumeRoleWithWebIdentity`, whose web identity token is the
 * proof. Throttling, 5xx answers and network faults are retried: every call here only mints new
 * credentials, so sending one twice does no harm.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { CredentialsError, NetworkError, ResponseError, S3funcError, TimeoutError } from '../../../errors.js';
import { redact } from '../../../http/redact.js';
import { sleep } from '../../../util/abort.js';
import { signRequest } from '../../sigv4/sign.js';
import { credentialRequest } from '../http.js';
import type { AwsCredentialIdentity } from '../types.js';
import { parseStsCredentials, parseStsError, type StsCredentials } from './xml.js';

/** The STS actions we call. */
export type StsAction = 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetSessionToken';

/** One STS call. */
export interface StsCall {
  readonly action: StsAction;
  /** Request parameters (`RoleArn`, `RoleSessionName`, …); undefined ones are left out. */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly endpoint: URL;
  /** The signing region. */
  readonly region: string;
  /** Credentials to sign with; the call is sent unsigned without them. */
  readonly credentials?: AwsCredentialIdentity | undefined;
  /** Limit on connecting and on each wait for bytes. */
  readonly timeoutMs: number;
  /** Strings that must not appear in any error (a web identity token). */
  readonly secrets?: readonly (string | undefined)[] | undefined;
}

/** The STS API version of the query protocol. */
const STS_VERSION = '2011-06-15';
/** Attempts in all for one call. */
const STS_ATTEMPTS = 3;
/** STS error codes that mean "try again later". */
const RETRYABLE_STS_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'IDPCommunicationError',
  'InternalFailure',
  'ServiceUnavailable',
]);

/** The form body of a call: `Action`, `Version`, then the parameters. */
export function stsRequestBody(
  action: StsAction,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const form = new URLSearchParams({ Action: action, Version: STS_VERSION });
  for (const [name, value] of Object.entries(params)) if (value !== undefined) form.append(name, value);
  return form.toString();
}

/**
 * Sends the call and returns the credentials STS minted.
 *
 * @throws CredentialsError naming the action, status and STS error code (`retryable` for throttling,
 *   5xx and network faults that outlasted the retries)
 */
export async function callSts(call: StsCall): Promise<StsCredentials> {
  const secrets = [
    call.credentials?.secretAccessKey,
    call.credentials?.sessionToken,
    ...(call.secrets ?? []),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptSts(call, secrets);
    } catch (error) {
      const retryable = error instanceof S3funcError && error.retryable;
      if (!retryable || attempt >= STS_ATTEMPTS) throw error;
      await sleep(Math.floor(Math.random() * 100 * 2 ** attempt));
    }
  }
}

async function attemptSts(call: StsCall, secrets: (string | undefined)[]): Promise<StsCredentials> {
  const body = Buffer.from(stsRequestBody(call.action, call.params));
  const path = call.endpoint.pathname || '/';
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (call.credentials !== undefined) {
    const signed = signRequest({
      method: 'POST',
      host: call.endpoint.host,
      path,
      headers: { ...headers, host: call.endpoint.host },
      payloadHash: createHash('sha256').update(body).digest('hex'),
      credentials: call.credentials,
      region: call.region,
      service: 'sts',
    });
    Object.assign(headers, signed);
    secrets.push(/Signature=([0-9a-f]+)/.exec(signed.authorization)?.[1]);
  }
  let res: Awaited<ReturnType<typeof credentialRequest>>;
  try {
    res = await credentialRequest({
      url: new URL(path, call.endpoint),
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.byteLength) },
      body,
      timeoutMs: call.timeoutMs,
      operation: `STS ${call.action}`,
    });
  } catch (error) {
    if (error instanceof NetworkError || error instanceof TimeoutError) {
      throw new CredentialsError(
        `STS ${call.action} at ${call.endpoint.origin} failed: ${redact(error.message, secrets)}`,
        [],
        { cause: error, retryable: true },
      );
    }
    throw error;
  }
  if (res.status === 200) {
    const parsed = parseStsCredentials(res.text, call.action);
    if (typeof parsed === 'string') {
      const message = `STS ${call.action} at ${call.endpoint.origin} answered 200, but ${parsed}`;
      const cause = new ResponseError(message, { status: 200, method: `STS ${call.action}` });
      throw new CredentialsError(message, [], { cause });
    }
    return parsed;
  }
  const error = parseStsError(res.text);
  const code = error?.code ?? `Http${res.status}`;
  const message = error?.message === undefined ? '' : `: ${redact(error.message, secrets)}`;
  throw new CredentialsError(
    `STS ${call.action} at ${call.endpoint.origin} failed with ${res.status} ${redact(code, secrets)}${message}`,
    [],
    { retryable: res.status >= 500 || RETRYABLE_STS_CODES.has(code) },
  );
}
