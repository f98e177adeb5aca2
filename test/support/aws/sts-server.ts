/**
 * An AWS STS test server (query protocol, `Version=2011-06-15`) following the STS API reference:
 * `AssumeRole` and `GetSessionToken` must carry a valid SigV4 signature (service `sts`) by a known
 * caller; `AssumeRoleWithWebIdentity` is unsigned and proves itself with its token. Answers are the
 * documented XML (`<AssumeRoleResponse><AssumeRoleResult><Credentials>…`), refusals the documented
 * `<ErrorResponse>` with the documented codes and statuses:
 *
 * | case                                   | status | code                         |
 * | -------------------------------------- | ------ | ---------------------------- |
 * | no Authorization on a signed action    | 403    | MissingAuthenticationToken   |
 * | unknown access key / session token     | 403    | InvalidClientTokenId         |
 * | expired session token of the caller    | 403    | ExpiredToken                 |
 * | signature does not match               | 403    | SignatureDoesNotMatch        |
 * | role not assumable by this caller      | 403    | AccessDenied                 |
 * | DurationSeconds out of 900–43200       | 400    | ValidationError              |
 * | web identity token not valid           | 400    | InvalidIdentityToken         |
 * | web identity token expired             | 400    | ExpiredTokenException        |
 * | throttled (injected)                   | 400    | Throttling                   |
 *
 * One liberty: the lifetime of what it issues can be set below STS's 15-minute minimum
 * (`issuer.lifetimeMs`), so rotation tests run in seconds.
 */
import { createHash } from 'node:crypto';
import type { CredentialIssuer, IssuedCredentials } from './issuer.js';
import { type Answer, type ReceivedRequest, TestServer } from './server.js';
import { sigV4Claim, verifySigV4 } from './sigv4-verify.js';

export interface StsServerOptions {
  issuer: CredentialIssuer;
  /** Long-term callers: access key id → secret. Temporary credentials from `issuer` may call too. */
  callers?: Record<string, string>;
  /** Role ARNs that may be assumed (by any authenticated caller, or with a web identity token). */
  roles?: string[];
  /** Web identity tokens STS accepts, and those it calls expired. */
  webIdentityTokens?: { valid: string[]; expired?: string[] };
  /** When set, signed calls must be signed for this region. */
  region?: string;
}

/** A refusal to inject into the next calls. */
export interface StsFault {
  status: number;
  code: string;
  message?: string;
  /** How many calls it applies to. @default 1 */
  times?: number;
  /** Put the whole request (headers and body) in the message, as a careless proxy or debug build would. */
  echo?: boolean;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class StsServer extends TestServer {
  readonly options: StsServerOptions;
  /** Each successful call: the action and what it issued. */
  readonly calls: { action: string; params: Record<string, string>; issued: IssuedCredentials }[] = [];
  #faults: StsFault[] = [];

  private constructor(options: StsServerOptions) {
    super((req) => this.#handle(req));
    this.options = options;
  }

  static async start(options: StsServerOptions): Promise<StsServer> {
    const server = new StsServer(options);
    await server.listen();
    return server;
  }

  /** The next calls are refused with `fault` (for example 400 Throttling). */
  inject(fault: StsFault): void {
    for (let i = 0; i < (fault.times ?? 1); i++) this.#faults.push(fault);
  }

  #handle(req: ReceivedRequest): Answer {
    if (req.method !== 'POST' && req.method !== 'GET') return error(405, 'InvalidAction', 'Use POST');
    const form = new URLSearchParams(req.method === 'POST' ? req.body : (req.url.split('?')[1] ?? ''));
    const params = Object.fromEntries(form);
    const action = params.Action ?? '';
    if (params.Version !== '2011-06-15')
      return error(400, 'InvalidAction', 'Could not find operation for this version');
    const fault = this.#faults.shift();
    if (fault) {
      const echoed = fault.echo ? ` ${JSON.stringify(req.headers)} ${req.body}`.replace(/[<>&]/g, ' ') : '';
      return error(fault.status, fault.code, `${fault.message ?? 'Rate exceeded'}${echoed}`);
    }
    switch (action) {
      case 'AssumeRole':
      case 'GetSessionToken': {
        const refused = this.#authenticate(req);
        if (refused) return refused;
        return action === 'AssumeRole'
          ? this.#assumeRole(params)
          : this.#mint('GetSessionToken', params, 'sts-session');
      }
      case 'AssumeRoleWithWebIdentity':
        return this.#webIdentity(params);
      default:
        return error(400, 'InvalidAction', `Could not find operation ${action}`);
    }
  }

  #authenticate(req: ReceivedRequest): Answer | undefined {
    const claim = sigV4Claim(req.headers.authorization);
    if (claim === undefined)
      return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (claim.service !== 'sts')
      return error(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`);
    if (this.options.region && claim.region !== this.options.region) {
      return error(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region.`);
    }
    let secret = this.options.callers?.[claim.accessKeyId];
    const token = req.headers['x-amz-security-token'];
    if (token !== undefined) {
      const state = this.options.issuer.check(token);
      if (state === 'expired')
        return error(403, 'ExpiredToken', 'The security token included in the request is expired');
      if (state !== 'valid')
        return error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      secret = this.options.issuer.find(token)?.secretAccessKey;
      if (!claim.signedHeaders.includes('x-amz-security-token')) {
        return error(403, 'SignatureDoesNotMatch', 'x-amz-security-token must be signed');
      }
    }
    if (secret === undefined)
      return error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    if (
      req.headers['x-amz-content-sha256'] !== undefined &&
      req.headers['x-amz-content-sha256'] !== bodyHash
    ) {
      return error(
        400,
        'XAmzContentSHA256Mismatch',
        'The provided x-amz-content-sha256 header does not match',
      );
    }
    if (!verifySigV4(req, claim, secret)) {
      return error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    return undefined;
  }

