// Locks survive credential rotation. Temporary credentials (IMDS, STS roles, the container endpoint)
// here live 4 seconds and a lock is held on Ceph RGW for 14 seconds, through a front that refuses
// expired tokens exactly as AWS S3 does (400 ExpiredToken): every renewal must succeed, `lost` must
// never fire, each renewal must be signed with credentials still valid, and the session must have
// moved through several generations of credentials on the way. Then: a store refusing credentials
// (revoked: 403 InvalidToken) makes the session fetch fresh ones with `forceRefresh` and resend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, type S3DebugEvent, S3Error, S3Session } from '../../src/index.js';
import { tokenSource } from '../support/aws/issuer.js';
import {
  type AwsWorld,
  BASE_KEYS,
  POD_IDENTITY_TOKEN,
  ROLE_ARN,
  startAwsWorld,
} from '../support/aws/world.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';
import { s3Env } from './s3-env.js';

const LIFETIME_MS = 4_000;
const HOLD_MS = 14_000;

let world: AwsWorld;
let admin: S3Session;

beforeAll(async () => {
  world = await startAwsWorld(s3Env());
  world.issuer.lifetimeMs = LIFETIME_MS;
  admin = await createTestBucket('rotation');
});

afterAll(async () => {
  await destroyTestBucket(admin);
  await world.close();
});

/** Holds a lock for HOLD_MS on a session reading `env`; returns what happened. */
async function holdThroughRotations(env: NodeJS.ProcessEnv, name: string) {
  const events: S3DebugEvent[] = [];
  const s3 = new S3Session(
    { bucket: admin.bucket, endpoint: world.front.endpoint, onDebug: (e) => events.push(e) },
    env,
  );
  const refusedBefore = world.front.refusals.length;
  const forwardedBefore = world.front.forwardedTokens.length;
  const lock = s3.lock(name, { leaseMs: 3_000, settleDelayMs: 100, pollIntervalMs: 200 });
  let lost = 0;
  let renewals = 0;
  lock.on('lost', () => lost++);
  lock.on('renewed', () => renewals++);
  expect(await lock.acquire({ blocking: true, timeoutMs: 10_000 })).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  expect(await lock.verify()).toBe(true);
  await lock.release();
  await s3.close();
  const tokens = world.front.forwardedTokens.slice(forwardedBefore);
  return {
    lost,
    renewals,
    refusals: world.front.refusals.slice(refusedBefore),
    generations: new Set(tokens).size,
    minted: new Set(tokens.map(tokenSource)),
    fetched: events.filter((e) => e.type === 'credentials').length,
  };
}

describe('a lock held across credential rotations never loses its lease', () => {
  it('credentials from IMDS (instance profile)', async () => {
    const home = world.home();
    const r = await holdThroughRotations(
      { ...home.env, AWS_EC2_METADATA_DISABLED: 'false' },
      'rotation-imds',
    );
    expect(r.lost).toBe(0);
    expect(r.refusals).toEqual([]);
    expect(r.renewals).toBeGreaterThanOrEqual(10);
    expect(r.generations).toBeGreaterThanOrEqual(4); // 14 s of 4 s credentials, rotated ahead of expiry
    expect(r.fetched).toBeGreaterThanOrEqual(4);
    expect([...r.minted]).toEqual(['imds']);
  });

  it('a role assumed through STS from a profile', async () => {
    const home = world.home({
      config: `[profile base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n[profile app]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n`,
    });
    const r = await holdThroughRotations({ ...home.env, AWS_PROFILE: 'app' }, 'rotation-sts');
    expect(r.lost).toBe(0);
    expect(r.refusals).toEqual([]);
    expect(r.generations).toBeGreaterThanOrEqual(4);
    expect([...r.minted]).toEqual(['sts-role']);
  });

  it('the container endpoint (ECS task role, EKS Pod Identity)', async () => {
    const home = world.home();
    const r = await holdThroughRotations(
      {
        ...home.env,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: world.container.fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: POD_IDENTITY_TOKEN,
      },
      'rotation-container',
    );
    expect(r.lost).toBe(0);
    expect(r.refusals).toEqual([]);
    expect(r.generations).toBeGreaterThanOrEqual(4);
  });
});

describe('the check has teeth', () => {
  it('credentials copied once (no refresh), as before: the lock is lost when they expire', async () => {
    const once = world.issuer.issue('copied-once');
    const s3 = new S3Session({
      bucket: admin.bucket,
      endpoint: world.front.endpoint,
      credentials: { ...once, expiration: undefined }, // static: never refreshed
    });
    const refusedBefore = world.front.refusals.length;
    const lock = s3.lock('teeth', { leaseMs: 3_000, settleDelayMs: 100 });
    const lost = new Promise<void>((resolve) => lock.on('lost', () => resolve()));
    expect(await lock.acquire()).toBe(true);
    await lost; // 4 s credentials, then renewals refused until the lease runs out
    expect(world.front.refusals.slice(refusedBefore)).toContain('ExpiredToken');
    await lock.release().catch(() => {});
    await admin.breakLocks('teeth', { olderThanMs: 0 }).catch(() => {});
    await s3.close();
  });
});

describe('the store refuses credentials', () => {
  it('refuses a token once it has expired (what the rotation tests guard against)', async () => {
    const stale = world.issuer.issue('stale', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const s3 = new S3Session({
      bucket: admin.bucket,
      endpoint: world.front.endpoint,
      credentials: { ...stale, expiration: undefined },
    });
    const error = await s3.putObject('stale', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 400, s3Code: 'ExpiredToken' });
    await s3.close();
  });

  it('a revoked token (403 InvalidToken) is refreshed with forceRefresh and the request resent, once', async () => {
    const calls: (Record<string, unknown> | undefined)[] = [];
    const provider = async (props?: Record<string, unknown>) => {
      calls.push(props);
      return world.issuer.issue('provider', 3_600_000);
    };
    const s3 = new S3Session({ bucket: admin.bucket, endpoint: world.front.endpoint, credentials: provider });
    const lock = s3.lock('revoked', { leaseMs: 3_000, settleDelayMs: 100 });
    let lost = 0;
    lock.on('lost', () => lost++);
    expect(await lock.acquire()).toBe(true);
    const refusedBefore = world.front.refusals.length;
    const current = world.issuer.issued.filter((c) => c.source === 'provider').at(-1);
    world.issuer.revoke(current?.sessionToken as string);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two renewals
    expect(await lock.verify()).toBe(true);
    await lock.release();
    expect(lost).toBe(0);
    expect(world.front.refusals.slice(refusedBefore)).toEqual(['InvalidToken']);
    expect(calls).toEqual([undefined, { forceRefresh: true }]);
    await s3.close();
  });

  it('a provider that cannot refresh after a refusal: the request fails with that error, not a loop', async () => {
    let n = 0;
    const provider = async () => {
      n++;
      if (n > 1) throw new CredentialsError('the vault is sealed');
      return world.issuer.issue('provider-once', 3_600_000);
    };
    const s3 = new S3Session({ bucket: admin.bucket, endpoint: world.front.endpoint, credentials: provider });
    await s3.putObject('once', 'x');
    world.issuer.revoke(world.issuer.issued.at(-1)?.sessionToken as string);
    await expect(s3.putObject('once', 'y')).rejects.toThrow('the vault is sealed');
    expect(n).toBe(2);
    await s3.close();
  });
});
