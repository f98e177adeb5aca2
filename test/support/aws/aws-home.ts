/**
 * Temporary homes for credentials tests: a directory with `.aws/config`, `.aws/credentials` and
 * SSO token cache files as the AWS CLI writes them, and an environment that points there and
 * turns off every source a test did not ask for (IMDS above all: a real 169.254.169.254 must never
 * be asked from a test).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AwsHomeFiles {
  config?: string;
  credentials?: string;
  /** SSO token caches by session name (or start URL for legacy profiles): `{ accessToken, expiresAt }`. */
  ssoTokens?: Record<string, { accessToken: string; expiresAt: string }>;
  /** Other files to create under the home directory, by relative path. */
  files?: Record<string, string>;
}

export interface AwsHome {
  dir: string;
  /** `HOME` there, IMDS off, nothing else: add what the test needs. */
  env: NodeJS.ProcessEnv;
  path(relative: string): string;
  write(relative: string, content: string): string;
  remove(): void;
}

/** A fresh home directory holding `files`. */
export function awsHome(files: AwsHomeFiles = {}): AwsHome {
  const dir = mkdtempSync(join(tmpdir(), 's3func-aws-home-'));
  const write = (relative: string, content: string) => {
    const path = join(dir, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  if (files.config !== undefined) write('.aws/config', files.config);
  if (files.credentials !== undefined) write('.aws/credentials', files.credentials);
  for (const [id, token] of Object.entries(files.ssoTokens ?? {})) {
    const name = createHash('sha1').update(id).digest('hex');
    write(
      `.aws/sso/cache/${name}.json`,
      JSON.stringify({ ...token, region: 'us-east-1', startUrl: id }, null, 2),
    );
  }
  for (const [relative, content] of Object.entries(files.files ?? {})) write(relative, content);
  return {
    dir,
    env: { HOME: dir, PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: 'true' },
    path: (relative) => join(dir, relative),
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
