// SigV4 header signing throughput of one signer on the same two requests (a GET with a range and a
// PUT with metadata), checked to produce the same Authorization header as the other signer.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { signer, oursDir, batchMs, batches } = JSON.parse(process.argv[2]);

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const region = 'us-east-1';
const now = new Date('2026-11-25T12:00:00Z');
const host = '127.0.0.1:7480';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const REQUESTS = [
  {
    method: 'GET',
    path: '/bench-bucket/reports/2026/q4/summary.csv',
    query: { versionId: 'v1' },
    headers: { range: 'bytes=0-1023' },
    payloadHash: EMPTY,
  },
  {
    method: 'PUT',
    path: '/bench-bucket/jobs/nightly.lock.0123456789abc-1',
    query: {},
    headers: { 'content-type': 'application/octet-stream', 'x-amz-meta-owner': 'host-1:4242' },
    payloadHash: 'UNSIGNED-PAYLOAD',
  },
];

async function oursSigner() {
  const { signRequest } = await import(pathToFileURL(join(oursDir, 'index.js')).href);
  return async (r) =>
    signRequest({
      method: r.method,
      host,
      path: r.path,
      query: r.query,
      headers: { ...r.headers, host },
      payloadHash: r.payloadHash,
      credentials,
      region,
      now,
    }).authorization;
}

async function sdkSigner() {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Hash } = await import('@smithy/hash-node');
  // configured as @aws-sdk/client-s3 configures it on Node
  const sdk = new SignatureV4({
    credentials,
    region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  return async (r) => {
    const signed = await sdk.sign(
      {
        method: r.method,
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 7480,
        path: r.path,
        query: r.query,
        headers: { ...r.headers, host, 'x-amz-content-sha256': r.payloadHash },
      },
      { signingDate: now },
    );
    return signed.headers.authorization;
  };
}

const sign = signer === 's3func' ? await oursSigner() : await sdkSigner();
const authorizations = [];
for (const r of REQUESTS) authorizations.push(await sign(r));

let i = 0;
const opsPerSec = [];
for (let b = -1; b < batches; b++) {
  // b = -1 warms up
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < batchMs) {
    for (let k = 0; k < 200; k++) await sign(REQUESTS[i++ & 1]);
    n += 200;
    elapsed = performance.now() - t0;
  }
  if (b >= 0) opsPerSec.push((n / elapsed) * 1000);
}
console.log(JSON.stringify({ opsPerSec, authorizations }));
