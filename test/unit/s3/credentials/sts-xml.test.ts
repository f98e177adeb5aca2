import { describe, expect, it } from 'vitest';
import { stsRequestBody } from '../../../../src/s3/credentials/sts/client.js';
import { parseStsCredentials, parseStsError } from '../../../../src/s3/credentials/sts/xml.js';

// The response examples of the AWS STS API reference (AssumeRole, AssumeRoleWithWebIdentity)
const ASSUME_ROLE = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
       LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;

const WEB_IDENTITY = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;

describe('STS answers', () => {
  it('reads the credentials of the documented examples', () => {
    const role = parseStsCredentials(ASSUME_ROLE, 'AssumeRole');
    expect(role).toMatchObject({
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
      arn: 'arn:aws:sts::123456789012:assumed-role/demo/TestAR',
    });
    if (typeof role === 'string') throw new Error(role);
    expect(role.sessionToken.startsWith('AQoDYXdzEPT')).toBe(true);
    expect(role.expiration.toISOString()).toBe('2019-11-09T13:34:41.000Z');
    const web = parseStsCredentials(WEB_IDENTITY, 'AssumeRoleWithWebIdentity');
    expect(web).toMatchObject({ accessKeyId: 'ASgeIAIOSFODNN7EXAMPLE' });
  });

  it('says what is missing, never quoting the body', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
    expect(parseStsCredentials(ASSUME_ROLE, 'AssumeRoleWithWebIdentity')).toBe(
      "the answer's root element is <AssumeRoleResponse>, not <AssumeRoleWithWebIdentityResponse>",
    );
    expect(parseStsCredentials(ASSUME_ROLE.slice(0, 500), 'AssumeRole')).toBe(
      'the answer is not well-formed XML',
    );
    expect(parseStsCredentials(ASSUME_ROLE.replace(/<AccessKeyId>.*<\/AccessKeyId>/, ''), 'AssumeRole')).toBe(
      "the answer's <Credentials> has no <AccessKeyId>",
    );
    expect(parseStsCredentials(ASSUME_ROLE.replace('2019-11-09T13:34:41Z', 'later'), 'AssumeRole')).toBe(
      "the answer's <Expiration> is not an ISO 8601 time",
    );
    for (const reason of [
      parseStsCredentials(ASSUME_ROLE.slice(0, 700), 'AssumeRole'),
      parseStsCredentials(`<x>${secret}</x>`, 'AssumeRole'),
    ]) {
      expect(String(reason)).not.toContain(secret);
    }
  });

  it('reads the documented error body', () => {
    const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized</Message></Error>
  <RequestId>4b2a3c1e-example</RequestId>
</ErrorResponse>`;
    expect(parseStsError(body)).toEqual({
      code: 'AccessDenied',
      message: 'User is not authorized',
      requestId: '4b2a3c1e-example',
    });
    expect(parseStsError('<html>')).toBeUndefined();
  });

  it("reads Ceph RGW's STS errors, which come as a bare S3-style <Error>", () => {
    // as RGW 16.2 answers an AssumeRole with a DurationSeconds it does not allow
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message></Message>' +
      '<RequestId>tx00000a1b2c3d4e5f6-0066aabbcc-1009-default</RequestId><HostId>1009-default-default</HostId></Error>';
    expect(parseStsError(body)).toEqual({
      code: 'InvalidArgument',
      message: undefined,
      requestId: 'tx00000a1b2c3d4e5f6-0066aabbcc-1009-default',
    });
    expect(parseStsError('<Other><Code>X</Code></Other>')).toBeUndefined();
  });

  it('forms the query-protocol body, leaving out parameters not given', () => {
    expect(
      stsRequestBody('AssumeRole', {
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 'a b',
        ExternalId: undefined,
      }),
    ).toBe(
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=a+b',
    );
  });
});
