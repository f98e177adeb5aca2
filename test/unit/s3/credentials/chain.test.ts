import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, CredentialsError } from '../../../../src/errors.js';
import { defaultCredentialsChain } from '../../../../src/s3/credentials/chain.js';
import { type AwsHome, awsHome } from '../../../support/aws/aws-home.js';

const SECRET = 'CHAINsecret0123456789abcdefghijklmnopqrs';
let home: AwsHome | undefined;
afterEach(() => home?.remove());

function withHome(files: Parameters<typeof awsHome>[0]): AwsHome {
  home = awsHome(files);
  return home;
}

async function failure(env: NodeJS.ProcessEnv, profile?: string): Promise<CredentialsError> {
  const error = await defaultCredentialsChain({ env, profile })().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialsError);
  expect((error as Error).message).not.toContain(SECRET);
  return error as CredentialsError;
}

describe('the default chain', () => {
  it('takes the environment first, with a session token and an expiration', async () => {
    const h = withHome({
      credentials: `[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = ${SECRET}\n`,
    });
    const c = await defaultCredentialsChain({
      env: {
        ...h.env,
        AWS_ACCESS_KEY_ID: 'FROMENV',
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: 'TOKEN',
        AWS_CREDENTIAL_EXPIRATION: '2099-01-01T00:00:00Z',
      },
    })();
    expect(c).toMatchObject({ accessKeyId: 'FROMENV', sessionToken: 'TOKEN', source: { kind: 'env' } });
    expect(c.expiration?.toISOString()).toBe('2099-01-01T00:00:00.000Z');
  });

  it('AWS_PROFILE (or the profile option) wins over keys in the environment, as in the JavaScript SDK', async () => {
    const h = withHome({
      credentials: `[dev]\naws_access_key_id = FROMDEV\naws_secret_access_key = ${SECRET}\n`,
    });
    const env = { ...h.env, AWS_ACCESS_KEY_ID: 'FROMENV', AWS_SECRET_ACCESS_KEY: SECRET };
    expect((await defaultCredentialsChain({ env: { ...env, AWS_PROFILE: 'dev' } })()).accessKeyId).toBe(
      'FROMDEV',
    );
    const c = await defaultCredentialsChain({ env, profile: 'dev' })();
    expect(c).toMatchObject({
      accessKeyId: 'FROMDEV',
      source: { kind: 'profile', description: 'profile "dev"' },
    });
  });

  it('reads static keys and a session token from the profile, the credentials file over the config file', async () => {
    const h = withHome({
      config: '[default]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n',
      credentials: `[default]\naws_access_key_id = FROMCREDS\naws_secret_access_key = ${SECRET}\naws_session_token = TOK\n`,
    });
    expect(await defaultCredentialsChain({ env: h.env })()).toMatchObject({
      accessKeyId: 'FROMCREDS',
      sessionToken: 'TOK',
    });
  });

  it("runs the profile's credential_process", async () => {
    const h = withHome({});
    const script = h.write(
      'creds.mjs',
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: 'FROMPROCESS', SecretAccessKey: '${SECRET}', Expiration: '2099-01-01T00:00:00Z' }))`,
    );
    h.write('.aws/config', `[profile p]\ncredential_process = "${process.execPath}" "${script}"\n`);
    const c = await defaultCredentialsChain({ env: { ...h.env, AWS_PROFILE: 'p' } })();
    expect(c).toMatchObject({
      accessKeyId: 'FROMPROCESS',
      source: { kind: 'process', description: 'profile "p" (credential_process)' },
    });
  });

  it('with nothing configured, names every source tried and why each gave nothing', async () => {
    const h = withHome({});
    const error = await failure(h.env);
    expect(error.attempts.map((a) => a.source)).toEqual([
      'env',
      'profile "default"',
      'web identity',
      'container',
      'imds',
    ]);
    expect(error.attempts.map((a) => a.reason)).toEqual([
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
      `no profile "default" in ${h.path('.aws/config')} or ${h.path('.aws/credentials')}`,
      'AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
      'AWS_EC2_METADATA_DISABLED is set',
    ]);
    expect(error.message).toMatch(/^no AWS credentials found \(env: AWS_ACCESS_KEY_ID and/);
    expect(error.message).toMatch(/Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile/);
    expect(error.retryable).toBe(false);
  });

  it('skips, with the reason, a profile without credentials, half a key pair, or half a web identity', async () => {
    const h = withHome({
      config:
        '[default]\nregion = eu-west-1\n[profile half]\naws_access_key_id = A\n[profile role]\nrole_arn = arn:aws:iam::1:role/x\n',
    });
    expect((await failure(h.env)).attempts[1]?.reason).toBe('profile "default" has no credential settings');
    expect((await failure(h.env, 'half')).attempts[1]?.reason).toBe(
      'profile "half" has aws_access_key_id but no aws_secret_access_key',
    );
    expect((await failure(h.env, 'role')).attempts[1]?.reason).toMatch(
      /has role_arn but none of source_profile/,
    );
    const env = { ...h.env, AWS_SECRET_ACCESS_KEY: SECRET, AWS_ROLE_ARN: 'arn:aws:iam::1:role/x' };
    const error = await failure(env);
    expect(error.attempts[0]?.reason).toBe('AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not');
    expect(error.attempts[2]?.reason).toBe('AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not');
  });

  it('stops at a configured source that fails, naming it and what was skipped before', async () => {
    const h = withHome({ config: '[profile p]\ncredential_process = /definitely/not/here --flag\n' });
    const error = await failure({ ...h.env, AWS_PROFILE: 'p', AWS_EC2_METADATA_DISABLED: 'false' });
    expect(error.message).toBe(
      'profile "p": credential_process could not run /definitely/not/here: ENOENT ' +
        '(after env: AWS_PROFILE is set, so profile "p" is used)',
    );
    expect(error.attempts).toHaveLength(2);
  });

  it('refuses a malformed file naming file and line, never its content', async () => {
    const h = withHome({ credentials: `[default]\naws_secret_access_key ${SECRET}\n` });
    const error = await failure(h.env);
    expect(error.message).toMatch(
      new RegExp(
        `^profile "default": the shared credentials file ${h.path('.aws/credentials')} is malformed: line 2:`,
      ),
    );
  });

  it('finds source_profile cycles, missing source profiles and contradictions', async () => {
    const h = withHome({
      config: [
        '[profile a]',
        'role_arn = arn:aws:iam::1:role/a',
        'source_profile = b',
        '[profile b]',
        'role_arn = arn:aws:iam::1:role/b',
        'source_profile = a',
        '[profile self]',
        'role_arn = arn:aws:iam::1:role/s',
        'source_profile = self',
        '[profile lost]',
        'role_arn = arn:aws:iam::1:role/l',
        'source_profile = nowhere',
        '[profile both]',
        'role_arn = arn:aws:iam::1:role/x',
        'source_profile = a',
        'credential_source = Environment',
        '[profile odd]',
        'role_arn = arn:aws:iam::1:role/x',
        'credential_source = Laptop',
        '[profile envsource]',
        'role_arn = arn:aws:iam::1:role/x',
        'credential_source = Environment',
        '[profile mfa]',
        'role_arn = arn:aws:iam::1:role/x',
        'source_profile = keys',
        'mfa_serial = arn:aws:iam::1:mfa/me',
        '[profile keys]',
        `aws_access_key_id = K`,
        `aws_secret_access_key = ${SECRET}`,
        '[profile login]',
        'login_session = arn:aws:iam::1:user/me',
      ].join('\n'),
    });
    expect((await failure(h.env, 'a')).message).toMatch(
      /^profile "a": source_profile cycle: a -> b -> a -> b \(after env: the profile "a" was chosen by option\)$/,
    );
    expect((await failure(h.env, 'self')).message).toMatch(/source_profile cycle: self -> self -> self/);
    expect((await failure(h.env, 'lost')).message).toMatch(
      /names source_profile "nowhere", which is in neither/,
    );
    expect((await failure(h.env, 'both')).message).toMatch(
      /sets both source_profile and credential_source; keep one/,
    );
    expect((await failure(h.env, 'odd')).message).toMatch(
      /credential_source "Laptop"; expected one of Environment, Ec2InstanceMetadata, EcsContainer/,
    );
    expect((await failure(h.env, 'envsource')).message).toMatch(
      /credential_source Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    );
    const mfa = (await failure(h.env, 'mfa')).message;
    expect(mfa).toMatch(/needs an MFA code \(mfa_serial\)/);
    expect(mfa).toMatch(
      /fromIni\(\{ profile: "mfa", mfaCodeProvider \}\) from @aws-sdk\/credential-providers/,
    );
    expect((await failure(h.env, 'login')).message).toMatch(
      /install @aws-sdk\/credential-providers and pass credentials: fromIni\(\{ profile: "login" \}\)/,
    );
  });

  it('refuses bad AWS_CREDENTIAL_EXPIRATION and container settings as configured failures', async () => {
    const h = withHome({});
    expect(
      (
        await failure({
          ...h.env,
          AWS_ACCESS_KEY_ID: 'A',
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_CREDENTIAL_EXPIRATION: 'tomorrow',
        })
      ).message,
    ).toMatch(/^env: AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time/);
    expect(
      (await failure({ ...h.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://10.1.2.3/creds' })).message,
    ).toMatch(/^container: AWS_CONTAINER_CREDENTIALS_FULL_URI must use https/);
    const tokenFile = h.path('missing-token');
    expect(
      (
        await failure({
          ...h.env,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds',
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        })
      ).message,
    ).toMatch(/cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE .*missing-token: ENOENT/);
    writeFileSync(tokenFile, 'line\nbreak');
    expect(
      (
        await failure({
          ...h.env,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds',
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        })
      ).message,
    ).toMatch(/holds a line break/);
  });

  it('refuses bad options before anything runs', () => {
    for (const options of [
      { profile: '' },
      { env: 'x' },
      { metadataTimeoutMs: 0 },
      { processTimeoutMs: -1 },
      { region: 'EU' },
      { unknown: 1 },
    ]) {
      expect(() => defaultCredentialsChain(options as never), JSON.stringify(options)).toThrow(ConfigError);
    }
  });
});
