/**
 * A signed request outside `S3Session`, for the bucket settings the session has no method for
 * (bucket policies). Plain `fetch` plus the project's signer.
 */
import { createHash } from 'node:crypto';
import { signRequest } from '../../src/index.js';
import { canonicalQuery, type QueryParams } from '../../src/s3/sigv4/sign.js';
import { s3Env } from '../integration/s3-env.js';

/** Sends a path-style request for `bucket` with `query` and `body`, signed with the test credentials. */
export async function rawBucketRequest(
  method: 'GET' | 'PUT' | 'DELETE',
  bucket: string,
  query: QueryParams,
  body?: string,
): Promise<{ status: number; text: string }> {
  const env = s3Env();
  const url = new URL(env.endpoint);
  const path = `${url.pathname.replace(/\/+$/, '')}/${bucket}`;
  const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const headers: Record<string, string> = { host: url.host };
  Object.assign(
    headers,
    signRequest({
      method,
      host: url.host,
      path,
      query,
      headers,
      payloadHash: createHash('sha256')
        .update(bytes ?? new Uint8Array(0))
        .digest('hex'),
      credentials: env,
      region: env.region,
    }),
  );
  const { host: _host, ...sent } = headers;
  const res = await fetch(`${url.origin}${path}?${canonicalQuery(query)}`, {
    method,
    headers: sent,
    ...(bytes === undefined ? {} : { body: bytes }),
  });
  return { status: res.status, text: await res.text() };
}

/** Sets a bucket policy that denies deleting (any version of) keys under `prefix` to everyone. */
export async function denyDeletesUnder(bucket: string, prefix: string): Promise<void> {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        Resource: [`arn:aws:s3:::${bucket}/${prefix}*`],
      },
    ],
  };
  const res = await rawBucketRequest('PUT', bucket, { policy: '' }, JSON.stringify(policy));
  if (res.status >= 300) throw new Error(`PutBucketPolicy failed: ${res.status} ${res.text}`);
}

/** Removes the bucket's policy. */
export async function deleteBucketPolicy(bucket: string): Promise<void> {
  const res = await rawBucketRequest('DELETE', bucket, { policy: '' });
  if (res.status >= 300) throw new Error(`DeleteBucketPolicy failed: ${res.status} ${res.text}`);
}
