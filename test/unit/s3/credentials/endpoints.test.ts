import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../../src/errors.js';
import {
  configuredEndpoint,
  ssoPortalEndpoint,
  stsEndpoint,
} from '../../../../src/s3/credentials/endpoints.js';
import { containerEndpoint } from '../../../../src/s3/credentials/sources/container.js';
import {
  imdsDisabled,
  imdsEndpoint,
  parseImdsCredentials,
} from '../../../../src/s3/credentials/sources/imds.js';

describe('STS and SSO endpoints', () => {
  it('regional by default, global only for legacy mode in the legacy regions', () => {
    expect(stsEndpoint('eu-west-1', {}).href).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(stsEndpoint('cn-north-1', {}).href).toBe('https://sts.cn-north-1.amazonaws.com.cn/');
    expect(stsEndpoint('us-east-1', { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }).href).toBe(
      'https://sts.amazonaws.com/',
    );
    expect(stsEndpoint('ap-east-1', { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }).href).toBe(
      'https://sts.ap-east-1.amazonaws.com/',
    );
    expect(stsEndpoint('us-east-1', {}, { profile: { sts_regional_endpoints: 'legacy' } }).host).toBe(
      'sts.amazonaws.com',
    );
    expect(ssoPortalEndpoint('eu-central-1', {}).href).toBe('https://portal.sso.eu-central-1.amazonaws.com/');
  });

  it('configured endpoints: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the services section, the profile', () => {
    const services = {
      local: { 'sts.endpoint_url': 'http://services-sts', 'sso.endpoint_url': 'http://services-sso' },
    };
    const profile = { services: 'local', endpoint_url: 'http://profile' };
    expect(
      configuredEndpoint('STS', { AWS_ENDPOINT_URL_STS: 'http://a', AWS_ENDPOINT_URL: 'http://b' }),
    ).toBe('http://a');
    expect(configuredEndpoint('STS', { AWS_ENDPOINT_URL: 'http://b' }, { profile, services })).toBe(
      'http://b',
    );
    expect(configuredEndpoint('STS', {}, { profile, services })).toBe('http://services-sts');
    expect(configuredEndpoint('SSO', {}, { profile, services })).toBe('http://services-sso');
    expect(configuredEndpoint('STS', {}, { profile: { endpoint_url: 'http://profile' } })).toBe(
      'http://profile',
    );
    expect(
      configuredEndpoint('STS', {
        AWS_ENDPOINT_URL_STS: 'http://a',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
    ).toBe(undefined);
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9/sts' }).href).toBe(
      'http://127.0.0.1:9/sts',
    );
  });

  it('refuses endpoints that are not http(s) URLs and regions that cannot be host names', () => {
    expect(() => stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'not a url' })).toThrow(CredentialsError);
    expect(() => stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'ftp://x' })).toThrow(/http\(s\) URL/);
    expect(() => stsEndpoint('evil.com/x', {})).toThrow(/lower-case letters/);
  });
});

describe('container endpoint', () => {
  it('resolves a relative URI against 169.254.170.2, and prefers it to a full URI', () => {
    expect(String(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' }))).toBe(
      'http://169.254.170.2/v2/credentials/abc',
    );
    expect(
      String(
        containerEndpoint({
          AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/x',
          AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/y',
        }),
      ),
    ).toBe('http://169.254.170.2/v2/x');
  });

  it('accepts https anywhere and plain http only to loopback and the ECS/EKS agents', () => {
    for (const ok of [
      'https://creds.example.com/x',
      'http://127.0.0.1:5000/x',
      'http://127.9.9.9/x',
      'http://localhost/x',
      'http://[::1]:80/x',
      'http://169.254.170.2/v2/x',
      'http://169.254.170.23/v1/credentials',
      'http://[fd00:ec2::23]/v1/credentials',
    ]) {
      expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: ok }), ok).toBeInstanceOf(URL);
    }
    for (const bad of [
      'http://10.0.0.1/x',
      'http://127.0.0.1.evil.com/x',
      'http://128.0.0.1/x',
      'ftp://127.0.0.1/x',
    ]) {
      expect(() => containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: bad }), bad).toThrow(
        /must use https/,
      );
    }
    expect(() => containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: '::' })).toThrow(/not a URL/);
    expect(containerEndpoint({})).toMatchObject({ skipped: expect.stringMatching(/not set/) });
  });
});

describe('IMDS', () => {
  it('finds the endpoint from the variable, the profile, or the mode', () => {
    expect(imdsEndpoint({}, undefined).href).toBe('http://169.254.169.254/');
    expect(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, undefined).href).toBe(
      'http://[fd00:ec2::254]/',
    );
    expect(imdsEndpoint({}, { ec2_metadata_service_endpoint_mode: 'IPv6' }).host).toBe('[fd00:ec2::254]');
    expect(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1234' }, undefined).host).toBe(
      '127.0.0.1:1234',
    );
    expect(imdsEndpoint({}, { ec2_metadata_service_endpoint: 'http://127.0.0.2' }).host).toBe('127.0.0.2');
    expect(() => imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv5' }, undefined)).toThrow(
      /IPv4 or IPv6/,
    );
  });

  it('is disabled by AWS_EC2_METADATA_DISABLED unless it says false', () => {
    expect(imdsDisabled({ AWS_EC2_METADATA_DISABLED: 'true' })).toBe(true);
    expect(imdsDisabled({ AWS_EC2_METADATA_DISABLED: 'TRUE' })).toBe(true);
    expect(imdsDisabled({ AWS_EC2_METADATA_DISABLED: 'false' })).toBe(false);
    expect(imdsDisabled({})).toBe(false);
  });

  it('reads the documented credentials document, and refuses others without quoting them', () => {
    const base = new URL('http://169.254.169.254');
    // the example of the EC2 user guide, "Retrieve security credentials from instance metadata"
    const doc = `{
  "Code" : "Success",
  "LastUpdated" : "2012-04-26T16:39:16Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "Token" : "token",
  "Expiration" : "2017-05-17T15:09:54Z"
}`;
    const c = parseImdsCredentials(doc, base, 's3access');
    expect(c).toMatchObject({ accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 'token' });
    expect(c.expiration?.toISOString()).toBe('2017-05-17T15:09:54.000Z');
    expect(c.source).toEqual({ kind: 'imds', description: 'EC2 instance metadata (role s3access)' });
    expect(() => parseImdsCredentials(doc.replace('Success', 'Failure'), base, 'r')).toThrow(
      /Code "Failure"/,
    );
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    for (const bad of [
      '<html>',
      doc.replace('"Token" : "token",', ''),
      doc.replace('2017-05-17T15:09:54Z', 'soon'),
    ]) {
      const error = (() => {
        try {
          parseImdsCredentials(bad, base, 'r');
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toMatch(/answered without/);
      expect(error?.message).not.toContain(secret);
    }
  });
});
