// Differential: for every configuration of the matrix, our default chain picks the same identity as
// the AWS SDK for JavaScript's default chain (`@aws-sdk/credential-provider-node`'s
// `defaultProvider`, which `fromNodeProviderChain()` wraps), on the same files, variables and
// servers. An identity is the access key and secret for long-term keys, and the access key and the
// service that minted the session token for temporary ones (each call mints a fresh token).
//
// Not in the matrix, by design: a source that is configured but fails (a credential_process that
// exits non-zero, say). There our chain stops with that source's error, where the SDK would go on
// to the next source and could sign as someone else (docs/credentials.md).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCredentialIdentity, defaultCredentialsChain, S3Session } from '../../src/index.js';
import type { AwsHomeFiles } from '../support/aws/aws-home.js';
import { tokenSource } from '../support/aws/issuer.js';
import {
  type AwsWorld,
  BASE_KEYS,
  POD_IDENTITY_TOKEN,
  ROLE_ARN,
  SSO,
  startAwsWorld,
  WEB_IDENTITY_TOKEN,
} from '../support/aws/world.js';
import { s3Env } from './s3-env.js';

let world: AwsWorld;
beforeAll(async () => {
  world = await startAwsWorld(s3Env());
});
afterAll(async () => {
  await world.close();
});

const KEYS = (id: string) => ({ id, secret: `${id}-secret-0123456789abcdefghijklmnop` });
const ENV_KEYS = KEYS('AKIDFROMENV');
const FILE_KEYS = KEYS('AKIDFROMFILE');
const CONFIG_KEYS = KEYS('AKIDFROMCONFIG');
const keyLines = (k: { id: string; secret: string }) =>
  `aws_access_key_id = ${k.id}\naws_secret_access_key = ${k.secret}\n`;
const baseProfile = `[profile base]\n${keyLines({ id: BASE_KEYS.accessKeyId, secret: BASE_KEYS.secretAccessKey })}`;
const sso = `[sso-session corp]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\n`;
const ssoToken = () => ({
  accessToken: SSO.accessToken,
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});

interface Case {
  name: string;
  files?: AwsHomeFiles;
  env?: (home: { write(p: string, c: string): string }) => NodeJS.ProcessEnv;
  /** What both chains must pick: `key/secret-fingerprint`, `key/minted-by`, or `fail`. */
  expected: string;
}

const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8);
const staticId = (k: { id: string; secret: string }) => `${k.id}/${fingerprint(k.secret)}`;
const temporary = (minted: string) => `${s3Env().accessKeyId}/${minted}`;

const IMDS_ON = { AWS_EC2_METADATA_DISABLED: undefined };

