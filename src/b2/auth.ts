/**
 * `b2_authorize_account`, and the process-wide cache that shares one authorization between every
 * session and every concurrent call using the same key on the same endpoint.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { discard } from '../http/response-body.js';
import { withRetries } from '../http/retry.js';
import { abortable } from '../util/abort.js';
import { b2ErrorFromResponse } from './error-response.js';
import type { ResolvedB2Options } from './options.js';
import type { OriginPool } from './origins.js';
import { malformed, stringField } from './wire.js';

/** The native API version every call uses: v3 groups `b2_authorize_account`'s answer by API suite. */
export const API_PATH = '/b2api/v3';

/**
 * Authorizations are reused for at most an hour. B2 tokens last 24 hours; a fresh one every hour
 * keeps well clear of expiry, and a token that dies early is replaced on its first 401 anyway.
 */
export const MAX_AUTH_AGE_MS = 60 * 60 * 1000;

/** What `b2_authorize_account` (v3, `apiInfo.storageApi`) says that the client uses. */
export interface B2Authorization {
  accountId: string;
  /** The account authorization token, sent as `Authorization` on every other call. */
  token: string;
  apiUrl: string;
  downloadUrl: string;
  /** Set when the key is restricted to one bucket. */
  allowedBucketId: string | null;
  allowedBucketName: string | null;
}

interface Entry {
  promise: Promise<B2Authorization>;
  /** Set once the authorization arrived. */
  value: B2Authorization | undefined;
  expiresAtMs: number;
}

/** Authorizations by endpoint and key; one in flight per key, whoever asks. */
export class AuthCache {
  readonly #entries = new Map<string, Entry>();

  /**
   * The cached authorization for `cacheKey`, or a new one from `authorize` (shared by every caller
   * that asks while it is in flight). A failed authorization is not cached. `signal` only stops
   * this caller from waiting: the shared request goes on for the others.
   */
  get(
    cacheKey: string,
    authorize: () => Promise<B2Authorization>,
    signal: AbortSignal | undefined,
    nowMs: number = Date.now(),
  ): Promise<B2Authorization> {
    let entry = this.#entries.get(cacheKey);
    if (!entry || nowMs >= entry.expiresAtMs) {
      const created: Entry = {
        promise: authorize(),
        value: undefined,
        expiresAtMs: Number.POSITIVE_INFINITY,
      };
      created.promise.then(
        (value) => {
          created.value = value;
          created.expiresAtMs = Date.now() + MAX_AUTH_AGE_MS;
        },
        () => {
          if (this.#entries.get(cacheKey) === created) this.#entries.delete(cacheKey);
        },
      );
      this.#entries.set(cacheKey, created);
      entry = created;
    }
    return abortable(entry.promise, signal);
  }

  /**
   * Forgets the authorization whose token was `token` (a 401 said it is stale). Calls that failed
   * with an older token than the cached one leave the newer one alone, so 20 concurrent 401s cause
   * one new authorization, not 20.
   */
  invalidate(cacheKey: string, token: string): void {
    const entry = this.#entries.get(cacheKey);
    if (entry?.value?.token === token) this.#entries.delete(cacheKey);
  }
}

/** The cache every session of this process shares. */
export const processAuthCache = new AuthCache();

/** Cache key of a key on an endpoint; the secret is hashed so a wrong key never reuses a right one's token. */
export function authCacheKey(endpoint: string, keyId: string, key: string): string {
  return `${endpoint}\n${keyId}\n${createHash('sha256').update(key).digest('hex')}`;
}

/** Calls `b2_authorize_account` with HTTP Basic credentials, retrying transient failures. */
export function authorizeAccount(origins: OriginPool, options: ResolvedB2Options): Promise<B2Authorization> {
  const api = 'b2_authorize_account';
  const basic = Buffer.from(`${options.applicationKeyId}:${options.applicationKey}`).toString('base64');
  return withRetries(
    async () => {
      const { transport, path } = origins.target(options.endpoint, `${API_PATH}/${api}`);
      const res = await transport.request({
        method: 'GET',
        path,
        headers: { authorization: `Basic ${basic}` },
        operation: api,
      });
      if (res.status !== 200) throw await b2ErrorFromResponse(res, api, undefined);
      let json: unknown;
      try {
        json = await res.body.json();
      } catch (error) {
        await discard(res.body);
        throw malformed(api, `a body that is not JSON (${String(error)})`);
      }
      return parseAuthorization(json, api);
    },
    { retry: options.retry, safety: 'idempotent', onRetry: options.onRetry },
  );
}

/** Reads the v3 answer: the token at the top, the URLs and restrictions under `apiInfo.storageApi`. */
export function parseAuthorization(json: unknown, api = 'b2_authorize_account'): B2Authorization {
  const storage = (json as { apiInfo?: { storageApi?: Record<string, unknown> } } | null)?.apiInfo
    ?.storageApi;
  if (typeof storage !== 'object' || storage === null) throw malformed(api, 'no apiInfo.storageApi');
  const nullableString = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    accountId: stringField(json, 'accountId', api),
    token: stringField(json, 'authorizationToken', api),
    apiUrl: stringField(storage, 'apiUrl', api),
    downloadUrl: stringField(storage, 'downloadUrl', api),
    allowedBucketId: nullableString(storage.bucketId),
    allowedBucketName: nullableString(storage.bucketName),
  };
}
