// Presigned URLs used by plain `fetch`, with no credentials: GET, PUT, HEAD, DELETE, a version, an
// awkward key, and an expired URL refused.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, isNotFound, type S3Session } from '../../src/index.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';

let s3: S3Session;

beforeAll(async () => {
  s3 = await createTestBucket('presign');
});

afterAll(async () => {
  await destroyTestBucket(s3);
});

describe('presign', () => {
  it('lets fetch GET an object, and HEAD it', async () => {
    await s3.putObject('pre/get', 'presigned body', { contentType: 'text/plain' });
    const res = await fetch(s3.presign('GET', 'pre/get', { expiresIn: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('presigned body');
    const head = await fetch(s3.presign('HEAD', 'pre/get', { expiresIn: 60 }), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
  });

  it('lets fetch PUT an object that the session then reads', async () => {
    const body = new Uint8Array([0, 1, 2, 254, 255]);
    const res = await fetch(s3.presign('PUT', 'pre/put', { expiresIn: 60 }), { method: 'PUT', body });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(Buffer.from(await (await s3.getObject('pre/put')).bytes())).toEqual(Buffer.from(body));
  });

  it('lets fetch DELETE an object', async () => {
    await s3.putObject('pre/delete', 'x');
    const res = await fetch(s3.presign('DELETE', 'pre/delete', { expiresIn: 60 }), { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(isNotFound(await s3.headObject('pre/delete').catch((e: unknown) => e))).toBe(true);
  });

  it('signs keys that need encoding exactly as given', async () => {
    for (const key of ["pre/ a+b=c&d?e#f%g!*'()~/😀/é", 'pre//double', '/leading']) {
      await s3.putObject(key, key);
      const res = await fetch(s3.presign('GET', key, { expiresIn: 60 }));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(key);
    }
  });

  it('keeps . and .. segments in the URL; clients that do not normalise paths can use it', async () => {
    // WHATWG URL parsing (fetch, browsers) resolves dot segments, so such a URL then names another
    // path and its signature fails. The URL itself is right: sent as is, it works.
    const key = 'pre/a/../b/./c';
    await s3.putObject(key, 'dots');
    const url = s3.presign('GET', key, { expiresIn: 60 });
    expect(url).toContain('/pre/a/../b/./c?');
    const { status, body } = await rawGet(url);
    expect(status).toBe(200);
    expect(body).toBe('dots');
    const normalised = await fetch(url);
    expect(normalised.status).toBe(403);
    await normalised.arrayBuffer();
  });

  it('signs a version id into the URL', async () => {
    await s3.setBucketVersioning(true);
    try {
      const first = await s3.putObject('pre/versioned', 'first');
      await s3.putObject('pre/versioned', 'second');
      const url = s3.presign('GET', 'pre/versioned', { expiresIn: 60, versionId: first.versionId as string });
      const res = await fetch(url);
      expect(await res.text()).toBe('first');
      // tampering with the signed query is refused
      const tampered = await fetch(url.replace(/versionId=[^&]+/, 'versionId=null'));
      expect(tampered.status).toBe(403);
      await tampered.arrayBuffer();
    } finally {
      await s3.setBucketVersioning(false);
    }
  });

  it('is refused with 403 once expired', async () => {
    await s3.putObject('pre/expiring', 'x');
    const url = s3.presign('GET', 'pre/expiring', { expiresIn: 1 });
    // expiry is checked in whole seconds against X-Amz-Date: wait past the next full second and then some
    await sleep(2_100);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    // the same URL signed now works, so the refusal was the expiry
    const fresh = await fetch(s3.presign('GET', 'pre/expiring', { expiresIn: 60 }));
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toBe('x');
  });

  it('refuses expiresIn outside 1..604800 seconds and unknown options', () => {
    expect(() => s3.presign('GET', 'k', { expiresIn: 0 })).toThrow(ConfigError);
    expect(() => s3.presign('GET', 'k', { expiresIn: 604_801 })).toThrow(ConfigError);
    expect(() => s3.presign('GET', 'k', { expiresIn: 1.5 })).toThrow(ConfigError);
    expect(() => s3.presign('GET', 'k', { expires: 5 } as never)).toThrow(ConfigError);
    expect(() => s3.presign('GET', '')).toThrow(ConfigError);
  });
});

/** GET with node:http, which sends the path exactly as written (no dot-segment resolution). */
function rawGet(url: string): Promise<{ status: number; body: string }> {
  const origin = /^(https?:\/\/[^/]+)(\/.*)$/.exec(url);
  if (!origin) throw new Error(`not a URL: ${url}`);
  const { hostname, port } = new URL(origin[1] as string);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: origin[2], method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
