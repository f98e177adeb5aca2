/**
 * Upload URLs, pooled. B2 lets one upload at a time use an upload URL and its token (a second
 * concurrent one fails with `auth_token_limit`), so each upload takes a URL of its own from the
 * pool, or gets a new one with `b2_get_upload_url`, and gives it back when it succeeded. A URL that
 * failed is dropped: Backblaze's uploading guide says to get a new one after any upload failure.
 *
 * @module
 */
import type { B2Client } from './client.js';
import { stringField } from './wire.js';

/** An upload URL and the token that goes with it, from `b2_get_upload_url` or `b2_get_upload_part_url`. */
export interface UploadTarget {
  uploadUrl: string;
  authorizationToken: string;
}

/** Idle URLs kept for reuse; more are dropped (B2 hands out as many as asked for). */
export const MAX_IDLE_UPLOAD_URLS = 64;

/** A pool of upload URLs for one bucket. */
export class UploadUrlPool {
  readonly #idle: UploadTarget[] = [];
  readonly #fetch: (signal: AbortSignal | undefined) => Promise<UploadTarget>;
  /** Bumped by `clear()`: URLs handed out before it are not taken back. */
  #generation = 0;

  /** `fetch` gets a new URL (calls `b2_get_upload_url`). */
  constructor(fetch: (signal: AbortSignal | undefined) => Promise<UploadTarget>) {
    this.#fetch = fetch;
  }

  /** A URL nobody else is using: an idle one, or a new one. */
  async acquire(signal: AbortSignal | undefined): Promise<UploadTarget & { generation: number }> {
    const idle = this.#idle.pop();
    if (idle) return { ...idle, generation: this.#generation };
    const generation = this.#generation;
    return { ...(await this.#fetch(signal)), generation };
  }

  /** Gives back a URL whose upload succeeded. */
  release(target: UploadTarget & { generation: number }): void {
    if (target.generation !== this.#generation || this.#idle.length >= MAX_IDLE_UPLOAD_URLS) return;
    this.#idle.push({ uploadUrl: target.uploadUrl, authorizationToken: target.authorizationToken });
  }

  /** Number of idle URLs (for tests and metrics). */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** Drops every idle URL (the session is closing). */
  clear(): void {
    this.#idle.length = 0;
    this.#generation++;
  }
}

/** Gets a new upload URL for the session's bucket with `b2_get_upload_url`. */
export async function fetchUploadUrl(
  client: B2Client,
  signal: AbortSignal | undefined,
): Promise<UploadTarget> {
  const api = 'b2_get_upload_url';
  const json = await client.callApi({
    api,
    body: { bucketId: await client.bucketId(signal) },
    safety: 'idempotent',
    signal,
  });
  return {
    uploadUrl: stringField(json, 'uploadUrl', api),
    authorizationToken: stringField(json, 'authorizationToken', api),
  };
}
