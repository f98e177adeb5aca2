/**
 * Integration-test helpers: a session on a fresh bucket of the server under test, and the clean-up
 * that empties and deletes it (every version and delete marker, so versioned buckets go too).
 */
import { type ListObjectsOptions, S3Session, type S3SessionOptions } from '../../src/index.js';
import { s3Env, uniqueBucketName } from '../integration/s3-env.js';

/** Session options for `bucket` on the server under test, plus `overrides`. */
export function sessionOptions(bucket: string, overrides: Partial<S3SessionOptions> = {}): S3SessionOptions {
  const env = s3Env();
  return {
    accessKeyId: env.accessKeyId,
    secretAccessKey: env.secretAccessKey,
    region: env.region,
    endpoint: env.endpoint,
    bucket,
    ...overrides,
  };
}

/** Creates a bucket named after `prefix` and returns a session on it. */
export async function createTestBucket(
  prefix: string,
  overrides: Partial<S3SessionOptions> = {},
): Promise<S3Session> {
  const s3 = new S3Session(sessionOptions(uniqueBucketName(prefix), overrides));
  await s3.createBucket();
  return s3;
}

/** Deletes every version and delete marker in the session's bucket, then the bucket, then closes the session. */
export async function destroyTestBucket(s3: S3Session): Promise<void> {
  try {
    const targets: { key: string; versionId: string }[] = [];
    for await (const v of s3.listObjectVersions()) targets.push({ key: v.key, versionId: v.versionId });
    if (targets.length > 0) await s3.deleteObjects(targets);
    await s3.deleteBucket();
  } finally {
    await s3.close();
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; resolves when all are done. */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Every key of a listing, in listing order. */
export async function listKeys(s3: S3Session, options: ListObjectsOptions = {}): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of s3.listObjects(options)) keys.push(o.key);
  return keys;
}

/** Collects an async iterable into an array (Node 20 has no `Array.fromAsync`). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
