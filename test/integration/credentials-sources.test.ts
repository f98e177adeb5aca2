// Each source of the default credentials chain, end to end: a real S3Session that was given no
// credentials finds them where the AWS SDKs would (environment, profile files, credential_process,
// STS roles and web identity, the container endpoint, IMDSv2, IAM Identity Center), and Ceph RGW
// accepts what it signs with them, through a front that refuses tokens STS never issued or that
// expired. The test servers (test/support/aws) follow AWS's documentation; only the store is real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialsError, defaultCredentialsChain, S3Session } from '../../src/index.js';
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
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';
import { s3Env } from './s3-env.js';

let world: AwsWorld;
let admin: S3Session;

beforeAll(async () => {
  world = await startAwsWorld(s3Env());
  admin = await createTestBucket('credentials');
});

afterAll(async () => {
  await destroyTestBucket(admin);
  await world.close();
});

/** A session through the front, given no credentials, reading `env`. */
function session(env: NodeJS.ProcessEnv): S3Session {
  return new S3Session({ bucket: admin.bucket, endpoint: world.front.endpoint }, env);
}

/** Writes, reads, lists and deletes one object; returns the credentials info and the tokens the front saw. */
async function roundTrip(s3: S3Session, key: string) {
  const before = world.front.forwardedTokens.length;
  await s3.putObject(key, `hello ${key}`);
  expect(await (await s3.getObject(key)).text()).toBe(`hello ${key}`);
  const listed: string[] = [];
  for await (const o of s3.listObjects({ prefix: key })) listed.push(o.key);
  expect(listed).toEqual([key]);
  await s3.deleteObject(key);
  const info = await s3.resolveCredentials();
  const tokens = new Set(world.front.forwardedTokens.slice(before).map(tokenSource));
  await s3.close();
  return { info, tokens };
}

const roleProfile = (extra: string) =>
  `[profile base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n` +
  `[profile app]\nrole_arn = ${ROLE_ARN}\n${extra}`;

