// Bucket-region discovery: a session signing for the wrong region learns the bucket's region from
// the store's answer (AuthorizationHeaderMalformed with <Region>, or x-amz-bucket-region on a HEAD),
// re-signs and resends at once, remembers it for the bucket, and says so in a debug event. The
// front refuses what AWS S3 refuses; Ceph RGW behind it accepts any region, so only the front
// decides. Also: where a session's region comes from when none is given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3DebugEvent, S3Session } from '../../src/index.js';
import { awsHome } from '../support/aws/aws-home.js';
import { S3Front } from '../support/aws/s3-front.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';
import { s3Env } from './s3-env.js';

let front: S3Front;
const admins: S3Session[] = [];

beforeAll(async () => {
  front = await S3Front.start({ upstream: s3Env().endpoint, bucketRegion: 'eu-west-1' });
});

afterAll(async () => {
  for (const admin of admins) await destroyTestBucket(admin);
  await front.close();
});

async function bucket(prefix: string): Promise<string> {
  const admin = await createTestBucket(prefix);
  admins.push(admin);
  return admin.bucket;
}

function session(name: string, events: S3DebugEvent[], region = 'us-east-1'): S3Session {
  const env = s3Env();
  return new S3Session({
    bucket: name,
    endpoint: front.endpoint,
    region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    onDebug: (e) => events.push(e),
  });
}

describe('bucket-region discovery', () => {
  it('learns the region from AuthorizationHeaderMalformed, resends once, and says so', async () => {
    const name = await bucket('region-put');
    const events: S3DebugEvent[] = [];
    const s3 = session(name, events);
    const refused = front.refusals.length;
    await s3.putObject('k', 'v');
    expect(front.refusals.slice(refused)).toEqual(['AuthorizationHeaderMalformed']);
    expect(s3.region).toBe('eu-west-1');
    expect(events.filter((e) => e.type === 'bucket-region')).toEqual([
      {
        type: 'bucket-region',
        bucket: name,
        from: 'us-east-1',
        to: 'eu-west-1',
        reason: 'AuthorizationHeaderMalformed',
      },
    ]);
    expect(await (await s3.getObject('k')).text()).toBe('v');
    expect(front.refusals.slice(refused)).toHaveLength(1);
    // presigned URLs are signed for the learned region too
    expect(s3.presign('GET', 'k')).toContain('%2Feu-west-1%2Fs3%2Faws4_request');
    await s3.close();
  });

  it('learns it from the x-amz-bucket-region header of a bodiless HEAD answer', async () => {
    const name = await bucket('region-head');
    const events: S3DebugEvent[] = [];
    const s3 = session(name, events);
    const refused = front.refusals.length;
    const error = await s3.headObject('missing').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 }); // the resent HEAD reached the store
    expect(front.refusals.slice(refused)).toEqual(['Http400']);
    expect(events.find((e) => e.type === 'bucket-region')).toMatchObject({
      reason: 'BadRequest',
      to: 'eu-west-1',
    });
    await s3.close();
  });

  it('remembers the region per bucket: a new session on the same bucket starts there', async () => {
    const name = await bucket('region-cache');
    await session(name, []).putObject('k', 'v');
    const refused = front.refusals.length;
    const events: S3DebugEvent[] = [];
    const again = session(name, events);
    expect(again.region).toBe('eu-west-1');
    await again.putObject('k2', 'v');
    expect(front.refusals.slice(refused)).toEqual([]);
    expect(events.filter((e) => e.type === 'bucket-region')).toEqual([]);
    await again.close();
  });

  it('follows the store once per call: a store that keeps moving the bucket gets an error, not a loop', async () => {
    const name = await bucket('region-loop');
    let n = 0;
    const moving = await S3Front.start({ upstream: s3Env().endpoint, bucketRegion: () => `moving-${++n}` });
    try {
      const env = s3Env();
      const s3 = new S3Session({
        bucket: name,
        endpoint: moving.endpoint,
        credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
      });
      const error = await s3.putObject('k', 'v').catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 400,
        s3Code: 'AuthorizationHeaderMalformed',
        bucketRegion: 'moving-2',
      });
      expect(moving.refusals).toEqual(['AuthorizationHeaderMalformed', 'AuthorizationHeaderMalformed']);
      await s3.close();
    } finally {
      await moving.close();
    }
  });
});

describe('where the region comes from', () => {
  it('the option, AWS_REGION, AWS_DEFAULT_REGION, then the profile (read before the first request), then us-east-1', async () => {
    const keys = { credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, bucket: 'some-bucket' };
    expect(new S3Session({ ...keys, region: 'ca-central-1' }, { AWS_REGION: 'x-1' }).region).toBe(
      'ca-central-1',
    );
    expect(new S3Session(keys, { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-north-1' }).region).toBe(
      'ap-south-1',
    );
    expect(new S3Session(keys, { AWS_DEFAULT_REGION: 'eu-north-1' }).region).toBe('eu-north-1');
    const home = awsHome({ config: '[default]\nregion = sa-east-1\n[profile other]\nregion = af-south-1\n' });
    try {
      const fromProfile = new S3Session(keys, home.env);
      expect(fromProfile.region).toBe('us-east-1'); // nothing read yet
      await fromProfile.resolveCredentials();
      expect(fromProfile.region).toBe('sa-east-1');
      const named = new S3Session({ bucket: 'some-bucket', profile: 'other' }, home.env);
      await named.resolveCredentials().catch(() => {}); // no credentials there; the region is read anyway
      expect(named.region).toBe('af-south-1');
      const none = new S3Session(keys, { HOME: home.path('elsewhere') });
      await none.resolveCredentials();
      expect(none.region).toBe('us-east-1');
    } finally {
      home.remove();
    }
  });
});
