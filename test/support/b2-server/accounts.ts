/**
 * Credentials of the B2 test server: application keys, the account tokens `b2_authorize_account`
 * hands out, and upload URLs with their own tokens (one upload at a time each, as on B2).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { B2ApiError } from './http.js';

/** An application key. `bucketName` restricts it to one bucket. */
export interface TestKey {
  applicationKeyId: string;
  applicationKey: string;
  bucketName?: string | undefined;
}

/** What an account token stands for. */
export interface TokenGrant {
  key: TestKey;
  expired: boolean;
}

/** An upload URL: for a bucket (`b2_get_upload_url`) or for the parts of a large file. */
export interface UploadGrant {
  id: string;
  bucketId: string;
  /** Set for `b2_get_upload_part_url` URLs. */
  largeFileId?: string | undefined;
  /** Invalidated URLs fail their next upload. */
  invalid: false | { status: number; code: string };
  /** An upload is in progress with this token. */
  busy: boolean;
}

const token = (kind: string) => `4_${kind}_${randomBytes(12).toString('base64url')}`;

export class Accounts {
  readonly accountId = 'acc0123456789';
  readonly keys = new Map<string, TestKey>();
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #uploads = new Map<string, UploadGrant>();

  addKey(key: TestKey): TestKey {
    this.keys.set(key.applicationKeyId, key);
    return key;
  }

  /** Checks HTTP Basic credentials; 401 unauthorized when they are wrong, as `b2_authorize_account` does. */
  authorize(req: IncomingMessage): { token: string; key: TestKey } {
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [id, ...rest] = Buffer.from(match?.[1] ?? '', 'base64')
      .toString('utf8')
      .split(':');
    const key = this.keys.get(id ?? '');
    if (!key || key.applicationKey !== rest.join(':')) {
      throw new B2ApiError(401, 'unauthorized', 'application key id or application key is not valid');
    }
    const issued = token('acct');
    this.#tokens.set(issued, { key, expired: false });
    return { token: issued, key };
  }

  /** The grant behind an account token; 401 with B2's code for a missing, unknown or expired one. */
  check(req: IncomingMessage): TokenGrant {
    const presented = req.headers.authorization;
    if (!presented) throw new B2ApiError(401, 'missing_auth_token', 'the Authorization header is missing');
    const grant = this.#tokens.get(presented);
    if (!grant) throw new B2ApiError(401, 'bad_auth_token', 'Invalid authorization token');
    if (grant.expired) throw new B2ApiError(401, 'expired_auth_token', 'Authorization token has expired');
    return grant;
  }

  /** Expires every account token issued so far. */
  expireTokens(): void {
    for (const grant of this.#tokens.values()) grant.expired = true;
  }

  /** A new upload URL id and its token. */
  newUpload(bucketId: string, largeFileId?: string): { id: string; token: string } {
    const grant: UploadGrant = {
      id: randomBytes(6).toString('hex'),
      bucketId,
      largeFileId,
      invalid: false,
      busy: false,
    };
    const issued = token('upld');
    this.#uploads.set(issued, grant);
    return { id: grant.id, token: issued };
  }

  /** Checks an upload's token against the URL it was sent to, and marks it busy (the caller clears it). */
  beginUpload(req: IncomingMessage, urlId: string): UploadGrant {
    const presented = req.headers.authorization;
    if (!presented) throw new B2ApiError(401, 'missing_auth_token', 'the Authorization header is missing');
    const grant = this.#uploads.get(presented);
    if (!grant || grant.id !== urlId)
      throw new B2ApiError(401, 'bad_auth_token', 'Invalid upload authorization token');
    if (grant.invalid) {
      const { status, code } = grant.invalid;
      throw new B2ApiError(status, code, 'this upload URL is no longer accepting uploads; get a new one');
    }
    if (grant.busy)
      throw new B2ApiError(400, 'auth_token_limit', `more than one upload using auth token ${presented}`);
    grant.busy = true;
    return grant;
  }

  /** Makes every upload URL issued so far fail its next upload with `status`/`code`. */
  invalidateUploads(failure: { status: number; code: string }): void {
    for (const grant of this.#uploads.values()) grant.invalid = failure;
  }
}