  #assumeRole(params: Record<string, string>): Answer {
    const invalid = this.#validate(params);
    if (invalid) return invalid;
    if (!this.options.roles?.includes(params.RoleArn ?? '')) {
      return error(
        403,
        'AccessDenied',
        `Not authorized to perform sts:AssumeRole on resource: ${params.RoleArn}`,
      );
    }
    return this.#mint('AssumeRole', params, 'sts-role');
  }

  #webIdentity(params: Record<string, string>): Answer {
    const invalid = this.#validate(params);
    if (invalid) return invalid;
    const token = params.WebIdentityToken ?? '';
    if (this.options.webIdentityTokens?.expired?.includes(token)) {
      return error(
        400,
        'ExpiredTokenException',
        'Token expired: current date/time must be before the expiration date/time',
      );
    }
    if (!this.options.webIdentityTokens?.valid.includes(token)) {
      return error(
        400,
        'InvalidIdentityToken',
        "Couldn't retrieve verification key from your identity provider",
      );
    }
    if (!this.options.roles?.includes(params.RoleArn ?? '')) {
      return error(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    return this.#mint('AssumeRoleWithWebIdentity', params, 'sts-web');
  }

  #validate(params: Record<string, string>): Answer | undefined {
    if (!params.RoleArn)
      return error(
        400,
        'ValidationError',
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      );
    if (!params.RoleSessionName || !/^[\w+=,.@-]{2,64}$/.test(params.RoleSessionName)) {
      return error(
        400,
        'ValidationError',
        "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
      );
    }
    if (params.DurationSeconds !== undefined) {
      const d = Number(params.DurationSeconds);
      if (!Number.isInteger(d) || d < 900 || d > 43_200) {
        return error(
          400,
          'ValidationError',
          `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
        );
      }
    }
    return undefined;
  }

  #mint(action: string, params: Record<string, string>, source: string): Answer {
    const issued = this.options.issuer.issue(source);
    this.calls.push({ action, params, issued });
    const user =
      action === 'GetSessionToken'
        ? ''
        : `<AssumedRoleUser><Arn>${params.RoleArn?.replace(':role/', ':assumed-role/')}/${params.RoleSessionName}</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:${params.RoleSessionName}</AssumedRoleId></AssumedRoleUser>`;
    const body =
      `<${action}Response xmlns="${NS}"><${action}Result>${user}<Credentials>` +
      `<AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${issued.sessionToken}</SessionToken><Expiration>${issued.expiration.toISOString()}</Expiration>` +
      `</Credentials></${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  }
}

function error(status: number, code: string, message: string): Answer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  };
}

function requestId(): string {
  return crypto.randomUUID();
}
