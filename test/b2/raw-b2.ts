// biome-ignore-all lint/suspicious/noExplicitAny: raw B2 JSON answers, checked by the tests' assertions
/**
 * Raw HTTP against the B2 test server, without B2Session: for tests of the server itself, so they
 * check what it answers rather than what the client makes of it.
 */
import { createHash } from 'node:crypto';
import type { B2TestServer } from '../support/b2-server/server.js';

/** A JSON answer: status and parsed body. */
export interface RawAnswer {
  status: number;
  json: any;
}

export const sha1 = (data: string) => createHash('sha1').update(data).digest('hex');

/** An authorized raw client of one test server. */
export class RawB2 {
  token = '';
  accountId = '';
  bucketId = '';

  constructor(readonly server: B2TestServer) {}

  /** Authorizes with the server's master key and looks its bucket up. */
  static async connect(server: B2TestServer): Promise<RawB2> {
    const raw = new RawB2(server);
    const auth = await raw.authorize();
    raw.token = auth.json.authorizationToken;
    raw.accountId = auth.json.accountId;
    const buckets = await raw.call('b2_list_buckets', {
      accountId: raw.accountId,
      bucketName: server.bucketName,
    });
    raw.bucketId = buckets.json.buckets[0].bucketId;
    return raw;
  }

  /** `b2_authorize_account` with the master key id and `secret` (the right one by default). */
  async authorize(secret = this.server.key.applicationKey): Promise<RawAnswer & { res: Response }> {
    const basic = Buffer.from(`${this.server.key.applicationKeyId}:${secret}`).toString('base64');
    const res = await fetch(`${this.server.endpoint}/b2api/v3/b2_authorize_account`, {
      headers: { authorization: `Basic ${basic}` },
    });
    return { res, status: res.status, json: await res.json() };
  }

  /** A JSON call as a POST; `auth` null sends no Authorization header. */
  async call(api: string, body: unknown, auth: string | null = this.token): Promise<RawAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== null) headers.authorization = auth;
    const res = await fetch(`${this.server.endpoint}/b2api/v3/${api}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  async uploadUrl(): Promise<{ uploadUrl: string; authorizationToken: string }> {
    return (await this.call('b2_get_upload_url', { bucketId: this.bucketId })).json;
  }

  /** `b2_upload_file` of a text body with its SHA-1, to a new upload URL unless `target` is given. */
  async upload(
    name: string,
    body: string,
    headers: Record<string, string> = {},
    target?: { uploadUrl: string; authorizationToken: string },
  ): Promise<RawAnswer> {
    const url = target ?? (await this.uploadUrl());
    const res = await fetch(url.uploadUrl, {
      method: 'POST',
      headers: {
        authorization: url.authorizationToken,
        'x-bz-file-name': encodeURIComponent(name),
        'content-type': 'text/plain',
        'x-bz-content-sha1': sha1(body),
        ...headers,
      },
      body,
    });
    return { status: res.status, json: await res.json() };
  }

  /** A download by name (path below `/file/{bucket}/`). */
  download(name: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.server.endpoint}/file/${this.server.bucketName}/${name}`, {
      headers: { authorization: this.token, ...headers },
    });
  }
}