describe('each source signs requests the store accepts', () => {
  interface Case {
    name: string;
    files?: (w: AwsWorld) => AwsHomeFiles;
    env: (
      w: AwsWorld,
      home: { path(p: string): string; write(p: string, c: string): string },
    ) => NodeJS.ProcessEnv;
    kind: string;
    description: RegExp;
    /** The service that minted the session token the store saw. */
    minted: string;
  }
  const cases: Case[] = [
    {
      name: 'environment variables (temporary credentials)',
      env: (w) => {
        const c = w.issuer.issue('env');
        return {
          AWS_ACCESS_KEY_ID: c.accessKeyId,
          AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
          AWS_SESSION_TOKEN: c.sessionToken,
          AWS_CREDENTIAL_EXPIRATION: c.expiration.toISOString(),
        };
      },
      kind: 'env',
      description: /^environment variables$/,
      minted: 'env',
    },
    {
      name: 'a profile with static keys and a session token (AWS_PROFILE)',
      files: (w) => {
        const c = w.issuer.issue('profile');
        return {
          credentials: `[ci]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`,
        };
      },
      env: () => ({ AWS_PROFILE: 'ci' }),
      kind: 'profile',
      description: /^profile "ci"$/,
      minted: 'profile',
    },
    {
      name: 'credential_process',
      env: (w, home) => {
        const c = w.issuer.issue('process');
        const script = home.write(
          'bin/creds.mjs',
          `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(c.accessKeyId)}, SecretAccessKey: ${JSON.stringify(c.secretAccessKey)}, SessionToken: ${JSON.stringify(c.sessionToken)}, Expiration: ${JSON.stringify(c.expiration.toISOString())} }));`,
        );
        home.write('.aws/config', `[default]\ncredential_process = "${process.execPath}" "${script}"\n`);
        return {};
      },
      kind: 'process',
      description: /^profile "default" \(credential_process\)$/,
      minted: 'process',
    },
    {
      name: 'a role assumed with STS AssumeRole from a source_profile',
      files: () => ({ config: roleProfile('source_profile = base\nrole_session_name = s3func-it\n') }),
      env: () => ({ AWS_PROFILE: 'app' }),
      kind: 'assume-role',
      description: /role arn:aws:iam::123456789012:role\/s3func-test via profile "base"/,
      minted: 'sts-role',
    },
    {
      name: 'a role assumed with credentials from IMDS (credential_source = Ec2InstanceMetadata)',
      files: () => ({
        config: `[profile app]\nrole_arn = ${ROLE_ARN}\ncredential_source = Ec2InstanceMetadata\n`,
      }),
      env: () => ({ AWS_PROFILE: 'app', AWS_EC2_METADATA_DISABLED: 'false' }),
      kind: 'assume-role',
      description: /via Ec2InstanceMetadata/,
      minted: 'sts-role',
    },
    {
      name: 'web identity from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (EKS IRSA, CI OIDC)',
      env: (_, home) => ({
        AWS_WEB_IDENTITY_TOKEN_FILE: home.write('token', `${WEB_IDENTITY_TOKEN}\n`),
        AWS_ROLE_ARN: ROLE_ARN,
        AWS_ROLE_SESSION_NAME: 'ci-job',
      }),
      kind: 'web-identity',
      description: /^web identity \(AWS_ROLE_ARN arn:aws:iam::123456789012:role\/s3func-test\)$/,
      minted: 'sts-web',
    },
    {
      name: 'web identity from a profile (web_identity_token_file)',
      env: (_, home) => {
        const token = home.write('token', WEB_IDENTITY_TOKEN);
        home.write('.aws/config', `[default]\nrole_arn = ${ROLE_ARN}\nweb_identity_token_file = ${token}\n`);
        return {};
      },
      kind: 'web-identity',
      description: /^profile "default" \(web_identity_token_file\)$/,
      minted: 'sts-web',
    },
    {
      name: 'the container endpoint with an authorization token file (EKS Pod Identity, ECS)',
      env: (w, home) => ({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: w.container.fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: home.write('pod-identity-token', POD_IDENTITY_TOKEN),
      }),
      kind: 'container',
      description: /^container endpoint http:\/\/127\.0\.0\.1:\d+$/,
      minted: 'container',
    },
    {
      name: 'the EC2 instance metadata service (IMDSv2)',
      env: () => ({ AWS_EC2_METADATA_DISABLED: 'false' }),
      kind: 'imds',
      description: /^EC2 instance metadata \(role s3func-instance-role\)$/,
      minted: 'imds',
    },
    {
      name: 'IAM Identity Center through an sso-session (the token aws sso login caches)',
      files: () => ({
        config:
          `[profile dev]\nsso_session = ${SSO.session}\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n` +
          `[sso-session ${SSO.session}]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
        ssoTokens: {
          [SSO.session]: {
            accessToken: SSO.accessToken,
            expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          },
        },
      }),
      env: () => ({ AWS_PROFILE: 'dev' }),
      kind: 'sso',
      description: /^profile "dev" \(SSO, account 123456789012, role S3FuncTestRole\)$/,
      minted: 'sso',
    },
    {
      name: 'IAM Identity Center through a legacy profile (sso_start_url in the profile)',
      files: () => ({
        config: `[default]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n`,
        ssoTokens: {
          [SSO.startUrl]: {
            accessToken: SSO.accessToken,
            expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          },
        },
      }),
      env: () => ({}),
      kind: 'sso',
      description: /^profile "default" \(SSO/,
      minted: 'sso',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const home = world.home(c.files?.(world));
      const env = { ...home.env, ...c.env(world, home) };
      const { info, tokens } = await roundTrip(session(env), `sources/${c.kind}-${Date.now()}`);
      expect(info.source.kind).toBe(c.kind);
      expect(info.source.description).toMatch(c.description);
      expect(info.accessKeyId).toBe(s3Env().accessKeyId);
      expect([...tokens]).toEqual([c.minted]);
    });
  }
});

describe('what the services are asked', () => {
  it("AssumeRole is signed by our signer for STS in the profile's region, with the profile's parameters", async () => {
    const home = world.home({
      config: roleProfile(
        'source_profile = base\nregion = eu-central-1\nexternal_id = ext-123\nduration_seconds = 1800\nrole_session_name = named\n',
      ),
    });
    const calls = world.sts.calls.length;
    await defaultCredentialsChain({ env: { ...home.env, AWS_PROFILE: 'app' } })();
    const call = world.sts.calls[calls];
    expect(call?.action).toBe('AssumeRole');
    expect(call?.params).toMatchObject({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'named',
      ExternalId: 'ext-123',
      DurationSeconds: '1800',
      Version: '2011-06-15',
    });
    const request = world.sts.requests.at(-1);
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDBASEEXAMPLE\/\d{8}\/eu-central-1\/sts\/aws4_request, ?SignedHeaders=/,
    );
  });

  it('IMDS is asked for a token first (TTL 21600), then the role, then its credentials, all with the token', async () => {
    const home = world.home();
    const before = world.imds.requests.length;
    await defaultCredentialsChain({ env: { ...home.env, AWS_EC2_METADATA_DISABLED: 'false' } })();
    const asked = world.imds.requests.slice(before);
    expect(asked.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/iam/security-credentials/',
      'GET /latest/meta-data/iam/security-credentials/s3func-instance-role',
    ]);
    expect(asked[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    const token = [...world.imds.tokens.keys()].at(-1);
    expect(asked.slice(1).every((r) => r.headers['x-aws-ec2-metadata-token'] === token)).toBe(true);
  });

  it('an IMDS session token is reused while valid, and renewed after a 401', async () => {
    const home = world.home();
    const chain = defaultCredentialsChain({ env: { ...home.env, AWS_EC2_METADATA_DISABLED: 'false' } });
    const before = world.imds.requests.length;
    await chain();
    await chain();
    expect(world.imds.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(1);
    world.imds.expireTokens();
    await chain();
    const asked = world.imds.requests
      .slice(before)
      .map((r) => `${r.method} ${r.url.split('/').at(-1) || '/'}`);
    // the third run: the kept token is refused (401), a new one is fetched, the GET is repeated
    expect(asked.slice(5)).toEqual(['GET /', 'PUT token', 'GET /', 'GET s3func-instance-role']);
  });

  it("the container endpoint gets the token file's content as Authorization, read again on each fetch", async () => {
    const home = world.home();
    const tokenFile = home.write('pod-token', POD_IDENTITY_TOKEN);
    const env = {
      ...home.env,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: world.container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ignored-when-the-file-is-set',
    };
    const chain = defaultCredentialsChain({ env });
    await chain();
    expect(world.container.requests.at(-1)?.headers.authorization).toBe(POD_IDENTITY_TOKEN);
    home.write('pod-token', 'rotated-token');
    const error = (await chain().catch((e: unknown) => e)) as CredentialsError;
    expect(error.message).toMatch(
      /container endpoint .* answered 403 AccessDeniedException: Service account token is not valid/,
    );
    expect(error.message).not.toContain('rotated-token');
  });
});
