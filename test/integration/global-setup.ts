import type { TestProject } from 'vitest/node';
import type { S3TestEnv } from './s3-env.js';

const DEFAULT_REGION = 'us-east-1';
const REACHABLE_TIMEOUT_MS = 5_000;

const HOW_TO_RUN = [
  'Run them through `npm test` (or `node scripts/test.mjs --only integration`), which starts a',
  'throwaway Ceph RGW with scripts/ceph-rgw.sh, or point them at an S3 endpoint of your own:',
  '  export AWS_ENDPOINT_URL_S3=http://127.0.0.1:7480 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… [AWS_REGION=…]',
  '  (a local one: scripts/ceph-rgw.sh start && eval "$(scripts/ceph-rgw.sh env)")',
].join('\n');

/** Reads the endpoint from the standard AWS variables; anything missing is an error, never a skip. */
export function s3EnvFromProcess(env: NodeJS.ProcessEnv): S3TestEnv {
  const endpoint = env.AWS_ENDPOINT_URL_S3?.trim();
  if (!endpoint) {
    throw new Error(
      `The integration tests need a real S3 server and AWS_ENDPOINT_URL_S3 is not set.\n${HOW_TO_RUN}`,
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`AWS_ENDPOINT_URL_S3 is not a URL: '${endpoint}'.\n${HOW_TO_RUN}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`AWS_ENDPOINT_URL_S3 must be an http(s) URL, got '${endpoint}'.`);
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      `AWS_ENDPOINT_URL_S3 is set but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.\n${HOW_TO_RUN}`,
    );
  }
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    accessKeyId,
    secretAccessKey,
    region: env.AWS_REGION || DEFAULT_REGION,
    sts: stsFromProcess(env),
  };
}

/**
 * The store's own STS, for test/integration/credentials-ceph-sts.test.ts: both variables or neither
 * (that suite is then skipped, saying why: a gateway started by an older scripts/ceph-rgw.sh, or
 * another S3 server, has no STS to test).
 */
function stsFromProcess(env: NodeJS.ProcessEnv): S3TestEnv['sts'] {
  const endpoint = env.S3_TEST_STS_ENDPOINT?.trim();
  const roleArn = env.S3_TEST_STS_ROLE_ARN?.trim();
  if (!endpoint && !roleArn) return undefined;
  if (!endpoint || !roleArn) {
    throw new Error(
      'S3_TEST_STS_ENDPOINT and S3_TEST_STS_ROLE_ARN go together (scripts/ceph-rgw.sh env prints both); one is missing.',
    );
  }
  try {
    new URL(endpoint);
  } catch {
    throw new Error(`S3_TEST_STS_ENDPOINT is not a URL: '${endpoint}'.`);
  }
  return { endpoint: endpoint.replace(/\/+$/, ''), roleArn };
}

// A dead endpoint would otherwise show up as every test timing out one after the other.
async function assertReachable(endpoint: string): Promise<void> {
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(REACHABLE_TIMEOUT_MS) });
    await res.arrayBuffer();
  } catch (err) {
    throw new Error(`S3 endpoint ${endpoint} (AWS_ENDPOINT_URL_S3) does not answer HTTP.\n${HOW_TO_RUN}`, {
      cause: err,
    });
  }
}

/**
 * vitest globalSetup of the `integration` project: hands the endpoint to the tests (`s3Env()`).
 * It starts nothing: the server's lifetime belongs to scripts/test.mjs (or to whoever set the
 * variables), and buckets are created by the tests that use them.
 */
export default async function setup(project: TestProject): Promise<void> {
  const s3 = s3EnvFromProcess(process.env);
  await assertReachable(s3.endpoint);
  project.provide('s3', s3);
}
