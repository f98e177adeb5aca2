import { describe, expect, it } from 'vitest';
import { s3Env, uniqueBucketName } from './s3-env.js';

// Proves the plumbing (server up, endpoint provided to the tests) without the project's S3 client.
describe('S3 test server', () => {
  it('answers an anonymous ListBuckets with S3 XML', async () => {
    const { endpoint } = s3Env();
    const res = await fetch(`${endpoint}/`);
    const body = await res.text();
    // Ceph lists an empty bucket set for anonymous callers; AWS and others refuse with AccessDenied.
    if (res.status === 200) {
      expect(body).toContain('<ListAllMyBucketsResult');
    } else {
      expect(res.status).toBe(403);
      expect(body).toMatch(/<Error>[\s\S]*<Code>AccessDenied<\/Code>/);
    }
  });

  it('makes unique, valid bucket names', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueBucketName('Locks_Test!')));
    expect(names.size).toBe(1000);
    for (const name of names) expect(name).toMatch(/^locks-test-[0-9a-z]{8}-[0-9a-f]{8}$/);
    expect(uniqueBucketName('x'.repeat(100)).length).toBeLessThanOrEqual(63);
    expect(uniqueBucketName('--')).toMatch(/^s3func-/);
  });
});
