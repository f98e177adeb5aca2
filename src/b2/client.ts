/**
 * Sends one logical B2 call: takes the shared authorization, re-authorizes once when B2 says the
 * token is stale, retries per policy, and turns error answers into `B2Error`s. The session above it
 * speaks in file names and options.
 *
 * @module
 */
import { B2Error } from '../errors.js';
import { discard } from '../http/response-body.js';
import { withRetries } from '../http/retry.js';
import type { RequestSafety } from '../http/retry-policy.js';
import { type HttpResponse, toTransportError } from '../http/transport.js';
import { abortable, abortReason } from '../util/abort.js';
import { API_PATH, authCacheKey, authorizeAccount, type B2Authorization, processAuthCache } from './auth.js';
import { b2ErrorFromResponse, isStaleTokenError } from './error-response.js';
import type { ResolvedB2Options } from './options.js';
import { OriginPool } from './origins.js';
import { malformed } from './wire.js';

/** One JSON API call (`b2_list_file_names`, …), sent as a POST to the API URL. */
export interface ApiCall {
  api: string;
  body: Record<string, unknown>;
  /** The file name the call is about, for errors. */
  key?: string | undefined;
  safety: RequestSafety;
  signal?: AbortSignal | undefined;
}

/** One request to the download URL (`/file/{bucket}/{name}` or `b2_download_file_by_id`). */
export interface DownloadCall {
  operation: string;
  method: 'GET' | 'HEAD';
  /** Path below the download URL, encoded. */
  path: string;
  headers?: Record<string, string | undefined> | undefined;
  key: string;
  signal?: AbortSignal | undefined;
}

/** Calls for one session: authorization, retries, typed errors. */
export class B2Client {
  readonly options: ResolvedB2Options;
  readonly origins: OriginPool;
  readonly #cacheKey: string;
  #bucketId: Promise<string> | undefined;

  constructor(options: ResolvedB2Options) {
    this.options = options;
    this.origins = new OriginPool(options.transport);
    this.#cacheKey = authCacheKey(options.endpoint, options.applicationKeyId, options.applicationKey);
  }

  /** The shared authorization, fetched if there is none younger than an hour. */
  auth(signal?: AbortSignal): Promise<B2Authorization> {
    return processAuthCache.get(this.#cacheKey, () => authorizeAccount(this.origins, this.options), signal);
  }

  /**
   * Runs `fn` with the current authorization; when it fails with `expired_auth_token` or
   * `bad_auth_token`, forgets that token, authorizes again and runs `fn` once more.
   */
  async withAuth<T>(signal: AbortSignal | undefined, fn: (auth: B2Authorization) => Promise<T>): Promise<T> {
    const first = await this.auth(signal);
    try {
      return await fn(first);
    } catch (error) {
      if (!isStaleTokenError(error)) throw error;
      processAuthCache.invalidate(this.#cacheKey, first.token);
      return fn(await this.auth(signal));
    }
  }

  /** Runs `attempt` under the session's retry policy. */
  retrying<T>(safety: RequestSafety, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, {
      retry: this.options.retry,
      safety,
      signal,
      onRetry: this.options.onRetry,
    });
  }

  /** Sends a JSON API call and resolves with its parsed JSON answer. */
  callApi(call: ApiCall): Promise<unknown> {
    const bytes = Buffer.from(JSON.stringify(call.body), 'utf8');
    return this.retrying(call.safety, call.signal, () =>
      this.withAuth(call.signal, async (auth) => {
        const { transport, path } = this.origins.target(auth.apiUrl, `${API_PATH}/${call.api}`);
        const res = await transport.request({
          method: 'POST',
          path,
          headers: {
            authorization: auth.token,
            'content-type': 'application/json',
            'content-length': String(bytes.byteLength),
          },
          body: bytes,
          signal: call.signal,
          key: call.key,
          operation: call.api,
        });
        return readJson(res, call.api, call.key, call.signal);
      }),
    );
  }

  /** Sends a download request; resolves with the 200/206 response, body unread. */
  download(call: DownloadCall): Promise<HttpResponse> {
    return this.retrying('idempotent', call.signal, () =>
      this.withAuth(call.signal, async (auth) => {
        const { transport, path } = this.origins.target(auth.downloadUrl, call.path);
        const headers: Record<string, string> = { authorization: auth.token };
        for (const [name, value] of Object.entries(call.headers ?? {}))
          if (value !== undefined) headers[name] = value;
        const res = await transport.request({
          method: call.method,
          path,
          headers,
          signal: call.signal,
          key: call.key,
          operation: call.operation,
        });
        if (res.status === 200 || res.status === 206) return res;
        throw await b2ErrorFromResponse(res, call.operation, call.key);
      }),
    );
  }

  /**
   * The id of the session's bucket: from the authorization when the key is restricted to it,
   * else from `b2_list_buckets` (once per session).
   */
  bucketId(signal?: AbortSignal): Promise<string> {
    this.#bucketId ??= this.#lookUpBucketId().catch((error: unknown) => {
      this.#bucketId = undefined;
      throw error;
    });
    return abortable(this.#bucketId, signal);
  }

  async #lookUpBucketId(): Promise<string> {
    const bucket = this.options.bucket;
    const auth = await this.auth();
    if (auth.allowedBucketName === bucket && auth.allowedBucketId) return auth.allowedBucketId;
    const api = 'b2_list_buckets';
    const json = (await this.callApi({
      api,
      body: { accountId: auth.accountId, bucketName: bucket },
      safety: 'idempotent',
    })) as { buckets?: { bucketId?: unknown; bucketName?: unknown }[] };
    if (!Array.isArray(json?.buckets)) throw malformed(api, 'no buckets array');
    const found = json.buckets.find((b) => b.bucketName === bucket);
    if (typeof found?.bucketId !== 'string') {
      // B2 answers an unknown name with an empty list; reported as the 404 it amounts to
      throw new B2Error({
        status: 404,
        method: api,
        b2Code: 'bucket_not_found',
        message: `bucket ${JSON.stringify(bucket)} does not exist or this application key cannot list it`,
      });
    }
    return found.bucketId;
  }

  /** Closes every connection. Idempotent. */
  close(): Promise<void> {
    return this.origins.close();
  }
}

/** Reads a 200 answer as JSON inside the attempt (so a body cut short is retried), or throws the error answer. */
export async function readJson(
  res: HttpResponse,
  api: string,
  key: string | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (res.status !== 200) throw await b2ErrorFromResponse(res, api, key);
  let text: string;
  try {
    text = await res.body.text();
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw toTransportError(error, api, key);
  }
  try {
    return JSON.parse(text);
  } catch {
    await discard(res.body);
    throw malformed(api, 'a body that is not JSON');
  }
}
