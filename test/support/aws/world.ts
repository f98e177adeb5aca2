/**
 * Every AWS credentials service a test may need, on loopback, issuing credentials that the S3
 * store under test accepts through an `S3Front` that checks them as AWS S3 would: STS, IMDS, a
 * container endpoint (EKS Pod Identity style, with an authorization token file) and the SSO portal.
 * `env()` builds an environment (in a fresh temporary home) that points the default chain at them.
 */

import { type AwsHome, type AwsHomeFiles, awsHome } from './aws-home.js';
import { ContainerServer } from './container-server.js';
import { ImdsServer } from './imds-server.js';
import { CredentialIssuer } from './issuer.js';
import { S3Front } from './s3-front.js';
import { SsoPortal } from './sso-portal.js';
import { StsServer } from './sts-server.js';

/** Long-term keys STS knows (a profile's static keys); never sent to the store. */
export const BASE_KEYS = Object.freeze({
  accessKeyId: 'AKIDBASEEXAMPLE',
  secretAccessKey: 'BASEsecretKEY0123456789abcdefghijklmnopq',
});
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/s3func-test';
export const WEB_IDENTITY_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.web-identity-token-for-tests.c2lnbmF0dXJl';
export const SSO = Object.freeze({
  accessToken: 'SSOaccessTOKEN-0123456789abcdefghijklmnopqrstuvwxyz',
  accountId: '123456789012',
  roleName: 'S3FuncTestRole',
  startUrl: 'https://s3func-test.awsapps.com/start',
  session: 'corp',
});
export const POD_IDENTITY_TOKEN = 'POD-IDENTITY-token-0123456789abcdefghij';

export interface AwsWorld {
  issuer: CredentialIssuer;
  front: S3Front;
  sts: StsServer;
  imds: ImdsServer;
  container: ContainerServer;
  sso: SsoPortal;
  /** A fresh home holding `files`, and an environment pointing every service at the test servers. */
  home(files?: AwsHomeFiles): AwsHome;
  /** The variables that point the default chain's services at the test servers. */
  endpoints(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Starts the servers in front of the store at `store` (keys the store accepts). */
export async function startAwsWorld(store: {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}): Promise<AwsWorld> {
  const issuer = new CredentialIssuer(store);
  const front = await S3Front.start({ upstream: store.endpoint, issuer });
  const sts = await StsServer.start({
    issuer,
    callers: { [BASE_KEYS.accessKeyId]: BASE_KEYS.secretAccessKey },
    roles: [ROLE_ARN],
    webIdentityTokens: { valid: [WEB_IDENTITY_TOKEN], expired: ['expired-web-token'] },
  });
  const imds = await ImdsServer.start({ issuer, role: 's3func-instance-role' });
  const container = await ContainerServer.start({
    issuer,
    path: '/v1/credentials',
    authorization: () => POD_IDENTITY_TOKEN,
  });
  const sso = await SsoPortal.start({
    issuer,
    tokens: [SSO.accessToken],
    accountId: SSO.accountId,
    roleName: SSO.roleName,
  });
  const homes: AwsHome[] = [];
  const endpoints = (): NodeJS.ProcessEnv => ({
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ENDPOINT_URL_SSO: sso.endpoint,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
    AWS_REGION: 'us-east-1',
  });
  return {
    issuer,
    front,
    sts,
    imds,
    container,
    sso,
    endpoints,
    home(files = {}) {
      const home = awsHome(files);
      Object.assign(home.env, endpoints());
      homes.push(home);
      return home;
    },
    async close() {
      for (const home of homes) home.remove();
      await Promise.all([front, sts, imds, container, sso].map((s) => s.close()));
    },
  };
}