const cases: Case[] = [
  {
    name: 'environment keys',
    env: () => ({ AWS_ACCESS_KEY_ID: ENV_KEYS.id, AWS_SECRET_ACCESS_KEY: ENV_KEYS.secret }),
    expected: staticId(ENV_KEYS),
  },
  {
    name: 'environment keys beat the default profile',
    files: { credentials: `[default]\n${keyLines(FILE_KEYS)}` },
    env: () => ({ AWS_ACCESS_KEY_ID: ENV_KEYS.id, AWS_SECRET_ACCESS_KEY: ENV_KEYS.secret }),
    expected: staticId(ENV_KEYS),
  },
  {
    name: 'AWS_PROFILE beats environment keys',
    files: { credentials: `[dev]\n${keyLines(FILE_KEYS)}` },
    env: () => ({
      AWS_PROFILE: 'dev',
      AWS_ACCESS_KEY_ID: ENV_KEYS.id,
      AWS_SECRET_ACCESS_KEY: ENV_KEYS.secret,
    }),
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'half a key pair in the environment is skipped: the profile is used',
    files: { credentials: `[default]\n${keyLines(FILE_KEYS)}` },
    env: () => ({ AWS_ACCESS_KEY_ID: ENV_KEYS.id }),
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'the credentials file beats the config file for one profile',
    files: {
      config: `[default]\n${keyLines(CONFIG_KEYS)}`,
      credentials: `[default]\n${keyLines(FILE_KEYS)}`,
    },
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'static keys in the config file',
    files: { config: `[profile cfg]\n${keyLines(CONFIG_KEYS)}` },
    env: () => ({ AWS_PROFILE: 'cfg' }),
    expected: staticId(CONFIG_KEYS),
  },
  {
    name: 'AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE elsewhere',
    env: (home) => ({
      AWS_CONFIG_FILE: home.write('etc/aws-config', `[profile x]\nregion = eu-west-1\n`),
      AWS_SHARED_CREDENTIALS_FILE: home.write('etc/aws-credentials', `[x]\n${keyLines(FILE_KEYS)}`),
      AWS_PROFILE: 'x',
    }),
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'credential_process',
    env: (home) => {
      const script = home.write(
        'creds.mjs',
        `console.log(JSON.stringify({ Version: 1, AccessKeyId: '${FILE_KEYS.id}', SecretAccessKey: '${FILE_KEYS.secret}' }))`,
      );
      home.write('.aws/config', `[default]\ncredential_process = "${process.execPath}" "${script}"\n`);
      return {};
    },
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'role from a source_profile (STS AssumeRole)',
    files: { config: `${baseProfile}[profile app]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n` },
    env: () => ({ AWS_PROFILE: 'app' }),
    expected: temporary('sts-role'),
  },
  {
    name: 'role chain: a role whose source profile assumes a role itself',
    files: {
      config:
        `${baseProfile}[profile mid]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n` +
        `[profile top]\nrole_arn = ${ROLE_ARN}\nsource_profile = mid\n`,
    },
    env: () => ({ AWS_PROFILE: 'top' }),
    expected: temporary('sts-role'),
  },
  {
    name: 'a source_profile with static keys and a role of its own is used for its keys (self reference)',
    files: {
      config: `[profile self]\nrole_arn = ${ROLE_ARN}\nsource_profile = self\n${keyLines({ id: BASE_KEYS.accessKeyId, secret: BASE_KEYS.secretAccessKey })}`,
    },
    env: () => ({ AWS_PROFILE: 'self' }),
    expected: temporary('sts-role'),
  },
  {
    name: 'role with credential_source = Environment',
    files: { config: `[profile app]\nrole_arn = ${ROLE_ARN}\ncredential_source = Environment\n` },
    env: () => ({
      AWS_PROFILE: 'app',
      AWS_ACCESS_KEY_ID: BASE_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: BASE_KEYS.secretAccessKey,
    }),
    expected: temporary('sts-role'),
  },
  {
    name: 'role with credential_source = Ec2InstanceMetadata',
    files: { config: `[profile app]\nrole_arn = ${ROLE_ARN}\ncredential_source = Ec2InstanceMetadata\n` },
    env: () => ({ AWS_PROFILE: 'app', ...IMDS_ON }),
    expected: temporary('sts-role'),
  },
  {
    name: 'web identity in a profile',
    env: (home) => {
      const token = home.write('token', WEB_IDENTITY_TOKEN);
      home.write('.aws/config', `[default]\nrole_arn = ${ROLE_ARN}\nweb_identity_token_file = ${token}\n`);
      return {};
    },
    expected: temporary('sts-web'),
  },
  {
    name: 'web identity from the environment',
    env: (home) => ({
      AWS_WEB_IDENTITY_TOKEN_FILE: home.write('token', WEB_IDENTITY_TOKEN),
      AWS_ROLE_ARN: ROLE_ARN,
    }),
    expected: temporary('sts-web'),
  },
  {
    name: 'a profile with static keys beats web identity in the environment',
    files: { credentials: `[default]\n${keyLines(FILE_KEYS)}` },
    env: (home) => ({
      AWS_WEB_IDENTITY_TOKEN_FILE: home.write('token', WEB_IDENTITY_TOKEN),
      AWS_ROLE_ARN: ROLE_ARN,
    }),
    expected: staticId(FILE_KEYS),
  },
  {
    name: 'the container endpoint with a token file',
    env: (home) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: world.container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: home.write('pod', POD_IDENTITY_TOKEN),
    }),
    expected: temporary('container'),
  },
  {
    name: 'the container endpoint with a token in the environment, IMDS also there',
    env: () => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: world.container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: POD_IDENTITY_TOKEN,
      ...IMDS_ON,
    }),
    expected: temporary('container'),
  },
  { name: 'IMDS', env: () => IMDS_ON, expected: temporary('imds') },
  {
    name: 'a profile without credentials (only a region) falls through to IMDS',
    files: { config: '[default]\nregion = eu-west-1\n' },
    env: () => IMDS_ON,
    expected: temporary('imds'),
  },
  {
    name: 'an AWS_PROFILE that does not exist falls through to IMDS',
    env: () => ({ AWS_PROFILE: 'nowhere', ...IMDS_ON }),
    expected: temporary('imds'),
  },
  {
    name: 'SSO through an sso-session',
    files: {
      config: `[default]\nsso_session = corp\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n${sso}`,
      ssoTokens: { corp: ssoToken() },
    },
    expected: temporary('sso'),
  },
  {
    name: 'SSO, legacy profile',
    files: {
      config: `[default]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n`,
      ssoTokens: { [SSO.startUrl]: ssoToken() },
    },
    expected: temporary('sso'),
  },
  { name: 'nothing at all (IMDS disabled): both fail', expected: 'fail' },
  {
    name: 'half a web identity and half a key pair only: both fail',
    env: () => ({ AWS_ROLE_ARN: ROLE_ARN, AWS_SECRET_ACCESS_KEY: 'x' }),
    expected: 'fail',
  },
];

function identity(result: PromiseSettledResult<AwsCredentialIdentity>): string {
  if (result.status === 'rejected') return 'fail';
  const c = result.value;
  return c.sessionToken
    ? `${c.accessKeyId}/${tokenSource(c.sessionToken)}`
    : `${c.accessKeyId}/${fingerprint(c.secretAccessKey)}`;
}

/** Runs `fn` with `process.env` replaced by `env` (the SDK reads nothing else), then restores it. */
async function withProcessEnv<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
  try {
    return await fn();
  } finally {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe('our default chain picks the identity the AWS SDK picks', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const home = world.home(c.files);
      const env: NodeJS.ProcessEnv = { ...home.env, ...c.env?.(home) };
      for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
      const ours = await Promise.allSettled([defaultCredentialsChain({ env, metadataTimeoutMs: 500 })()]);
      const sdk = await withProcessEnv(env, async () => {
        const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
        return Promise.allSettled([defaultProvider({ timeout: 500 })()]);
      });
      const [o, s] = [
        identity(ours[0] as PromiseSettledResult<AwsCredentialIdentity>),
        identity(sdk[0] as never),
      ];
      expect({ ours: o, sdk: s }).toEqual({ ours: c.expected, sdk: c.expected });
    });
  }

  it('an SDK provider passed as `credentials` works unchanged (fromNodeProviderChain is this provider, memoized)', async () => {
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    const home = world.home();
    await withProcessEnv({ ...home.env, AWS_EC2_METADATA_DISABLED: undefined }, async () => {
      const s3 = new S3Session({
        bucket: 'differential-sdk',
        endpoint: world.front.endpoint,
        credentials: defaultProvider(),
      });
      const info = await s3.resolveCredentials();
      expect(info.source.kind).toBe('provider');
      expect(info.expiration).toBeInstanceOf(Date);
      await s3.close();
    });
  });
});
