/**
 * What AWS S3 checks before the request reaches the bucket, in front of a real store (Ceph RGW)
 * that does not check it: that the session token is one STS issued and has not expired, and that
 * the request is signed for the bucket's region. Requests that pass are forwarded unchanged (Host
 * included, so the store verifies the signature itself); the others get AWS's answers:
 *
 * | case                                            | status | code / header                         |
 * | ----------------------------------------------- | ------ | ------------------------------------- |
 * | token expired                                   | 400    | ExpiredToken                          |
 * | token never issued, or revoked                  | 403    | InvalidToken                          |
 * | no token while `requireToken`                   | 403    | AccessDenied                          |
 * | signed for another region than `bucketRegion`   | 400    | AuthorizationHeaderMalformed + Region |
 * | the same, on a HEAD (no body)                   | 400    | `x-amz-bucket-region` only            |
 *
 * Bodies are buffered, so it suits the small objects of lock tests, not streaming tests.
 */
import { request } from 'node:http';
import type { CredentialIssuer } from './issuer.js';
import { type Answer, type ReceivedRequest, TestServer } from './server.js';
import { sigV4Claim } from './sigv4-verify.js';

export interface S3FrontOptions {
  /** The store to forward to, `http://host:port`. */
  upstream: string;
  /** Checks session tokens against what it issued. */
  issuer?: CredentialIssuer | undefined;
  /** Refuse requests without a session token. @default true when `issuer` is given */
  requireToken?: boolean;
  /** The bucket's region (asked anew for each request); requests signed for another are refused as AWS does. */
  bucketRegion?: string | (() => string) | undefined;
}

export class S3Front extends TestServer {
  readonly options: S3FrontOptions;
  /** What it refused, by S3 code (or `Http400` for a HEAD), in order. */
  readonly refusals: string[] = [];
  /** Session tokens of the requests it forwarded, in order. */
  readonly forwardedTokens: (string | undefined)[] = [];

  private constructor(options: S3FrontOptions) {
    super((req) => this.#handle(req));
    this.options = options;
  }

  static async start(options: S3FrontOptions): Promise<S3Front> {
    const server = new S3Front(options);
    await server.listen();
    return server;
  }

  async #handle(req: ReceivedRequest): Promise<Answer> {
    const refusal = this.#check(req);
    if (refusal) return refusal;
    this.forwardedTokens.push(req.headers['x-amz-security-token']);
    return forward(this.options.upstream, req);
  }

  #check(req: ReceivedRequest): Answer | undefined {
    const claim = sigV4Claim(req.headers.authorization);
    const given = this.options.bucketRegion;
    const region = typeof given === 'function' ? given() : given;
    if (region !== undefined && claim !== undefined && claim.region !== region) {
      this.refusals.push(req.method === 'HEAD' ? 'Http400' : 'AuthorizationHeaderMalformed');
      if (req.method === 'HEAD') return { status: 400, headers: { 'x-amz-bucket-region': region } };
      return s3Error(
        400,
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${claim.region}' is wrong; expecting '${region}'`,
        { 'x-amz-bucket-region': region },
        `<Region>${region}</Region>`,
      );
    }
    const issuer = this.options.issuer;
    if (issuer === undefined) return undefined;
    const token = req.headers['x-amz-security-token'];
    if (token === undefined) {
      if (this.options.requireToken === false) return undefined;
      this.refusals.push('AccessDenied');
      return s3Error(403, 'AccessDenied', 'Access Denied');
    }
    const state = issuer.check(token);
    if (state === 'expired') {
      this.refusals.push('ExpiredToken');
      return s3Error(400, 'ExpiredToken', 'The provided token has expired.');
    }
    if (state !== 'valid') {
      this.refusals.push('InvalidToken');
      return s3Error(403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }
    return undefined;
  }
}

function s3Error(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra = '',
): Answer {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>FRONT${Date.now()}</RequestId><HostId>front</HostId></Error>`,
  };
}

function forward(upstream: string, req: ReceivedRequest): Promise<Answer> {
  const url = new URL(upstream);
  return new Promise((resolve, reject) => {
    const out = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (
              value !== undefined &&
              name !== 'content-length' &&
              name !== 'transfer-encoding' &&
              name !== 'connection'
            ) {
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
          }
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(req.raw);
  });
}
