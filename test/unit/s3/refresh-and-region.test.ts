// The request path's two one-time reactions, against a scripted server: credentials refused as
// expired are refreshed and the request resent once (also for a conditional create, which a
// refusal proves was not applied); a store naming the bucket's region is followed once; and the
// region learned for AWS's own endpoint moves the session to that region's endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialsError, S3Error, S3Session } from '../../../src/index.js';
import { bucketRegionOf } from '../../../src/s3/error-response.js';
import { resolveS3Options } from '../../../src/s3/options.js';
import { S3Site } from '../../../src/s3/site.js';
import { type Answer, type ReceivedRequest, TestServer } from '../../support/aws/server.js';

class Scripted extends TestServer {
  static async start(answers: ((req: ReceivedRequest) => Answer)[]): Promise<Scripted> {
    const server = new Scripted((req) => (answers.shift() ?? (() => ({ status: 200 })))(req));
    await server.listen();
    return server;
  }
}

const xmlError =
  (status: number, code: string, extra = '', headers: Record<string, string> = {}) =>
  () => ({
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<Error><Code>${code}</Code><Message>m</Message>${extra}<RequestId>r</RequestId></Error>`,
  });
const ok = () => ({ status: 200, headers: { etag: '"e"' } });

let server: Scripted | undefined;
afterEach(async () => server?.close());

function providerOf(ids: string[]) {
  const calls: (Record<string, unknown> | undefined)[] = [];
  const provider = async (props?: Record<string, unknown>) => {
    calls.push(props);
    const id = ids.shift() ?? 'none';
    return {
      accessKeyId: id,
      secretAccessKey: `secret-${id}-0123456789`,
      sessionToken: `token-${id}-0123456789`,
    };
  };
  return { provider, calls };
}

describe('credentials refused by the store', () => {
  for (const [status, code] of [
    [400, 'ExpiredToken'],
    [403, 'InvalidToken'],
    [400, 'TokenRefreshRequired'],
  ] as const) {
    it(`${status} ${code}: fresh credentials (forceRefresh), the request resent once, signed with them`, async () => {
      server = await Scripted.start([xmlError(status, code), ok]);
      const { provider, calls } = providerOf(['OLD', 'NEW']);
      const s3 = new S3Session({
        bucket: 'bkt',
        endpoint: server.endpoint,
        credentials: provider,
        retry: { maxAttempts: 1 },
      });
      await s3.putObject('k', 'v', { ifNoneMatch: '*' });
      expect(calls).toEqual([undefined, { forceRefresh: true }]);
      const auth = server.requests.map((r) => r.headers.authorization?.split('/')[0]);
      expect(auth).toEqual(['AWS4-HMAC-SHA256 Credential=OLD', 'AWS4-HMAC-SHA256 Credential=NEW']);
      expect(server.requests[1]?.headers['x-amz-security-token']).toBe('token-NEW-0123456789');
      await s3.close();
    });
  }

  it('refused again after the refresh: the error, not a loop', async () => {
    server = await Scripted.start([xmlError(400, 'ExpiredToken'), xmlError(400, 'ExpiredToken'), ok]);
    const { provider, calls } = providerOf(['A', 'B']);
    const s3 = new S3Session({ bucket: 'bkt', endpoint: server.endpoint, credentials: provider });
    const error = await s3.getObject('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ s3Code: 'ExpiredToken' });
    expect(server.requests).toHaveLength(2);
    expect(calls).toHaveLength(2);
    await s3.close();
  });

  it('other refusals (AccessDenied, SignatureDoesNotMatch) do not refresh', async () => {
    server = await Scripted.start([xmlError(403, 'AccessDenied'), xmlError(403, 'SignatureDoesNotMatch')]);
    const { provider, calls } = providerOf(['A', 'B']);
    const s3 = new S3Session({ bucket: 'bkt', endpoint: server.endpoint, credentials: provider });
    await expect(s3.getObject('k')).rejects.toMatchObject({ s3Code: 'AccessDenied' });
    await expect(s3.getObject('k')).rejects.toMatchObject({ s3Code: 'SignatureDoesNotMatch' });
    expect(calls).toHaveLength(1);
    await s3.close();
  });

  it('credentials that cannot be had: a CredentialsError before anything is sent', async () => {
    server = await Scripted.start([]);
    const s3 = new S3Session(
      { bucket: 'bkt', endpoint: server.endpoint },
      { HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' },
    );
    const error = (await s3.headObject('k').catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.attempts.map((a) => a.source)).toEqual([
      'env',
      'profile "default"',
      'web identity',
      'container',
      'imds',
    ]);
    expect(server.requests).toHaveLength(0);
    expect(() => s3.presign('GET', 'k')).toThrow(/call `await s3.resolveCredentials\(\)` once first/);
    await s3.close();
  });
});

describe('the bucket in another region', () => {
  it('301 PermanentRedirect with x-amz-bucket-region: followed once', async () => {
    server = await Scripted.start([
      xmlError(301, 'PermanentRedirect', '<Endpoint>b.s3.eu-west-2.amazonaws.com</Endpoint>', {
        'x-amz-bucket-region': 'eu-west-2',
      }),
      ok,
    ]);
    const s3 = new S3Session({
      bucket: 'bkt',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'A', secretAccessKey: 'S' },
    });
    await s3.putObject('k', 'v');
    expect(
      server.requests.map((r) => /\/\d{8}\/([^/]+)\/s3\//.exec(r.headers.authorization ?? '')?.[1]),
    ).toEqual(['us-east-1', 'eu-west-2']);
    await s3.close();
  });

  it('reads the region from the header, the <Region>, or the redirect endpoint, in that order', () => {
    expect(bucketRegionOf('eu-west-1', 'x', undefined)).toBe('eu-west-1');
    expect(bucketRegionOf(undefined, 'ap-south-1', undefined)).toBe('ap-south-1');
    expect(bucketRegionOf(undefined, undefined, 'my-bucket.s3.eu-central-1.amazonaws.com')).toBe(
      'eu-central-1',
    );
    expect(bucketRegionOf(undefined, undefined, 's3-us-west-2.amazonaws.com')).toBe('us-west-2');
    expect(bucketRegionOf(undefined, undefined, 's3.amazonaws.com')).toBeUndefined();
    expect(bucketRegionOf('EU West', undefined, undefined)).toBeUndefined();
  });

  it("on AWS (no endpoint), a learned region moves the session to that region's endpoint", () => {
    const options = resolveS3Options(
      { bucket: 'site-test-bucket', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      {},
    );
    const site = new S3Site(options, {});
    expect(site.addressing.origin).toBe('https://site-test-bucket.s3.us-east-1.amazonaws.com');
    const events: unknown[] = [];
    expect(site.learn('eu-west-3', 'PermanentRedirect', (e) => events.push(e))).toBe(true);
    expect(site.addressing.origin).toBe('https://site-test-bucket.s3.eu-west-3.amazonaws.com');
    expect(site.learn('eu-west-3', 'PermanentRedirect', (e) => events.push(e))).toBe(false);
    expect(events).toEqual([{ from: 'us-east-1', to: 'eu-west-3', reason: 'PermanentRedirect' }]);
    expect(new S3Site(options, {}).region).toBe('eu-west-3'); // remembered for the bucket
    expect(site.storeId).toBe('s3:https://site-test-bucket.s3.us-east-1.amazonaws.com/site-test-bucket');
  });
});
