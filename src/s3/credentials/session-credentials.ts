/**
 * A session's credentials cache, built from its options: static credentials as they are, a
 * provider behind the cache, or the default chain loaded on first need. Credentials already in the
 * environment are taken at once (they are what the chain would find first), so such a session
 * never loads the chain or any other source.
 *
 * @module
 */
import { CredentialsCache, type CredentialsEvent } from './cache.js';
import { fromEnvironment } from './sources/env.js';
import type { AwsCredentialIdentityProvider, CredentialsPlan, SourcedCredentials } from './types.js';

/** What the default chain needs to know about the session. */
export interface ChainContext {
  readonly env: NodeJS.ProcessEnv;
  /** The session's region, for STS calls when the profile and environment name none. */
  readonly region: () => string;
  readonly onEvent: ((event: CredentialsEvent) => void) | undefined;
}

/** The credentials cache for a session's plan. */
export function sessionCredentials(plan: CredentialsPlan, context: ChainContext): CredentialsCache {
  const options = { onEvent: context.onEvent };
  switch (plan.kind) {
    case 'static':
      return new CredentialsCache(async () => plan.credentials, options).seed(plan.credentials);
    case 'provider':
      return new CredentialsCache(plan.provider, options);
    case 'chain': {
      const cache = new CredentialsCache(lazyChain(plan.profile, context), {
        ...options,
        source: { kind: 'provider', description: 'the default credentials chain' },
      });
      const fromEnv = environmentCredentials(context.env, plan.profile);
      try {
        if (fromEnv !== undefined) cache.seed(fromEnv);
      } catch {
        // expired already: the chain runs on first use and reports it
      }
      return cache;
    }
  }
}

/** The environment's credentials when the chain would pick them; undefined otherwise (the chain will say why). */
function environmentCredentials(
  env: NodeJS.ProcessEnv,
  profile: string | undefined,
): SourcedCredentials | undefined {
  try {
    const outcome = fromEnvironment(env, profile);
    return 'skipped' in outcome ? undefined : outcome;
  } catch {
    return undefined;
  }
}

function lazyChain(profile: string | undefined, context: ChainContext): AwsCredentialIdentityProvider {
  let chain: AwsCredentialIdentityProvider | undefined;
  return async (properties) => {
    if (chain === undefined) {
      const { defaultCredentialsChain } = await import('./chain.js');
      chain ??= defaultCredentialsChain({ profile, env: context.env, region: context.region() });
    }
    return chain(properties);
  };
}
