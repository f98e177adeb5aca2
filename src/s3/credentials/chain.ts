/**
 * The default credentials chain: the sources the AWS SDKs try, in their order, each loaded only
 * when the chain reaches it.
 *
 * 1. environment variables (skipped when a profile is chosen by option or `AWS_PROFILE`);
 * 2. the profile of the shared `config`/`credentials` files (static keys, `credential_process`,
 *    roles, web identity token files, IAM Identity Center);
 * 3. web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (EKS IRSA, CI OIDC);
 * 4. the container endpoint (ECS, Fargate, EKS Pod Identity);
 * 5. the EC2 instance metadata service (unless `AWS_EC2_METADATA_DISABLED`).
 *
 * A source that is not configured is skipped, with the reason kept for the error that ends a chain
 * that found nothing. A source that is configured but fails stops the chain with its error, rather
 * than quietly signing as whoever the next source names.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import { validateNumber, validateOptions } from '../../store/validate.js';
import type { ChainSettings, ChainState } from './context.js';
import type { SourcedCredentials } from './types.js';

/** Options of {@link defaultCredentialsChain}. */
export interface DefaultChainOptions {
  /** The profile to use instead of `AWS_PROFILE` (or `default`); environment keys are then skipped. */
  profile?: string | undefined;
  /** The environment to read. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** Limit on connecting to, and each wait on, the EC2 and container metadata endpoints. @default 1000 */
  metadataTimeoutMs?: number | undefined;
  /** Limit on connecting to, and each wait on, STS and the SSO portal. @default 5000 */
  httpTimeoutMs?: number | undefined;
  /** Longest a profile's `credential_process` may run before it is killed. @default 30000 */
  processTimeoutMs?: number | undefined;
  /** Region for STS calls when neither the profile nor `AWS_REGION`/`AWS_DEFAULT_REGION` names one. @default 'us-east-1' */
  region?: string | undefined;
}

/**
 * The default chain as a provider: an `AwsCredentialIdentityProvider` whose credentials also say
 * where they came from.
 */
export type DefaultCredentialsChain = (
  identityProperties?: Record<string, unknown>,
) => Promise<SourcedCredentials>;

/** Defaults of the chain, declared once. */
export const CHAIN_DEFAULTS = Object.freeze({
  metadataTimeoutMs: 1_000,
  httpTimeoutMs: 5_000,
  processTimeoutMs: 30_000,
});

const OPTIONS = [
  'profile',
  'env',
  'metadataTimeoutMs',
  'httpTimeoutMs',
  'processTimeoutMs',
  'region',
] as const;

/**
 * The default credentials chain as a provider: each call runs it from the start (so a refreshed
 * `~/.aws/credentials` or token file is seen) and resolves with the first source's credentials.
 * Sessions given no credentials use it; pass it yourself to choose a profile or timeouts.
 *
 * @example
 * ```ts
 * const s3 = new S3Session({ bucket: 'my-bucket', credentials: defaultCredentialsChain({ profile: 'ci' }) });
 * ```
 * @throws ConfigError for bad options (at once); the provider rejects with a `CredentialsError`
 *   listing every source tried and why each gave nothing, or naming the configured source that failed
 */
export function defaultCredentialsChain(options: DefaultChainOptions = {}): DefaultCredentialsChain {
  const settings = chainSettings(options);
  const state: ChainState = {};
  return async () => (await import('./chain-run.js')).runChain(settings, state);
}

/** Validates the options and fills in defaults. */
export function chainSettings(options: DefaultChainOptions): ChainSettings {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('defaultCredentialsChain: options must be an object');
  }
  validateOptions(options, OPTIONS, 'defaultCredentialsChain');
  if (options.profile !== undefined && (typeof options.profile !== 'string' || options.profile === '')) {
    throw new ConfigError('profile must be a non-empty string', 'profile');
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new ConfigError('env must be an object of environment variables', 'env');
  }
  if (
    options.region !== undefined &&
    (typeof options.region !== 'string' || !/^[a-z0-9-]{1,64}$/.test(options.region))
  ) {
    throw new ConfigError('region must be lower-case letters, digits and hyphens', 'region');
  }
  for (const name of ['metadataTimeoutMs', 'httpTimeoutMs', 'processTimeoutMs'] as const) {
    validateNumber(options[name], name, { min: 1, max: 600_000 });
  }
  return {
    env: options.env ?? process.env,
    profile: options.profile,
    metadataTimeoutMs: options.metadataTimeoutMs ?? CHAIN_DEFAULTS.metadataTimeoutMs,
    httpTimeoutMs: options.httpTimeoutMs ?? CHAIN_DEFAULTS.httpTimeoutMs,
    processTimeoutMs: options.processTimeoutMs ?? CHAIN_DEFAULTS.processTimeoutMs,
    region: options.region,
  };
}
