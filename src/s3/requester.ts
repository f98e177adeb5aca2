/**
 * Sends one logical S3 call: builds the path and query, signs each attempt with the session's
 * current credentials for the bucket's current region, retries per policy, and turns error
 * responses into typed errors. Two answers are acted on at once, outside the retry budget, each at
 * most once per call: credentials refused as expired or invalid are refreshed and the call resent;
 * a store naming another region for the bucket is followed and the call re-signed. Everything
 * above it speaks in keys and options.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { BodyNotReplayableError, S3Error, S3funcError } from '../errors.js';
import { redactError } from '../http/redact.js';
import { discard } from '../http/response-body.js';
import { withRetries } from '../http/retry.js';
import type { RequestSafety } from '../http/retry-policy.js';
import { type HttpResponse, toTransportError } from '../http/transport.js';
import type { PreparedBody } from '../store/request-body.js';
import { abortReason } from '../util/abort.js';
import type { CredentialsCache } from './credentials/cache.js';
import type { SourcedCredentials } from './credentials/types.js';
import { errorFromResponse } from './error-response.js';
import type { ResolvedS3Options } from './options.js';
import { canonicalQuery, EMPTY_SHA256, encodeKeyPath, signRequest, UNSIGNED_PAYLOAD } from './sigv4/sign.js';
import type { S3Site } from './site.js';

/** One S3 call as the session describes it. */
export interface S3Call {
  /** Operation name for errors: `PutObject`, `ListObjectsV2`, … */
  operation: string;
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE' | 'POST';
  /** Object key; omitted for bucket-level calls. */
  key?: string | undefined;
  query?: Record<string, string | undefined> | undefined;
  headers?: Record<string, string | undefined> | undefined;
  body?: PreparedBody | undefined;
  safety: RequestSafety;
  signal?: AbortSignal | undefined;
  /** Statuses treated as success besides 2xx (for example 304). */
  okStatuses?: readonly number[] | undefined;
}

/**
 * S3 codes for credentials the store no longer accepts: temporary credentials past their
 * expiration (`ExpiredToken`, 400 on AWS), a token it does not know or that was revoked
 * (`InvalidToken`), or one it wants refreshed (`TokenRefreshRequired`).
 */
const REFRESH_CODES: ReadonlySet<string> = new Set(['ExpiredToken', 'InvalidToken', 'TokenRefreshRequired']);
/** Statuses on which a store names the bucket's region: a redirect, or a refused signature. */
const REGION_STATUSES: ReadonlySet<number> = new Set([301, 307, 400, 403]);

/** What an attempt did not do because of the call's own answer, and may do once. */
interface CallState {
  refreshed: boolean;
  relocated: boolean;
}

/** Signs and sends S3 calls for one session. */
export class S3Requester {
  constructor(
    private readonly site: S3Site,
    private readonly credentials: CredentialsCache,
    private readonly options: ResolvedS3Options,
  ) {}

  /** Path of a key (or of the bucket when `key` is undefined), encoded once, for the current addressing. */
  pathOf(key: string | undefined): string {
    const addressing = this.site.addressing;
    if (key !== undefined) return addressing.basePath + encodeKeyPath(key);
    return addressing.pathStyle ? addressing.basePath.slice(0, -1) : addressing.basePath;
  }

  /**
   * Sends the call, retrying as the policy allows. Resolves with a 2xx (or allowed) response, body
   * unread, or with what `read` makes of it: reading happens inside the attempt, so a body cut short
   * is retried like any other network failure.
   */
  send(call: S3Call): Promise<HttpResponse>;
  send<T>(call: S3Call, read: (res: HttpResponse, attempt: number) => Promise<T>): Promise<T>;
  send<T>(
    call: S3Call,
    read?: (res: HttpResponse, attempt: number) => Promise<T>,
  ): Promise<T | HttpResponse> {
    const query = compact(call.query);
    const queryString = canonicalQuery(query);
    const baseHeaders = compact(call.headers);
    const body = call.body;
    const payloadHash = payloadHashOf(body);
    if (body?.kind === 'bytes') baseHeaders['content-length'] = String(body.bytes.byteLength);
    const state: CallState = { refreshed: false, relocated: false };
    return withRetries(
      async (n) => {
        await this.site.ready();
        let credentials = await this.credentials.get(call.signal);
        for (;;) {
          // what this attempt must never let into an error: the credentials, and its own signature
          const secrets = [credentials.secretAccessKey, credentials.sessionToken];
          const prepared = { query, queryString, baseHeaders, body, payloadHash, secrets };
          try {
            return await this.#attempt(call, read && ((res) => read(res, n)), credentials, prepared);
          } catch (error) {
            // our errors only: an abort rejects with the caller's own reason, which is theirs to keep
            if (!(error instanceof S3funcError)) throw error;
            redactError(error, secrets);
            if (this.#replayable(body) && this.#relocate(error, state)) continue;
            if (this.#replayable(body) && this.#mustRefresh(error, state)) {
              credentials = await this.credentials.rejected(credentials, call.signal);
              continue;
            }
            throw error;
          }
        }
      },
      {
        retry: this.options.retry,
        safety: call.safety,
        signal: call.signal,
        onRetry: this.options.onRetry,
        // called on the runtime: it may be an object whose methods use `this`
        random: () => this.options.runtime.random(),
        sleep: (ms, signal) => this.options.runtime.sleep(ms, signal),
      },
    );
  }

  /** True unless the body is a stream already read: such a call cannot be sent again. */
  #replayable(body: PreparedBody | undefined): boolean {
    return !(body?.kind === 'stream' && body.consumed());
  }

