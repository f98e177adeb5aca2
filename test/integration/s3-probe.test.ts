import { afterAll, beforeAll, it } from 'vitest';
import type { S3Session } from '../../src/index.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';
import { deleteBucketPolicy, denyDeletesUnder } from '../support/s3-raw.js';

let s3: S3Session;
beforeAll(async () => {
  s3 = await createTestBucket('probe');
});
afterAll(async () => {
  await deleteBucketPolicy(s3.bucket);
  await destroyTestBucket(s3);
});

it('probe', async () => {
  await denyDeletesUnder(s3.bucket, 'protected/');
  await s3.putObject('protected/a', 'x');
  await s3.putObject('free/a', 'x');
  try {
    console.log(await s3.deleteObjects(['protected/a', 'free/a']));
  } catch (e) {
    console.log('ERR', e);
  }
  try { await s3.deleteObject('protected/a'); } catch (e) { console.log(e); }
  await deleteBucketPolicy(s3.bucket);
});
