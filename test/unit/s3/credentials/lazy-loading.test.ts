// Each credentials source is loaded only when the chain reaches it: a process whose credentials
// come from the environment loads none of the others (nor the chain itself), and one that goes down
// the chain loads exactly the sources it passes. Checked on the module graph a real process loads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImdsServer } from '../../../support/aws/imds-server.js';
import { CredentialIssuer } from '../../../support/aws/issuer.js';

const SUPPORT = resolve(__dirname, '../../../support/aws');
const dir = mkdtempSync(join(tmpdir(), 's3func-lazy-'));
let imds: ImdsServer;

beforeAll(async () => {
  imds = await ImdsServer.start({
    issuer: new CredentialIssuer({ accessKeyId: 'A', secretAccessKey: 'S' }),
    role: 'r',
  });
});
afterAll(async () => {
  await imds.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the probe with `env`; the credentials modules it loaded, relative to src/s3/credentials. */
async function loaded(name: string, env: NodeJS.ProcessEnv): Promise<{ modules: string[]; source: string }> {
  const log = join(dir, `${name}.log`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', join(SUPPORT, 'load-log-register.mjs'), join(SUPPORT, 'lazy-probe.ts')],
    {
      env: {
        PATH: process.env.PATH,
        HOME: join(dir, 'home'),
        S3FUNC_LOAD_LOG: log,
        S3FUNC_PROBE_ENDPOINT: imds.endpoint, // answers 404 to the probe's HEAD
        ...env,
      },
      timeout: 30_000,
    },
  );
  const modules = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.includes('/src/s3/credentials/'))
      .map((url) => url.replace(/^.*\/src\/s3\/credentials\//, '').replace(/\.[jt]s$/, '')),
  );
  return { modules: [...modules].sort(), source: JSON.parse(stdout).source };
}

/**
 * Modules any session loads to hold credentials at all (the chain module comes with the package's
 * entry point, which exports it; it loads no source until it runs).
 */
const CORE = [
  'cache',
  'chain',
  'iso-time',
  'normalize',
  'refresh-policy',
  'session-credentials',
  'sources/env',
  'types',
];

describe('credential sources load lazily', () => {
  it('environment credentials: no other source, not even the profile files', async () => {
    const { modules, source } = await loaded('env', {
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-1',
    });
    expect(source).toBe('env');
    expect(modules.filter((m) => !CORE.includes(m))).toEqual([]);
  }, 40_000);

  it('IMDS at the end of the chain: the sources passed on the way, and nothing for web identity or containers', async () => {
    const { modules, source } = await loaded('imds', {
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
      AWS_REGION: 'eu-west-1',
    });
    expect(source).toBe('imds');
    expect(modules.filter((m) => !CORE.includes(m))).toEqual([
      'chain-run',
      'context',
      'http',
      'ini/files',
      'ini/parse',
      'sources/imds',
      'sources/profile',
    ]);
  }, 40_000);
});
