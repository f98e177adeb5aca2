/**
 * An independent SigV4 check for the test servers, written from the AWS documentation ("Create a
 * canonical request", "Create a string to sign", "Calculate the signature") rather than from
 * s3func's signer, so a server can refuse a request our signer got wrong.
 */
import { createHash, createHmac } from 'node:crypto';
import type { ReceivedRequest } from './server.js';

/** What the Authorization header says. */
export interface SigV4Claim {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** The claim of a request's Authorization header, or undefined when it has none in SigV4 form. */
export function sigV4Claim(authorization: string | undefined): SigV4Claim | undefined {
  const m = AUTHORIZATION.exec(authorization ?? '');
  if (m === null) return undefined;
  const [, accessKeyId, date, region, service, signed, signature] = m as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signed as string).split(';'),
    signature: signature as string,
  };
}

const hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** True when `req` is signed with `secret` as its Authorization header claims. */
export function verifySigV4(req: ReceivedRequest, claim: SigV4Claim, secret: string): boolean {
  const [path = '/', search = ''] = req.url.split('?');
  const query = search
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map((p) => encodeRfc3986(decodeURIComponent(p.replace(/\+/g, ' ')))))
    .sort((a, b) =>
      a[0] === b[0] ? ((a[1] ?? '') < (b[1] ?? '') ? -1 : 1) : (a[0] ?? '') < (b[0] ?? '') ? -1 : 1,
    )
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join('&');
  const canonicalHeaders = claim.signedHeaders
    .map((name) => `${name}:${(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = req.headers['x-amz-content-sha256'] ?? hex(req.body);
  const canonical = [
    req.method,
    path,
    query,
    canonicalHeaders,
    claim.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const amzDate = req.headers['x-amz-date'] ?? '';
  const scope = `${claim.date}/${claim.region}/${claim.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${secret}`, claim.date), claim.region), claim.service),
    'aws4_request',
  );
  return createHmac('sha256', key).update(toSign).digest('hex') === claim.signature;
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
