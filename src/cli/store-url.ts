/**
 * `--store` URLs: `file:///path/to/dir`, `s3://bucket`, `b2://bucket`. Credentials never come on the
 * command line (they would show in process listings): S3 reads the standard AWS variables
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
 * `AWS_ENDPOINT_URL_S3`), B2 reads `B2_APPLICATION_KEY_ID`, `B2_APPLICATION_KEY` (and
 * `B2_ENDPOINT` for a test server).
 *
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { B2Session } from '../b2/session.js';
import { FileSession } from '../embedded/file/session.js';
import { ConfigError } from '../errors.js';
import type { CoordinationSession } from '../lock/session-base.js';
import { S3Session } from '../s3/session.js';

/** The environment variable holding the default store URL. */
export const STORE_ENV = 'S3FUNC_STORE';

/** A session plus a way to close it. */
export type CliSession = CoordinationSession & { close?(): Promise<void> };

/** Opens the store a `--store` URL (or `$S3FUNC_STORE`) names. */
export function openStore(url: string | undefined, env: NodeJS.ProcessEnv): CliSession {
  const spec = url ?? env[STORE_ENV];
  if (!spec) {
    throw new ConfigError(
      `no store given: pass --store file:///dir, s3://bucket or b2://bucket, or set ${STORE_ENV}`,
      'store',
    );
  }
  const scheme = /^([a-z0-9]+):\/\//.exec(spec)?.[1];
  const rest = spec.slice((scheme?.length ?? 0) + 3);
  switch (scheme) {
    case 'file':
      return new FileSession({ root: spec.startsWith('file:///') ? fileURLToPath(spec) : resolve(rest) });
    case 's3':
      return S3Session.fromEnv({ bucket: bucketOf(rest, spec) }, env);
    case 'b2':
      return new B2Session({
        applicationKeyId: required(env, 'B2_APPLICATION_KEY_ID'),
        applicationKey: required(env, 'B2_APPLICATION_KEY'),
        bucket: bucketOf(rest, spec),
        ...(env.B2_ENDPOINT ? { endpoint: env.B2_ENDPOINT } : {}),
      });
    default:
      throw new ConfigError(
        `--store ${JSON.stringify(spec)}: use file:///dir, s3://bucket or b2://bucket`,
        'store',
      );
  }
}

function bucketOf(rest: string, spec: string): string {
  const bucket = rest.replace(/\/+$/, '');
  if (!bucket || bucket.includes('/')) {
    throw new ConfigError(
      `--store ${JSON.stringify(spec)}: expected a bucket name and nothing after it`,
      'store',
    );
  }
  return bucket;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set (needed for b2:// stores)`, name);
  return value;
}
