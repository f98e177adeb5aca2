// When credentials cannot be had: every failure of a configured source is a typed CredentialsError
// naming the source and the cause, within the configured timeouts (a stalled IMDS, container
// endpoint, STS or SSO portal never hangs a session), transient ones marked retryable, and none of
// them carries a secret, whatever the services echo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, defaultCredentialsChain, ResponseError, S3Session } from '../../src/index.js';
import { TestServer } from '../support/aws/server.js';
import {
  type AwsWorld,
  BASE_KEYS,
  POD_IDENTITY_TOKEN,
  ROLE_ARN,
  SSO,
  startAwsWorld,
  WEB_IDENTITY_TOKEN,
} from '../support/aws/world.js';
import { leaks, renderings } from '../support/secret-scan.js';
import { s3Env } from './s3-env.js';

let world: AwsWorld;
beforeAll(async () => {
  world = await startAwsWorld(s3Env());
});
afterAll(async () => {
  await world.close();
});

const SECRETS = {
  base: BASE_KEYS.secretAccessKey,
  web: WEB_IDENTITY_TOKEN,
  pod: POD_IDENTITY_TOKEN,
  sso: SSO.accessToken,
};

/** Runs the chain; the CredentialsError it must end in, checked for secrets, and how long it took. */
async function fails(env: NodeJS.ProcessEnv, timeouts = { metadataTimeoutMs: 300, httpTimeoutMs: 300 }) {
  const started = performance.now();
  const error = await defaultCredentialsChain({ env, ...timeouts })().catch((e: unknown) => e);
  const ms = performance.now() - started;
  expect(error).toBeInstanceOf(CredentialsError);
  expect(leaks(renderings(error), SECRETS)).toEqual([]);
  return { error: error as CredentialsError, ms };
}

const roleProfile = `[profile base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n[profile app]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n`;

