import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The S3 endpoint the integration tests run against, provided by `global-setup.ts`. */
export interface S3TestEnv {
  /** Base URL, e.g. `http://127.0.0.1:7480` (no trailing slash). */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /**
   * The store's own STS and a role the keys above may assume (`S3_TEST_STS_ENDPOINT`,
   * `S3_TEST_STS_ROLE_ARN`, which `scripts/ceph-rgw.sh env` prints); undefined when not given.
   */
  sts: { endpoint: string; roleArn: string } | undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestEnv;
  }
}

/** The endpoint and credentials of the S3 server under test (inside a test file only). */
export function s3Env(): S3TestEnv {
  return inject('s3');
}

// S3 bucket names: 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit.
// Dots are valid too but break virtual-hosted TLS, so tests never use them.
const MAX_BUCKET_NAME = 63;
// '-' + 8 base-36 time digits + '-' + 8 hex digits: unique across files, runs and machines sharing
// one server (a re-run within the same millisecond still differs in the random part).
const SUFFIX_LENGTH = 18;

/**
 * A fresh, valid bucket name that starts with `prefix` (sanitised), so every test can own its
 * bucket on a shared server: `uniqueBucketName('locks')` → `locks-mj5x0k2p-9f1c20ab`.
 */
export function uniqueBucketName(prefix = 's3func'): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .slice(0, MAX_BUCKET_NAME - SUFFIX_LENGTH)
      .replace(/^-+|-+$/g, '') || 's3func';
  const time = Date.now().toString(36).padStart(8, '0').slice(-8);
  return `${clean}-${time}-${randomBytes(4).toString('hex')}`;
}
