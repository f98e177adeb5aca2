/**
 * What every credentials source of the default chain is given: the chain's settings, and the state
 * it keeps between runs (the IMDS session token, the profile files it read).
 *
 * @module
 */
import type { SharedFiles } from './ini/files.js';
import type { IniSection } from './ini/parse.js';
import type { SourcedCredentials } from './types.js';

/** The chain's settings, validated, defaults filled in. */
export interface ChainSettings {
  /** The environment read for every variable. */
  readonly env: NodeJS.ProcessEnv;
  /** The profile chosen by option; `AWS_PROFILE` or `default` when undefined. */
  readonly profile: string | undefined;
  /** Limit on connecting to, and each wait on, the EC2 and container metadata endpoints. */
  readonly metadataTimeoutMs: number;
  /** Limit on connecting to, and each wait on, STS and the SSO portal. */
  readonly httpTimeoutMs: number;
  /** Longest a `credential_process` may run. */
  readonly processTimeoutMs: number;
  /** Region for STS when neither the profile nor `AWS_REGION`/`AWS_DEFAULT_REGION` names one. */
  readonly region: string | undefined;
}

/** State kept across runs of one chain. */
export interface ChainState {
  /** The IMDSv2 session token and when it stops being valid (ms since the epoch). */
  imdsToken?: { readonly value: string; readonly expiresAtMs: number } | undefined;
  /** The profile files of the last run, and the chosen profile's settings. */
  files?: SharedFiles | undefined;
  profileSettings?: IniSection | undefined;
}

/** What a source found: credentials, or why it has none to give (it is not configured). */
export type SourceOutcome = SourcedCredentials | { readonly skipped: string };

/** True when a source had nothing to give. */
export function isSkipped(outcome: SourceOutcome): outcome is { readonly skipped: string } {
  return 'skipped' in outcome;
}

/** The region for STS calls: the profile's, else `AWS_REGION`, `AWS_DEFAULT_REGION`, the chain's, `us-east-1`. */
export function stsRegion(settings: ChainSettings, profile?: IniSection): string {
  return (
    profile?.region ||
    settings.env.AWS_REGION ||
    settings.env.AWS_DEFAULT_REGION ||
    settings.region ||
    'us-east-1'
  );
}
