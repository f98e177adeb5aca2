/**
 * One IAM call (query protocol, `Version=2010-05-08`) signed by s3func's own SigV4 signer with
 * service `iam`, for tests that set up a store's roles and policies (Ceph RGW serves IAM on its S3
 * port). The answer comes back as it is; a status other than 200 is an error quoting the body.
 *
 * @example
 * ```ts
 * await iamCall(endpoint, keys, 'us-east-1', { Action: 'PutUserPolicy', UserName, PolicyName, PolicyDocument });
 * ```
 */
import { createHash } from 'node:crypto';
import { signRequest } from '../../src/s3/sigv4/sign.js';

export async function iamCall(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
  params: Record<string, string>,
): Promise<string> {
  const url = new URL('/', endpoint);
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = signRequest({
    method: 'POST',
    host: url.host,
    path: '/',
    headers: { ...headers, host: url.host },
    payloadHash: createHash('sha256').update(body).digest('hex'),
    credentials,
    region,
    service: 'iam',
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...signed },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`IAM ${params.Action} answered ${res.status}: ${text}`);
  return text;
}
