/**
 * The `s3func` command and credentials, as users run it (the built `dist/cli.js`): it finds them
 * where the AWS CLI would (here a profile in ~/.aws/credentials, nothing in the environment), says
 * which it used with `--verbose` and in `probe`, and when it has none, or the store refuses them,
 * says so in one line naming the sources, never the secret. On S3 when the environment names an
 * endpoint (npm test starts Ceph RGW and sets it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Session } from '../../src/index.js';
import { type AwsHome, awsHome } from '../support/aws/aws-home.js';
import { cli } from './run.js';

const endpoint = process.env.AWS_ENDPOINT_URL_S3;
const keyId = process.env.AWS_ACCESS_KEY_ID ?? '';
const secret = process.env.AWS_SECRET_ACCESS_KEY ?? '';
const bucket = `s3func-cli-creds-${Date.now().toString(36)}`;
let home: AwsHome;

/** The environment of a user whose credentials are in a profile (none in the environment). */
function profileEnv(credentials: string): NodeJS.ProcessEnv {
  home.write('.aws/credentials', credentials);
  return {
    HOME: home.dir,
    AWS_PROFILE: 'ci',
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

describe.runIf(endpoint)('s3func and credentials on S3', () => {
  beforeAll(async () => {
    home = awsHome();
    const admin = new S3Session({ bucket, endpoint, accessKeyId: keyId, secretAccessKey: secret });
    await admin.createBucket();
    await admin.close();
  });
  afterAll(async () => {
    const admin = new S3Session({ bucket, endpoint, accessKeyId: keyId, secretAccessKey: secret });
    for await (const o of admin.listObjects()) await admin.deleteObject(o.key);
    await admin.deleteBucket();
    await admin.close();
    home.remove();
  });

  const keys = () => `[ci]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`;
  const last4 = () => `…${keyId.slice(-4)}`;

  it('probe says which credentials it used, as text and JSON', async () => {
    const env = profileEnv(keys());
    const text = await cli(['probe', '--store', `s3://${bucket}`], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^credentials {14}profile "ci", key ${last4()}$`, 'm'));
    const json = JSON.parse((await cli(['probe', '--json', '--store', `s3://${bucket}`], env)).stdout);
    expect(json.credentials).toEqual({
      source: 'profile',
      description: 'profile "ci"',
      accessKeyId: last4(),
    });
    expect(JSON.stringify(json)).not.toContain(secret);
  }, 120_000);

  it('--verbose names the credentials on stderr', async () => {
    const r = await cli(['lock', 'status', 'job', '-v', '--store', `s3://${bucket}`], profileEnv(keys()));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`s3func: credentials: profile "ci", key ${last4()}\n`);
    expect(r.stdout).toMatch(/is free/);
  });

  it('no credentials anywhere: one line naming every source tried, exit 74', async () => {
    home.write('.aws/credentials', '');
    const r = await cli(['lock', 'status', 'job', '--store', `s3://${bucket}`], {
      ...profileEnv(''),
      AWS_PROFILE: undefined,
    });
    expect(r.code).toBe(74);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^s3func: no AWS credentials found \(env: .*; profile "default": .*; web identity: .*; container: .*; imds: AWS_EC2_METADATA_DISABLED is set\)/,
    );
  });

  it('credentials the store refuses: which ones, never the secret', async () => {
    const wrong = `WRONG${secret.slice(5)}xyzxyz`;
    const r = await cli(
      ['lock', 'status', 'job', '--store', `s3://${bucket}`],
      profileEnv(`[ci]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${wrong}\n`),
    );
    expect(r.code).toBe(74);
    expect(r.stderr).toMatch(/SignatureDoesNotMatch/);
    expect(r.stderr).toMatch(
      new RegExp(`^s3func: the store refused the credentials from profile "ci", key ${last4()}$`, 'm'),
    );
    expect(r.stderr).not.toContain(wrong);
  });
});
