import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { awsEndpoint, resolveAddressing } from '../../../src/s3/addressing.js';

describe('resolveAddressing', () => {
  it('uses virtual-hosted style on AWS by default', () => {
    expect(resolveAddressing({ bucket: 'my-bucket', region: 'eu-west-1' })).toEqual({
      origin: 'https://my-bucket.s3.eu-west-1.amazonaws.com',
      host: 'my-bucket.s3.eu-west-1.amazonaws.com',
      basePath: '/',
      pathStyle: false,
    });
    expect(awsEndpoint('us-east-1')).toBe('https://s3.us-east-1.amazonaws.com');
  });

  it('uses path style on AWS when asked', () => {
    expect(resolveAddressing({ bucket: 'my-bucket', region: 'us-east-1', forcePathStyle: true })).toEqual({
      origin: 'https://s3.us-east-1.amazonaws.com',
      host: 's3.us-east-1.amazonaws.com',
      basePath: '/my-bucket/',
      pathStyle: true,
    });
  });

  it('uses path style for dotted buckets over HTTPS (the wildcard certificate covers one label)', () => {
    const a = resolveAddressing({ bucket: 'my.dotted.bucket', region: 'us-east-1' });
    expect(a).toMatchObject({
      host: 's3.us-east-1.amazonaws.com',
      basePath: '/my.dotted.bucket/',
      pathStyle: true,
    });
    // unless told otherwise
    expect(
      resolveAddressing({ bucket: 'my.dotted.bucket', region: 'us-east-1', forcePathStyle: false }),
    ).toMatchObject({ host: 'my.dotted.bucket.s3.us-east-1.amazonaws.com', pathStyle: false });
    // over plain HTTP there is no certificate to match
    expect(
      resolveAddressing({
        bucket: 'my.dotted.bucket',
        region: 'x',
        endpoint: 'http://store.example',
        forcePathStyle: false,
      }),
    ).toMatchObject({ origin: 'http://my.dotted.bucket.store.example', pathStyle: false });
  });

  it('uses path style on custom endpoints unless told otherwise', () => {
    expect(
      resolveAddressing({ bucket: 'b1', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480' }),
    ).toEqual({
      origin: 'http://127.0.0.1:7480',
      host: '127.0.0.1:7480',
      basePath: '/b1/',
      pathStyle: true,
    });
    expect(
      resolveAddressing({
        bucket: 'b1',
        region: 'auto',
        endpoint: 'https://acct.r2.cloudflarestorage.com',
        forcePathStyle: false,
      }),
    ).toEqual({
      origin: 'https://b1.acct.r2.cloudflarestorage.com',
      host: 'b1.acct.r2.cloudflarestorage.com',
      basePath: '/',
      pathStyle: false,
    });
  });

  it('keeps the port in Host only when it is not the default', () => {
    expect(resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'https://s3.example:443' }).host).toBe(
      's3.example',
    );
    expect(resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'http://s3.example:80' }).host).toBe(
      's3.example',
    );
    expect(resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'http://s3.example:9000' }).host).toBe(
      's3.example:9000',
    );
    expect(
      resolveAddressing({
        bucket: 'b1',
        region: 'r',
        endpoint: 'http://s3.example:9000',
        forcePathStyle: false,
      }),
    ).toMatchObject({ origin: 'http://b1.s3.example:9000', host: 'b1.s3.example:9000' });
  });

  it('keeps an endpoint path before the bucket (or the key), without doubling slashes', () => {
    expect(resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'https://gw.example/s3' }).basePath).toBe(
      '/s3/b1/',
    );
    expect(
      resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'https://gw.example/s3///' }).basePath,
    ).toBe('/s3/b1/');
    expect(resolveAddressing({ bucket: 'b1', region: 'r', endpoint: 'https://gw.example/' }).basePath).toBe(
      '/b1/',
    );
    expect(
      resolveAddressing({
        bucket: 'b1',
        region: 'r',
        endpoint: 'https://gw.example/s3/',
        forcePathStyle: false,
      }),
    ).toMatchObject({ basePath: '/s3/', host: 'b1.gw.example' });
  });

  it('refuses endpoints that are not plain http(s) base URLs', () => {
    for (const endpoint of [
      'not a url',
      's3.example.com',
      'ftp://s3.example',
      'http://s3.example/?x=1',
      'http://s3.example/#frag',
      'http://user:pw@s3.example',
    ]) {
      expect(() => resolveAddressing({ bucket: 'b1', region: 'r', endpoint }), endpoint).toThrow(ConfigError);
    }
  });
});
