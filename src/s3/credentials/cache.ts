/**
 * A session's credentials: fetched from their provider once, refreshed in the background ahead
 * of expiry (one fetch in flight however many requests wait), kept while a failed refresh is
 * retried, and refreshed at once when the store refuses them as expired.
 *
 * @module
 */
import { CredentialsError, S3funcError } from '../../errors.js';
import { abortable } from '../../util/abort.js';
import { normalizeCredentials, PROVIDER_SOURCE } from './normalize.js';
import { planRefresh, type RefreshPlan, retryDelayMs } from './refresh-policy.js';
import type {
  AwsCredentialIdentityProvider,
  CredentialsInfo,
  CredentialsSource,
  SourcedCredentials,
} from './types.js';

/** What the cache reports, for debugging and metrics (never a secret). */
export type CredentialsEvent =
  | {
      type: 'credentials';
      /** Why they were fetched: the first use, ahead of expiry, after expiry, or after the store refused them. */
      why: 'first' | 'refresh' | 'expired' | 'rejected';
      info: CredentialsInfo;
    }
  | {
      type: 'credentials-refresh-failed';
      /** The failure; the current credentials stay in use until they are about to expire. */
      error: unknown;
      /** When the refresh is tried again. */
      retryInMs: number;
    };

/** How a cache is built; the clock and randomness are injectable for tests of the timing rules. */
export interface CredentialsCacheOptions {
  /** Wall clock in ms since the epoch (credentials expire on the wall clock). @default Date.now */
  now?: (() => number) | undefined;
  /** Jitter source. @default Math.random */
  random?: (() => number) | undefined;
  /** Told about fetches and failed refreshes. */
  onEvent?: ((event: CredentialsEvent) => void) | undefined;
  /** The source named for a provider's credentials that do not name their own. */
  source?: CredentialsSource | undefined;
}

/** The credentials of one session. */
export class CredentialsCache {
  readonly #provider: AwsCredentialIdentityProvider;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #onEvent: ((event: CredentialsEvent) => void) | undefined;
  readonly #source: CredentialsSource;
  #current: SourcedCredentials | undefined;
  /** Undefined while there are none, or for credentials without an expiration (never refreshed). */
  #plan: RefreshPlan | undefined;
  #inFlight: Promise<SourcedCredentials> | undefined;
  #retryAtMs = 0;

  constructor(provider: AwsCredentialIdentityProvider, options: CredentialsCacheOptions = {}) {
    this.#provider = provider;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#onEvent = options.onEvent;
    this.#source = options.source ?? PROVIDER_SOURCE;
  }

  /** Starts the cache with credentials already known (static ones, or the environment's). */
  seed(credentials: SourcedCredentials): this {
    this.#adopt(normalizeCredentials(credentials, credentials.source, this.#now()), 'first');
    return this;
  }

  /**
   * The current credentials if they may still be used, starting a background refresh when one is
   * due; undefined when there are none yet or they are about to expire. Never waits.
   */
  peek(): SourcedCredentials | undefined {
    const current = this.#current;
    const plan = this.#plan;
    if (current === undefined || plan === undefined) return current;
    const now = this.#now();
    if (now >= plan.usableUntilMs) return undefined;
    if (now >= plan.refreshAtMs && this.#inFlight === undefined && now >= this.#retryAtMs) {
      this.#refreshInBackground(plan);
    }
    return current;
  }

  /** Credentials to sign with now: the current ones, or fresh ones when there are none usable. */
  get(signal?: AbortSignal): Promise<SourcedCredentials> {
    const current = this.peek();
    if (current !== undefined) return Promise.resolve(current);
    return abortable(this.#fetch(this.#current === undefined ? 'first' : 'expired', false), signal);
  }

  /**
   * The store refused `used` as expired or invalid: fresh credentials, asking the provider to
   * refresh (`{ forceRefresh: true }`). Requests that failed together cause one fetch.
   */
  rejected(used: SourcedCredentials, signal?: AbortSignal): Promise<SourcedCredentials> {
    if (this.#current !== undefined && this.#current !== used) return this.get(signal);
    return abortable(this.#fetch('rejected', true), signal);
  }

  #refreshInBackground(plan: RefreshPlan): void {
    this.#fetch('refresh', false).catch((error: unknown) => {
      const now = this.#now();
      const retryInMs = retryDelayMs(now, plan.usableUntilMs, this.#random);
      this.#retryAtMs = now + retryInMs;
      this.#emit({ type: 'credentials-refresh-failed', error, retryInMs });
    });
  }

  /** One fetch at a time: a caller arriving while one runs shares it. */
  #fetch(why: 'first' | 'refresh' | 'expired' | 'rejected', force: boolean): Promise<SourcedCredentials> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const fetching = (async () => {
      let raw: unknown;
      try {
        raw = await this.#provider(force ? { forceRefresh: true } : undefined);
      } catch (error) {
        throw error instanceof S3funcError
          ? error
          : new CredentialsError(`${this.#source.description} failed: ${messageOf(error)}`, [], {
              cause: error,
            });
      }
      return this.#adopt(normalizeCredentials(raw, this.#source, this.#now()), why);
    })();
    this.#inFlight = fetching;
    fetching.then(
      () => this.#settled(fetching),
      () => this.#settled(fetching),
    );
    return fetching;
  }

  #settled(fetching: Promise<SourcedCredentials>): void {
    if (this.#inFlight === fetching) this.#inFlight = undefined;
  }

  #adopt(credentials: SourcedCredentials, why: 'first' | 'refresh' | 'expired' | 'rejected') {
    const now = this.#now();
    this.#current = credentials;
    this.#plan =
      credentials.expiration === undefined
        ? undefined
        : planRefresh(credentials.expiration.getTime(), now, this.#random);
    this.#retryAtMs = 0;
    this.#emit({ type: 'credentials', why, info: infoOf(credentials) });
    return credentials;
  }

  /** A listener that throws must not break what it observes. */
  #emit(event: CredentialsEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // the listener's own fault; credentials go on working
    }
  }
}

/** What may be said about credentials: their source, key id and expiration, never the secret. */
export function infoOf(credentials: SourcedCredentials): CredentialsInfo {
  return {
    source: credentials.source,
    accessKeyId: credentials.accessKeyId,
    expiration: credentials.expiration,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
