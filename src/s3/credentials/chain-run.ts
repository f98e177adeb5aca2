/**
 * Running the default chain: each link in order, skipped with its reason when not configured,
 * stopping at the first that gives credentials or fails. Loaded when a chain first runs.
 *
 * @module
 */
import { type CredentialsAttempt, CredentialsError } from '../../errors.js';
import { type ChainSettings, type ChainState, isSkipped, type SourceOutcome } from './context.js';
import { fromEnvironment, webIdentityFromEnv } from './sources/env.js';
import type { SourcedCredentials } from './types.js';

/** One link of the chain: its name for reports, and how to ask it. */
interface Link {
  name(settings: ChainSettings): string;
  run(settings: ChainSettings, state: ChainState): SourceOutcome | Promise<SourceOutcome>;
}

const LINKS: readonly Link[] = [
  { name: () => 'env', run: (s) => fromEnvironment(s.env, s.profile) },
  {
    name: (s) => `profile "${s.profile || s.env.AWS_PROFILE || 'default'}"`,
    run: async (s, state) => (await import('./sources/profile.js')).fromProfile(s, state),
  },
  {
    name: () => 'web identity',
    run: async (s, state) => {
      const config = webIdentityFromEnv(s.env);
      if ('skipped' in config) return config;
      return (await import('./sources/web-identity.js')).webIdentityCredentials(config, s, state);
    },
  },
  {
    name: () => 'container',
    run: async (s) => {
      if (!s.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !s.env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
        return {
          skipped:
            'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
        };
      }
      const container = await import('./sources/container.js');
      const url = container.containerEndpoint(s.env);
      return 'skipped' in url ? url : container.containerCredentials(url, s);
    },
  },
  {
    name: () => 'imds',
    run: async (s, state) => {
      const value = s.env.AWS_EC2_METADATA_DISABLED;
      if (value !== undefined && value !== '' && value.toLowerCase() !== 'false') {
        return { skipped: 'AWS_EC2_METADATA_DISABLED is set' };
      }
      return (await import('./sources/imds.js')).imdsCredentials(s, state);
    },
  },
];

/** Runs the chain once: the first source's credentials, or a `CredentialsError` naming every source tried. */
export async function runChain(settings: ChainSettings, state: ChainState): Promise<SourcedCredentials> {
  const attempts: CredentialsAttempt[] = [];
  for (const link of LINKS) {
    const source = link.name(settings);
    let outcome: SourceOutcome;
    try {
      outcome = await link.run(settings, state);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      attempts.push({ source, reason });
      throw new CredentialsError(`${source}: ${reason}${tried(attempts.slice(0, -1))}`, attempts, {
        cause: error,
        retryable: error instanceof CredentialsError && error.retryable,
      });
    }
    if (!isSkipped(outcome)) return outcome;
    attempts.push({ source, reason: outcome.skipped });
  }
  throw new CredentialsError(
    `no AWS credentials found (${attempts.map((a) => `${a.source}: ${a.reason}`).join('; ')}). ` +
      'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE, or pass credentials',
    attempts,
  );
}

function tried(before: readonly CredentialsAttempt[]): string {
  return before.length === 0 ? '' : ` (after ${before.map((a) => `${a.source}: ${a.reason}`).join('; ')})`;
}
