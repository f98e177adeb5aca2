/**
 * An EC2 instance metadata service (IMDS) test server, following the EC2 user guide ("Use the
 * Instance Metadata Service to access instance metadata", "Retrieve security credentials from
 * instance metadata"):
 *
 * - `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1–21600) answers a session
 *   token and echoes the TTL header; a missing or out-of-range TTL is 400; a request carrying
 *   `X-Forwarded-For` is 403 (IMDS refuses tokens to proxies).
 * - GETs with `X-aws-ec2-metadata-token` need a token that is known and unexpired, else 401.
 *   GETs without one are served only while IMDSv1 is allowed (`v1: true`), else 401.
 * - `GET /latest/meta-data/iam/security-credentials/` names the instance's role (404 without one);
 *   `GET …/{role}` answers `{"Code":"Success","LastUpdated","Type":"AWS-HMAC","AccessKeyId",
 *   "SecretAccessKey","Token","Expiration"}`, the same set until it nears expiry, when IMDS has
 *   rotated it (`rotateAheadMs` before, as AWS makes new credentials available ahead of expiry).
 * - Anything else is 404.
 *
 * `tokens: false` makes it an IMDSv1-only service (the token PUT is 404); `stalled` (from
 * TestServer) makes it hang.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialIssuer, IssuedCredentials } from './issuer.js';
import { type Answer, type ReceivedRequest, TestServer } from './server.js';

export interface ImdsServerOptions {
  issuer: CredentialIssuer;
  /** The instance profile's role; undefined for an instance without one. */
  role?: string | undefined;
  /** Serve GETs without a token (IMDSv1). @default false (IMDSv2 required, the default on new instances) */
  v1?: boolean;
  /** Hand out tokens at all. @default true */
  tokens?: boolean;
  /** Rotate credentials this long before they expire. @default a quarter of their lifetime */
  rotateAheadMs?: number;
}

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

export class ImdsServer extends TestServer {
  readonly options: ImdsServerOptions;
  /** Session tokens handed out, with when they expire (ms since the epoch). */
  readonly tokens = new Map<string, number>();
  #current: IssuedCredentials | undefined;

  private constructor(options: ImdsServerOptions) {
    super((req) => this.#handle(req));
    this.options = options;
  }

  static async start(options: ImdsServerOptions): Promise<ImdsServer> {
    const server = new ImdsServer(options);
    await server.listen();
    return server;
  }

  /** Expires every session token now (the next GET with one is 401). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  #handle(req: ReceivedRequest): Answer {
    const path = req.url.split('?')[0] ?? '';
    if (path === TOKEN_PATH) return this.#token(req);
    if (req.method !== 'GET') return { status: 405 };
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (token !== undefined) {
      const expiresAt = this.tokens.get(token);
      if (expiresAt === undefined || expiresAt <= Date.now()) return { status: 401 };
    } else if (!this.options.v1) {
      return { status: 401 };
    }
    if (path === CREDENTIALS_PATH) {
      return this.options.role === undefined ? notFound() : { status: 200, body: this.options.role };
    }
    if (this.options.role !== undefined && path === `${CREDENTIALS_PATH}${this.options.role}`) {
      const c = this.#credentials();
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(
          {
            Code: 'Success',
            LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            Type: 'AWS-HMAC',
            AccessKeyId: c.accessKeyId,
            SecretAccessKey: c.secretAccessKey,
            Token: c.sessionToken,
            Expiration: c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
          null,
          2,
        ),
      };
    }
    return notFound();
  }

  #token(req: ReceivedRequest): Answer {
    if (this.options.tokens === false) return notFound();
    if (req.method !== 'PUT') return { status: 405 };
    if (req.headers['x-forwarded-for'] !== undefined) return { status: 403 };
    const ttlText = req.headers[TTL_HEADER];
    const ttl = Number(ttlText);
    if (ttlText === undefined || !/^\d+$/.test(ttlText) || ttl < 1 || ttl > 21_600) return { status: 400 };
    const token = randomBytes(40).toString('base64');
    this.tokens.set(token, Date.now() + ttl * 1000);
    return { status: 200, headers: { [TTL_HEADER]: String(ttl), 'content-type': 'text/plain' }, body: token };
  }

  #credentials(): IssuedCredentials {
    const current = this.#current;
    const ahead = this.options.rotateAheadMs ?? this.options.issuer.lifetimeMs / 4;
    if (current === undefined || current.expiration.getTime() - ahead <= Date.now()) {
      this.#current = this.options.issuer.issue('imds');
    }
    return this.#current as IssuedCredentials;
  }
}

function notFound(): Answer {
  return {
    status: 404,
    headers: { 'content-type': 'text/html' },
    body: '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>',
  };
}
