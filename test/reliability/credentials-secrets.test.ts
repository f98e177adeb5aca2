/**
 * Secrets of the credentials chain stay secret: the source keys that sign AssumeRole and their
 * signatures, web identity tokens, container authorization tokens and SSO access tokens never
 * appear in an error, however a service echoes the request back; the debug events name sources and
 * key ids only. The scan is the one of security.test.ts (every rendering of the value).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, defaultCredentialsChain, type S3DebugEvent, S3Session } from '../../src/index.js';
import { s3Env } from '../integration/s3-env.js';
import { type Answer, type ReceivedRequest, TestServer } from '../support/aws/server.js';
import {
  type AwsWorld,
  BASE_KEYS,
  ROLE_ARN,
  SSO,
  startAwsWorld,
  WEB_IDENTITY_TOKEN,
} from '../support/aws/world.js';
import { leaks, renderings, signaturesIn } from '../support/secret-scan.js';

/** A server that answers every request with an error whose text is the request itself. */
class Echo extends TestServer {
  static async start(answer: (req: ReceivedRequest, echo: string) => Answer): Promise<Echo> {
    const server = new Echo((req) =>
      answer(req, `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${req.body}`),
    );
    await server.listen();
    return server;
  }
}

let world: AwsWorld;
beforeAll(async () => {
  world = await startAwsWorld(s3Env());
});
afterAll(async () => {
  await world.close();
});

const POD_TOKEN = 'PODtokenSECRET0123456789abcdefghijklmnop';
const secrets = {
  base: BASE_KEYS.secretAccessKey,
  web: WEB_IDENTITY_TOKEN,
  pod: POD_TOKEN,
  sso: SSO.accessToken,
};

async function failure(env: NodeJS.ProcessEnv): Promise<CredentialsError> {
  const error = await defaultCredentialsChain({ env, metadataTimeoutMs: 500, httpTimeoutMs: 500 })().catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CredentialsError);
  return error as CredentialsError;
}

describe('services that echo the request into their errors', () => {
  it('STS AssumeRole: neither the source secret nor the signature', async () => {
    const home = world.home({
      config: `[profile base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n[profile app]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n`,
    });
    const before = world.sts.requests.length;
    world.sts.inject({ status: 403, code: 'AccessDenied', message: 'denied', echo: true });
    const error = await failure({ ...home.env, AWS_PROFILE: 'app' });
    const signatures = world.sts.requests
      .slice(before)
      .flatMap((r) => signaturesIn(r.headers.authorization ?? ''))
      .map((s, i) => [`signature ${i}`, s]);
    expect(signatures).toHaveLength(1);
    expect(error.message).toMatch(/\[redacted\]/); // the echo was there, and was cleaned
    expect(leaks(renderings(error), { ...secrets, ...Object.fromEntries(signatures) })).toEqual([]);
  });

  it('STS AssumeRoleWithWebIdentity: not the token', async () => {
    const home = world.home();
    world.sts.inject({ status: 400, code: 'InvalidIdentityToken', message: 'bad', echo: true });
    const error = await failure({
      ...home.env,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: home.write('token', WEB_IDENTITY_TOKEN),
    });
    expect(error.message).toMatch(/InvalidIdentityToken/);
    expect(leaks(renderings(error), secrets)).toEqual([]);
  });

  it('the container endpoint: not the authorization token', async () => {
    const echo = await Echo.start((_, text) => ({
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Code: 'AccessDenied', Message: text }),
    }));
    try {
      const home = world.home();
      const error = await failure({
        ...home.env,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${echo.endpoint}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: home.write('pod', POD_TOKEN),
      });
      expect(echo.requests[0]?.headers.authorization).toBe(POD_TOKEN);
      expect(error.message).toMatch(/answered 403 AccessDenied: .*\[redacted\]/);
      expect(leaks(renderings(error), secrets)).toEqual([]);
    } finally {
      await echo.close();
    }
  });

  it('the SSO portal: not the access token', async () => {
    const echo = await Echo.start((_, text) => ({
      status: 401,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnauthorizedException' },
      body: JSON.stringify({ message: text }),
    }));
    try {
      const home = world.home({
        config: `[default]\nsso_start_url = ${SSO.startUrl}\nsso_region = us-east-1\nsso_account_id = ${SSO.accountId}\nsso_role_name = ${SSO.roleName}\n`,
        ssoTokens: {
          [SSO.startUrl]: {
            accessToken: SSO.accessToken,
            expiresAt: new Date(Date.now() + 60_000).toISOString(),
          },
        },
      });
      const error = await failure({ ...home.env, AWS_ENDPOINT_URL_SSO: echo.endpoint });
      expect(echo.requests[0]?.headers['x-amz-sso_bearer_token']).toBe(SSO.accessToken);
      expect(leaks(renderings(error), secrets)).toEqual([]);
    } finally {
      await echo.close();
    }
  });
});

describe('debug events', () => {
  it('name the source and key id of each fetch, never a secret or token', async () => {
    const events: S3DebugEvent[] = [];
    const home = world.home();
    const s3 = new S3Session(
      { bucket: 'events-bucket', endpoint: world.front.endpoint, onDebug: (e) => events.push(e) },
      { ...home.env, AWS_EC2_METADATA_DISABLED: 'false' },
    );
    await s3.resolveCredentials();
    await s3.close();
    expect(events).toMatchObject([{ type: 'credentials', why: 'first', info: { source: { kind: 'imds' } } }]);
    const issued = world.issuer.issued.at(-1);
    expect(
      leaks(renderings(events), { secret: issued?.secretAccessKey ?? '', token: issued?.sessionToken ?? '' }),
    ).toEqual([]);
  });
});
