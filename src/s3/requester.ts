/**
 * Sends one logical S3 call: builds the path and query, signs each attempt, retries per policy,
 * and turns error responses into typed errors. Everything above it speaks in keys and options.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { BodyNotReplayableError, S3funcError } from '../errors.js';
import { abortReason } from '../http/abort.js';
import { redactError } from '../http/redact.js';
import type { PreparedBody } from '../http/request-body.js';
import { discard } from '../http/response-body.js';
import { withRetries } from '../http/retry.js';
import type { RequestSafety } from '../http/retry-policy.js';
import { type HttpResponse, type HttpTransport, toTransportError } from '../http/transport.js';
import type { Addressing } from './addressing.js';
import { errorFromResponse } from './error-response.js';
import type { ResolvedS3Options } from './options.js';
import { canonicalQuery, encodeKeyPath, signRequest, UNSIGNED_PAYLOAD } from './sigv4/index.js';

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

/** Hex SHA-256 of the empty payload, signed for body-less requests. */
const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Signs and sends S3 calls for one session. */
export class S3Requester {
  constructor(
    private readonly transport: HttpTransport,
    private readonly addressing: Addressing,
    private readonly options: ResolvedS3Options,
  ) {}

  /** Path of a key (or of the bucket when `key` is undefined), encoded once. */
  pathOf(key: string | undefined): string {
    if (key !== undefined) return this.addressing.basePath + encodeKeyPath(key);
    return this.addressing.pathStyle ? this.addressing.basePath.slice(0, -1) : this.addressing.basePath;
  }

  /**
   * Sends the call, retrying as the policy allows. Resolves with a 2xx (or allowed) response, body
   * unread, or with what `read` makes of it: reading happens inside the attempt, so a body cut short
   * is retried like any other network failure.
   */
  send(call: S3Call): Promise<HttpResponse>;
  send<T>(call: S3Call, read: (res: HttpResponse) => Promise<T>): Promise<T>;
  send<T>(call: S3Call, read?: (res: HttpResponse) => Promise<T>): Promise<T | HttpResponse> {
    const path = this.pathOf(call.key);
    const query = compact(call.query);
    const queryString = canonicalQuery(query);
    const baseHeaders = compact(call.headers);
    const body = call.body;
    const payloadHash = payloadHashOf(body);
    if (body?.kind === 'bytes') baseHeaders['content-length'] = String(body.bytes.byteLength);
    const { secretAccessKey, sessionToken } = this.options.credentials;
    return withRetries(
      async () => {
        // what this attempt must never let into an error: the credentials, and its own signature
        const secrets = [secretAccessKey, sessionToken];
        try {
          return await this.#attempt(call, read, {
            path,
            query,
            queryString,
            baseHeaders,
            body,
            payloadHash,
            secrets,
          });
        } catch (error) {
          // our errors only: an abort rejects with the caller's own reason, which is theirs to keep
          throw error instanceof S3funcError ? redactError(error, secrets) : error;
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

  async #attempt<T>(
    call: S3Call,
    read: ((res: HttpResponse) => Promise<T>) | undefined,
    prepared: {
      path: string;
      query: Record<string, string>;
      queryString: string;
      baseHeaders: Record<string, string>;
      body: PreparedBody | undefined;
      payloadHash: string;
      secrets: (string | undefined)[];
    },
  ): Promise<T | HttpResponse> {
    const { path, query, queryString, baseHeaders, body, payloadHash, secrets } = prepared;
    if (body?.kind === 'stream' && body.consumed()) {
      throw new BodyNotReplayableError(call.operation, call.key, undefined);
    }
    const headers = { ...baseHeaders, host: this.addressing.host };
    const signed = signRequest({
      method: call.method,
      host: this.addressing.host,
      path,
      query,
      headers,
      payloadHash,
      credentials: this.options.credentials,
      region: this.options.region,
      now: new Date(this.options.runtime.wallNow()),
    });
    Object.assign(headers, signed);
    secrets.push(/Signature=([0-9a-f]+)/.exec(signed.authorization ?? '')?.[1]);
    const res = await this.transport
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
  if (body === undefined) return EMPTY_PAYLOAD_SHA256;
  // bodies in memory are hashed so a proxy cannot alter them unnoticed; streams are not read twice for it
  if (body.kind === 'bytes') return createHash('sha256').update(body.bytes).digest('hex');
  return UNSIGNED_PAYLOAD;
}

function compact(record: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (record) for (const name in record) if (record[name] !== undefined) out[name] = record[name] as string;
  return out;
}