describe('stalled services end in a typed error within the timeouts', () => {
  it('IMDS that never answers', async () => {
    const home = world.home();
    world.imds.stalled = true;
    try {
      const { error, ms } = await fails({ ...home.env, AWS_EC2_METADATA_DISABLED: 'false' });
      // the token PUT times out (300 ms), IMDSv1 is tried as the SDKs do (300 ms), then it gives up
      expect(error.message).toMatch(
        /^imds: IMDS GET \/latest\/meta-data\/iam\/security-credentials\/ at http:\/\/127\.0\.0\.1:\d+: no answer within 300 ms/,
      );
      expect(error.retryable).toBe(true);
      expect(ms).toBeLessThan(2_000);
    } finally {
      world.imds.stalled = false;
    }
  });

  it('a container endpoint that never answers (three attempts)', async () => {
    const home = world.home();
    world.container.stalled = true;
    try {
      const { error, ms } = await fails({
        ...home.env,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: world.container.fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: POD_IDENTITY_TOKEN,
      });
      expect(error.message).toMatch(
        /^container: the container endpoint http:\/\/127\.0\.0\.1:\d+ did not answer/,
      );
      expect(error.retryable).toBe(true);
      expect(ms).toBeLessThan(3_000);
    } finally {
      world.container.stalled = false;
    }
  });

  it('STS that never answers', async () => {
    const home = world.home({ config: roleProfile });
    world.sts.stalled = true;
    try {
      const { error, ms } = await fails({ ...home.env, AWS_PROFILE: 'app' });
      expect(error.message).toMatch(
        /^profile "app": STS AssumeRole at http:\/\/127\.0\.0\.1:\d+ failed: STS AssumeRole timed out/,
      );
      expect(ms).toBeLessThan(3_000);
    } finally {
      world.sts.stalled = false;
    }
  });

  it('a credential_process that hangs, through a session: the request fails, the session does not hang', async () => {
    const home = world.home();
    const script = home.write('hang.mjs', 'setInterval(() => {}, 1000);');
    home.write('.aws/config', `[default]\ncredential_process = "${process.execPath}" "${script}"\n`);
    const s3 = new S3Session({
      bucket: 'any-bucket',
      endpoint: world.front.endpoint,
      credentials: defaultCredentialsChain({ env: home.env, processTimeoutMs: 300 }),
    });
    const started = performance.now();
    const error = await s3.headObject('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toBe(
      'profile "default": credential_process did not finish within 300 ms (after env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)',
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(world.front.requests.some((r) => r.url.includes('any-bucket'))).toBe(false);
    await s3.close();
  });
});

describe('refusals say who refused what, and why', () => {
  it('STS AccessDenied for a role the caller may not assume', async () => {
    const home = world.home({
      config: roleProfile.replace(ROLE_ARN, 'arn:aws:iam::123456789012:role/other'),
    });
    const { error } = await fails({ ...home.env, AWS_PROFILE: 'app' });
    expect(error.message).toMatch(
      /STS AssumeRole at .* failed with 403 AccessDenied: Not authorized to perform sts:AssumeRole/,
    );
    expect(error.retryable).toBe(false);
  });

  it('STS refusing a signature made with the wrong secret', async () => {
    const home = world.home({
      config: roleProfile.replace(BASE_KEYS.secretAccessKey, 'WRONGsecret0123456789abcdefghijklmnopqrs'),
    });
    const { error } = await fails({ ...home.env, AWS_PROFILE: 'app' });
    expect(error.message).toMatch(/failed with 403 SignatureDoesNotMatch/);
  });

  it('STS answering 200 with a body cut short: what is wrong, not the body', async () => {
    class Truncating extends TestServer {
      static async start() {
        const server = new Truncating(() => ({
          status: 200,
          body: `<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>${BASE_KEYS.secretAccessKey}</SecretAccessKey>`,
        }));
        await server.listen();
        return server;
      }
    }
    const sts = await Truncating.start();
    try {
      const home = world.home({ config: roleProfile });
      const { error } = await fails({ ...home.env, AWS_PROFILE: 'app', AWS_ENDPOINT_URL_STS: sts.endpoint });
      expect(error.message).toMatch(
        /STS AssumeRole at .* answered 200, but the answer is not well-formed XML/,
      );
      expect((error.cause as Error).cause).toBeInstanceOf(ResponseError); // the chain wraps the source's error
    } finally {
      await sts.close();
    }
  });

  it('STS throttling is retried, and succeeds', async () => {
    const home = world.home({ config: roleProfile });
    world.sts.inject({ status: 400, code: 'Throttling', message: 'Rate exceeded', times: 2 });
    const credentials = await defaultCredentialsChain({ env: { ...home.env, AWS_PROFILE: 'app' } })();
    expect(credentials.source.kind).toBe('assume-role');
  });

  it('web identity: an invalid and an expired token', async () => {
    const home = world.home();
    const env = { ...home.env, AWS_ROLE_ARN: ROLE_ARN };
    const invalid = await fails({ ...env, AWS_WEB_IDENTITY_TOKEN_FILE: home.write('bad', 'not-a-token') });
    expect(invalid.error.message).toMatch(
      /^web identity: STS AssumeRoleWithWebIdentity .* failed with 400 InvalidIdentityToken/,
    );
    const expired = await fails({
      ...env,
      AWS_WEB_IDENTITY_TOKEN_FILE: home.write('old', 'expired-web-token'),
    });
    expect(expired.error.message).toMatch(/400 ExpiredTokenException: Token expired/);
    const missing = await fails({ ...env, AWS_WEB_IDENTITY_TOKEN_FILE: home.path('none') });
    expect(missing.error.message).toMatch(/cannot read the web identity token file .*none: ENOENT/);
  });

  it('SSO: no cached token, an expired one, and one the portal no longer accepts all say to run aws sso login', async () => {
    const config = `[default]\nsso_session = s\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n[sso-session s]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\n`;
    const none = world.home({ config });
    expect((await fails(none.env)).error.message).toMatch(
      /no cached SSO token at .*: run "aws sso login --profile default"/,
    );
    const expired = world.home({
      config,
      ssoTokens: { s: { accessToken: SSO.accessToken, expiresAt: '2020-01-01T00:00:00Z' } },
    });
    const message = (await fails(expired.env)).error.message;
    expect(message).toMatch(
      /the cached SSO token expired at 2020-01-01T00:00:00.000Z: run "aws sso login --profile default"/,
    );
    expect(message).toMatch(/fromSSO\(\) from @aws-sdk\/credential-providers/);
    const revoked = world.home({
      config,
      ssoTokens: {
        s: {
          accessToken: 'revoked-token-0123456789',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
      },
    });
    expect((await fails(revoked.env)).error.message).toMatch(
      /the SSO portal .* answered 401 UnauthorizedException: Session token not found or invalid; .*run "aws sso login --profile default"/,
    );
    const incomplete = world.home({
      config: `[default]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n`,
    });
    expect((await fails(incomplete.env)).error.message).toMatch(
      /SSO profile "default" lacks sso_start_url, sso_account_id, sso_role_name/,
    );
  });

  it('IMDS: no role, IMDSv1 refused when tokens are not offered, and v1 used when allowed', async () => {
    const home = world.home();
    const env = { ...home.env, AWS_EC2_METADATA_DISABLED: 'false' };
    const role = world.imds.options.role;
    world.imds.options.role = undefined;
    try {
      expect((await fails(env)).error.message).toMatch(
        /has no IAM role for this instance \(no instance profile\)/,
      );
    } finally {
      world.imds.options.role = role;
    }
    world.imds.options.tokens = false;
    world.imds.options.v1 = true;
    try {
      const v1 = await defaultCredentialsChain({ env })();
      expect(v1.source.kind).toBe('imds');
      const last = world.imds.requests.at(-1);
      expect(last?.headers['x-aws-ec2-metadata-token']).toBeUndefined();
      const { error } = await fails({ ...env, AWS_EC2_METADATA_V1_DISABLED: 'true' });
      expect(error.message).toMatch(/IMDS did not give a session token .*answered 404.*IMDSv1 is disabled/);
    } finally {
      world.imds.options.tokens = true;
      world.imds.options.v1 = false;
    }
  });

  it('nothing listens where IMDS should be: one quick failure, no IMDSv1 attempt', async () => {
    const home = world.home();
    const { error, ms } = await fails({
      ...home.env,
      AWS_EC2_METADATA_DISABLED: 'false',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(error.message).toMatch(
      /^imds: IMDS PUT \/latest\/api\/token at http:\/\/127\.0\.0\.1:9: cannot connect/,
    );
    expect(ms).toBeLessThan(1_500);
  });
});
