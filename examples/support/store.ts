/**
 * The store the examples run on: S3 when `AWS_ENDPOINT_URL_S3` (Ceph, MinIO, any S3 endpoint) or
 * `S3FUNC_BUCKET` (AWS) is set: bucket `$S3FUNC_BUCKET`, default `s3func-examples`, created if
 * missing, with credentials and region found as the AWS CLI finds them (environment, profile, SSO,
 * roles, EC2/ECS/EKS). Otherwise the embedded file store in `$S3FUNC_EXAMPLE_DIR` (default: a
 * directory under the system's temp directory). `$S3FUNC_SETTLE_DELAY_MS` sets the settle delay on
 * S3 (see `timingsFor`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSession, isS3funcError, S3Session } from 's3func';

export type ExampleStore = FileSession | S3Session;

/** Opens the example store; the directory (or bucket) is shared with child processes through the environment. */
export async function openExampleStore(): Promise<ExampleStore> {
  if (process.env.AWS_ENDPOINT_URL_S3 || process.env.S3FUNC_BUCKET) {
    const s3 = S3Session.fromEnv({ bucket: process.env.S3FUNC_BUCKET ?? 's3func-examples' });
    // fails here, naming every place it looked, when no credentials can be found
    credentialSources.set(s3, (await s3.resolveCredentials()).source.description);
    await s3.createBucket().catch((error: unknown) => {
      if (!(isS3funcError(error) && 's3Code' in error && String(error.s3Code).startsWith('BucketAlready')))
        throw error;
    });
    return s3;
  }
  if (!process.env.S3FUNC_EXAMPLE_DIR) {
    const dir = mkdtempSync(join(tmpdir(), 's3func-example-'));
    process.env.S3FUNC_EXAMPLE_DIR = dir; // child processes inherit it and share the store
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return new FileSession({ root: process.env.S3FUNC_EXAMPLE_DIR });
}

/** Where each S3 store's credentials came from. */
const credentialSources = new WeakMap<S3Session, string>();

/** Where the example runs, for its first line of output. */
export function describeStore(store: ExampleStore): string {
  return store instanceof S3Session
    ? `S3 bucket ${store.bucket} at ${process.env.AWS_ENDPOINT_URL_S3 || `AWS ${store.region}`} (credentials: ${credentialSources.get(store)})`
    : `file store ${store.root}`;
}

/**
 * Lock timings for the examples. The file store lists its own writes at once with millisecond
 * timestamps, so a short settle delay is within its assumptions and the demo stays brisk. On S3 the
 * safe default settle delay applies (AWS lists whole seconds) unless `S3FUNC_SETTLE_DELAY_MS` gives
 * the figure `s3func probe` recommended for the store (Ceph RGW and MinIO list milliseconds).
 */
export function timingsFor(store: ExampleStore) {
  if (!(store instanceof S3Session)) return { leaseMs: 3000, settleDelayMs: 50, pollIntervalMs: 200 };
  const probed = process.env.S3FUNC_SETTLE_DELAY_MS;
  const settleDelayMs = probed ? Number(probed) : undefined;
  if (settleDelayMs !== undefined && !(Number.isFinite(settleDelayMs) && settleDelayMs >= 0))
    throw new Error(`S3FUNC_SETTLE_DELAY_MS must be a number of milliseconds, got ${JSON.stringify(probed)}`);
  return { leaseMs: 6000, pollIntervalMs: 500, ...(settleDelayMs === undefined ? {} : { settleDelayMs }) };
}
