/**
 * Temporary credentials for the AWS test servers (STS, IMDS, the container endpoint, the SSO
 * portal) to hand out. They are real keys of the S3 store under test (Ceph RGW accepts any
 * session token with them), each set with a session token of its own and an expiration; the
 * `S3Front` in front of the store then refuses a token that was never issued, was revoked or has
 * expired, exactly as AWS S3 does. The token names the source that minted it, so a test can tell
 * which source a session's credentials came from.
 */
import { randomBytes } from 'node:crypto';

/** A set of credentials as issued. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** Who minted them: `sts:AssumeRole`, `imds`, … */
  readonly source: string;
}

/** What the issuer says of a token. */
export type TokenState = 'valid' | 'expired' | 'unknown' | 'revoked';

export class CredentialIssuer {
  readonly issued: IssuedCredentials[] = [];
  readonly #revoked = new Set<string>();
  readonly #keys: { accessKeyId: string; secretAccessKey: string };
  /** Lifetime of what is issued, unless a call says otherwise. */
  lifetimeMs: number;

  constructor(keys: { accessKeyId: string; secretAccessKey: string }, lifetimeMs = 3_600_000) {
    this.#keys = keys;
    this.lifetimeMs = lifetimeMs;
  }

  /** Mints a new set for `source`. */
  issue(source: string, lifetimeMs = this.lifetimeMs): IssuedCredentials {
    const credentials = {
      ...this.#keys,
      // long and random like a real token, and naming its source for the tests
      sessionToken: `${source.replace(/[^a-z0-9]/gi, '-')}.${this.issued.length}.${randomBytes(48).toString('base64url')}`,
      expiration: new Date(Date.now() + lifetimeMs),
      source,
    };
    this.issued.push(credentials);
    return credentials;
  }

  /** The set a token belongs to, if it was issued. */
  find(sessionToken: string): IssuedCredentials | undefined {
    return this.issued.find((c) => c.sessionToken === sessionToken);
  }

  /** Whether a token may be used now. */
  check(sessionToken: string): TokenState {
    const credentials = this.find(sessionToken);
    if (credentials === undefined) return 'unknown';
    if (this.#revoked.has(sessionToken)) return 'revoked';
    return credentials.expiration.getTime() <= Date.now() ? 'expired' : 'valid';
  }

  /** Makes a token invalid before its time (a revoked role session). */
  revoke(sessionToken: string): void {
    this.#revoked.add(sessionToken);
  }
}

/** The source a token names (what `CredentialIssuer.issue` was called with, dashed). */
export function tokenSource(sessionToken: string | undefined): string | undefined {
  return sessionToken?.split('.')[0];
}