  /** The store named another region for the bucket: follow it once per call. */
  #relocate(error: S3funcError, state: CallState): boolean {
    if (state.relocated || !(error instanceof S3Error) || !REGION_STATUSES.has(error.status)) return false;
    const region = error.bucketRegion;
    if (region === undefined) return false;
    state.relocated = true;
    return this.site.learn(region, error.s3Code, (event) => {
      try {
        this.options.onDebug?.({ type: 'bucket-region', bucket: this.site.bucket, ...event });
      } catch {
        // a listener that throws must not fail the request it observes
      }
    });
  }

  /** The store refused the credentials as expired or invalid: refresh them once per call. */
  #mustRefresh(error: S3funcError, state: CallState): boolean {
    if (state.refreshed || !(error instanceof S3Error) || !REFRESH_CODES.has(error.s3Code)) return false;
    state.refreshed = true;
    return true;
  }

  async #attempt<T>(
    call: S3Call,
    read: ((res: HttpResponse) => Promise<T>) | undefined,
    credentials: SourcedCredentials,
    prepared: {
      query: Record<string, string>;
      queryString: string;
      baseHeaders: Record<string, string>;
      body: PreparedBody | undefined;
      payloadHash: string;
      secrets: (string | undefined)[];
    },
  ): Promise<T | HttpResponse> {
    const { query, queryString, baseHeaders, body, payloadHash, secrets } = prepared;
    if (body?.kind === 'stream' && body.consumed()) {
      throw new BodyNotReplayableError(call.operation, call.key, undefined);
    }
    const path = this.pathOf(call.key);
    const host = this.site.addressing.host;
    const headers = { ...baseHeaders, host };
    const signed = signRequest({
      method: call.method,
      host,
      path,
      query,
      headers,
      payloadHash,
      credentials,
      region: this.site.region,
      now: new Date(this.options.runtime.wallNow()),
    });
    Object.assign(headers, signed);
    secrets.push(/Signature=([0-9a-f]+)/.exec(signed.authorization ?? '')?.[1]);
    const res = await this.site
      .transport()
      .request({
        method: call.method,
        path: queryString ? `${path}?${queryString}` : path,
        headers,
        body: body === undefined ? undefined : body.kind === 'bytes' ? body.bytes : body.open(),
        signal: call.signal,
        key: call.key,
        // errors name the operation, as S3Error and errors while reading the body do
        operation: call.operation,
      })
      .catch((error: unknown) => {
        throw body?.kind === 'stream' && !body.replayable && body.consumed()
          ? new BodyNotReplayableError(call.operation, call.key, error)
          : error;
      });
    if ((res.status >= 200 && res.status < 300) || call.okStatuses?.includes(res.status)) {
      if (!read) return res;
      try {
        return await read(res);
      } catch (error) {
        if (call.signal?.aborted) throw abortReason(call.signal);
        throw error instanceof S3funcError ? error : toTransportError(error, call.operation, call.key);
      }
    }
    const error = await errorFromResponse(res, call.operation, call.key);
    throw body?.kind === 'stream' && !body.replayable && body.consumed() && error.retryable
      ? new BodyNotReplayableError(call.operation, call.key, error)
      : error;
  }

  /** Sends a call whose response body is not needed, and frees the connection. */
  sendAndDiscard(call: S3Call): Promise<HttpResponse> {
    return this.send(call, async (res) => {
      await discard(res.body);
      return res;
    });
  }

  /** Sends a call and reads its (small, XML) body as text. */
  sendForText(call: S3Call): Promise<{ res: HttpResponse; text: string }> {
    return this.send(call, async (res) => ({ res, text: await res.body.text() }));
  }
}

function payloadHashOf(body: PreparedBody | undefined): string {
  if (body === undefined) return EMPTY_SHA256;
  // bodies in memory are hashed so a proxy cannot alter them unnoticed; streams are not read twice for it
  if (body.kind === 'bytes') return createHash('sha256').update(body.bytes).digest('hex');
  return UNSIGNED_PAYLOAD;
}

function compact(record: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (record) for (const name in record) if (record[name] !== undefined) out[name] = record[name] as string;
  return out;
}
