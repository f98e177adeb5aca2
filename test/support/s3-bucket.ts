/**
 * Integration-test helpers: a session on a fresh bucket of the server under test, and the clean-up
 * that empties and deletes it (every version and delete marker, so versioned buckets go too).
 */
import { S3Session, type S3SessionOptions } from '../../src/index.js';
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
