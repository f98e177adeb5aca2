// The S3 endpoint the bench runs against: AWS_ENDPOINT_URL_S3 and the AWS_* credentials when set,
// otherwise a throwaway Ceph RGW started with scripts/ceph-rgw.sh (as scripts/test.mjs does) and
// stopped afterwards. A fresh bucket per run, emptied and deleted at the end.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BENCH_DIR } from './child.mjs';

const CEPH_SCRIPT = join(BENCH_DIR, '..', 'scripts', 'ceph-rgw.sh');

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args[0]} exited ${code}`)),
    );
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves to { s3: { endpoint, region, accessKeyId, secretAccessKey }, cephConf, server, stop }.
 * `cephConf` is set when we know the Ceph cluster (ours, or BENCH_CEPH_DIR), so that deleted data can
 * be garbage-collected on demand; `stop()` is idempotent.
 */
export async function provideS3(log) {
  const env = process.env;
  if (env.AWS_ENDPOINT_URL_S3) {
    log(`S3: using AWS_ENDPOINT_URL_S3=${env.AWS_ENDPOINT_URL_S3}`);
    return {
      s3: fromEnv(env),
      cephConf: env.BENCH_CEPH_DIR ? join(env.BENCH_CEPH_DIR, 'ceph.conf') : undefined,
      server: await serverName(),
      stop: async () => {},
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 's3func-bench-ceph-'));
  let stopping;
  const stop = () => {
    stopping ??= run(CEPH_SCRIPT, ['stop', '--dir', dir]).then(() =>
      rm(dir, { recursive: true, force: true }),
    );
    return stopping;
  };
  try {
    await run(CEPH_SCRIPT, ['start', '--dir', dir, '--port', String(await freePort())]);
    const printed = await run(CEPH_SCRIPT, ['env', '--dir', dir], { capture: true });
    const vars = {};
    for (const [, key, value] of printed.matchAll(/^export (\w+)=(.*)$/gm)) vars[key] = value;
    log(`S3: Ceph RGW at ${vars.AWS_ENDPOINT_URL_S3} (${dir})`);
    return { s3: fromEnv(vars), cephConf: join(dir, 'ceph.conf'), server: await serverName(), stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

function fromEnv(env) {
  return {
    endpoint: env.AWS_ENDPOINT_URL_S3,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  };
}

/** `Ceph RGW 16.2.x` when radosgw is installed here, else a generic name. */
async function serverName() {
  try {
    const { stdout } = await promisify(execFile)('radosgw', ['--version']);
    const version = /ceph version (\S+)/.exec(stdout)?.[1];
    return version ? `Ceph RGW ${version} (memstore, loopback)` : 'S3 endpoint';
  } catch {
    return 'S3 endpoint';
  }
}

/** Frees the space of deleted objects now, where we know the cluster; a no-op elsewhere. */
export async function collectGarbage(cephConf) {
  if (!cephConf) return;
  await promisify(execFile)('radosgw-admin', ['-c', cephConf, 'gc', 'process', '--include-all'], {
    timeout: 120_000,
  });
}

/** A session of our own client for setup and cleanup (not measured). */
export async function openSetupSession(s3, bucket, oursDir) {
  const { S3Session } = await import(pathToFileURL(join(oursDir, 'index.js')).href);
  return new S3Session({ ...s3, bucket });
}

/** Deletes every object under `prefix` (the whole bucket when empty). */
export async function emptyPrefix(session, prefix = '') {
  const keys = [];
  for await (const o of session.listObjects({ prefix })) keys.push(o.key);
  if (keys.length > 0) await session.deleteObjects(keys);
  return keys.length;
}
