/**
 * An IAM Identity Center (SSO) portal test server: `GetRoleCredentials` as the SSO API reference
 * describes it. `GET /federation/credentials?account_id=…&role_name=…` with the access token in
 * `x-amz-sso_bearer_token` answers `{"roleCredentials":{"accessKeyId","secretAccessKey",
 * "sessionToken","expiration"}}` (expiration in epoch milliseconds). An unknown token is 401
 * `UnauthorizedException`, a role the token may not use 403 `ForbiddenException`, an unknown
 * account or role 404 `ResourceNotFoundException`; errors name their type in `x-amzn-ErrorType` and
 * carry `{"message"}`.
 */
import type { CredentialIssuer } from './issuer.js';
import { type Answer, type ReceivedRequest, TestServer } from './server.js';

export interface SsoPortalOptions {
  issuer: CredentialIssuer;
  /** Access tokens the portal accepts. */
  tokens: string[];
  /** The account and role the tokens may use. */
  accountId: string;
  roleName: string;
}

export class SsoPortal extends TestServer {
  readonly options: SsoPortalOptions;

  private constructor(options: SsoPortalOptions) {
    super((req) => this.#handle(req));
    this.options = options;
  }

  static async start(options: SsoPortalOptions): Promise<SsoPortal> {
    const server = new SsoPortal(options);
    await server.listen();
    return server;
  }

  #handle(req: ReceivedRequest): Answer {
    const url = new URL(req.url, 'http://portal');
    if (req.method !== 'GET' || url.pathname !== '/federation/credentials') {
      return failure(404, 'ResourceNotFoundException', 'Not found');
    }
    const token = req.headers['x-amz-sso_bearer_token'];
    if (token === undefined || !this.options.tokens.includes(token)) {
      return failure(401, 'UnauthorizedException', 'Session token not found or invalid');
    }
    const account = url.searchParams.get('account_id');
    const role = url.searchParams.get('role_name');
    if (!account || !role)
      return failure(400, 'InvalidRequestException', 'account_id and role_name are required');
    if (account !== this.options.accountId)
      return failure(404, 'ResourceNotFoundException', 'Account not found');
    if (role !== this.options.roleName) return failure(403, 'ForbiddenException', 'No access');
    const c = this.options.issuer.issue('sso');
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        roleCredentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiration.getTime(),
        },
      }),
    };
  }
}

function failure(status: number, type: string, message: string): Answer {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/`,
    },
    body: JSON.stringify({ message }),
  };
}
