// The clients under comparison behind one small interface, each loaded only when asked for, so a
// child process measuring one of them never loads another.
//
// The AWS SDK is configured as a user of an S3-compatible store must configure it: its default
// flexible checksums send streams as aws-chunked bodies with a trailer, which Ceph RGW 16 refuses
// (MissingContentLength), so checksums are computed only where an operation requires them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PEERS = ['s3func', 'aws-sdk', 'minio'];
export const PEER_LABELS = { s3func: 's3func', 'aws-sdk': '@aws-sdk/client-s3', minio: 'minio' };

/** The module a peer's users import, as `import()` / `require()` would name it. */
export function peerModule(peer, oursDir, format = 'esm') {
  if (peer === 's3func') return join(oursDir, format === 'esm' ? 'index.js' : 'index.cjs');
  return peer === 'aws-sdk' ? '@aws-sdk/client-s3' : 'minio';
}

/** Opens a client of `peer` on the bucket `s3.bucket`. */
export async function openPeer(peer, s3, oursDir) {
  if (peer === 's3func') return openOurs(s3, oursDir);
  if (peer === 'aws-sdk') return openSdk(s3);
  if (peer === 'minio') return openMinio(s3);
  throw new Error(`unknown peer ${peer}`);
}

async function openOurs(s3, oursDir) {
  const { S3Session } = await import(pathToFileURL(peerModule('s3func', oursDir)).href);
  const c = new S3Session({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  return {
    put: (key, body) => c.putObject(key, body),
    get: async (key) => (await c.getObject(key)).bytes(),
    putStream: (key, stream, size) => c.putObject(key, stream, { contentLength: size }),
    getStream: async (key) => (await c.getObject(key)).body,
    list: async (prefix) => {
      let n = 0;
      for await (const _ of c.listObjects({ prefix })) n++;
      return n;
    },
    close: () => c.close(),
  };
}

async function openSdk(s3) {
  const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = await import(
    '@aws-sdk/client-s3'
  );
  const c = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = s3.bucket;
  return {
    put: (Key, Body) => c.send(new PutObjectCommand({ Bucket, Key, Body })),
    get: async (Key) => (await c.send(new GetObjectCommand({ Bucket, Key }))).Body.transformToByteArray(),
    putStream: (Key, Body, size) => c.send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: size })),
    getStream: async (Key) => (await c.send(new GetObjectCommand({ Bucket, Key }))).Body,
    list: async (Prefix) => {
      let n = 0;
      let ContinuationToken;
      do {
        const page = await c.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
        n += page.Contents?.length ?? 0;
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return n;
    },
    close: async () => c.destroy(),
  };
}

async function openMinio(s3) {
  const { Client } = await import('minio');
  const url = new URL(s3.endpoint);
  const c = new Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: s3.accessKeyId,
    secretKey: s3.secretAccessKey,
    region: s3.region,
    pathStyle: true,
  });
  const bucket = s3.bucket;
  return {
    put: (key, body) => c.putObject(bucket, key, Buffer.isBuffer(body) ? body : Buffer.from(body)),
    get: async (key) => {
      const chunks = [];
      for await (const chunk of await c.getObject(bucket, key)) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    putStream: (key, stream, size) => c.putObject(bucket, key, stream, size),
    getStream: (key) => c.getObject(bucket, key),
    list: (prefix) =>
      new Promise((resolve, reject) => {
        let n = 0;
        c.listObjectsV2(bucket, prefix, true)
          .on('data', () => n++)
          .on('error', reject)
          .on('end', () => resolve(n));
      }),
    close: async () => {},
  };
}
