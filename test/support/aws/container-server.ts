/**
 * A container credentials endpoint test server: the ECS agent's task-role endpoint and the EKS Pod
 * Identity agent, as the ECS and EKS guides describe them. `GET {path}` answers
 * `{"AccessKeyId","SecretAccessKey","Token","Expiration","RoleArn","AccountId"}`, rotating ahead of
 * expiry. With `authorization` set, the request's `Authorization` header must be exactly that
 * token: missing is 400, wrong is 403, each with a JSON `{"Code","Message"}` body. Other paths are 404.
 */
import type { CredentialIssuer, IssuedCredentials } from './issuer.js';
import { type Answer, type ReceivedRequest, TestServer } from './server.js';

export interface ContainerServerOptions {
  issuer: CredentialIssuer;
  /** The credentials path (`/v2/credentials/{id}` on ECS, `/v1/credentials` on EKS). */
  path: string;
  /** The token the agent expects in `Authorization`, read by `() =>` so a test can rotate it. */
  authorization?: (() => string) | undefined;
  /** Rotate credentials this long before they expire. @default a quarter of their lifetime */
  rotateAheadMs?: number;
}

export class ContainerServer extends TestServer {
  readonly options: ContainerServerOptions;
  #current: IssuedCredentials | undefined;

  private constructor(options: ContainerServerOptions) {
    super((req) => this.#handle(req));
    this.options = options;
  }

  static async start(options: ContainerServerOptions): Promise<ContainerServer> {
    const server = new ContainerServer(options);
    await server.listen();
    return server;
  }

  /** The full URI to put in `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  get fullUri(): string {
    return `${this.endpoint}${this.options.path}`;
  }

  #handle(req: ReceivedRequest): Answer {
    if (req.method !== 'GET') return json(405, { Code: 'MethodNotAllowed', Message: 'GET only' });
    if (req.url !== this.options.path) return json(404, { Code: 'NotFound', Message: 'no such credentials' });
    const expected = this.options.authorization?.();
    if (expected !== undefined) {
      const given = req.headers.authorization;
      if (given === undefined || given === '') {
        return json(400, { Code: 'InvalidParameter', Message: 'Service account token cannot be empty' });
      }
      if (given !== expected) {
        return json(403, { Code: 'AccessDeniedException', Message: 'Service account token is not valid' });
      }
    }
    const current = this.#current;
    const ahead = this.options.rotateAheadMs ?? this.options.issuer.lifetimeMs / 4;
    if (current === undefined || current.expiration.getTime() - ahead <= Date.now()) {
      this.#current = this.options.issuer.issue('container');
    }
    const c = this.#current as IssuedCredentials;
    return json(200, {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken,
      Expiration: c.expiration.toISOString(),
      RoleArn: 'arn:aws:iam::123456789012:role/task-role',
      AccountId: '123456789012',
    });
  }
}

function json(status: number, body: unknown): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
