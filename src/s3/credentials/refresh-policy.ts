/**
 * When temporary credentials are refreshed, as pure functions of the clock: a refresh starts in
 * the background well before they expire (so no request waits for one), credentials about to
 * expire are no longer used, and a failed background refresh is retried while the current
 * credentials still work.
 *
 * @module
 */

/** The timing rules, declared once. */
export const REFRESH_DEFAULTS = Object.freeze({
  /**
   * Start refreshing this long before expiry: the AWS SDKs' five minutes. Short-lived credentials
   * (a lifetime under ten minutes) refresh at half their lifetime instead.
   */
  refreshAheadMs: 5 * 60_000,
  /** Refreshes start up to this fraction of the window earlier, at random, so processes spread out. */
  jitterFraction: 0.2,
  /**
   * Credentials closer than this to expiry are not used any more: the store checks expiry on its own
   * clock, and a request signed now may arrive a little later. A tenth of the lifetime for short-lived ones.
   */
  expiryMarginMs: 10_000,
  /** Shortest wait before retrying a failed background refresh. */
  minRetryMs: 200,
  /** Longest wait before retrying a failed background refresh. */
  maxRetryMs: 30_000,
});

/** When to refresh a set of credentials, and until when they may be used. */
export interface RefreshPlan {
  /** From this instant (ms since the epoch) a background refresh is started. */
  readonly refreshAtMs: number;
  /** From this instant the credentials are not used: a request waits for fresh ones. */
  readonly usableUntilMs: number;
}

/**
 * The plan for credentials expiring at `expirationMs`, fetched at `fetchedAtMs`. `random` in [0, 1)
 * places the refresh within its jitter window.
 *
 * @example
 * ```ts
 * // one hour credentials: refresh 5 to 6 minutes before expiry, stop using them 10 s before
 * planRefresh(now + 3_600_000, now, Math.random);
 * ```
 */
export function planRefresh(expirationMs: number, fetchedAtMs: number, random: () => number): RefreshPlan {
  const lifetime = Math.max(0, expirationMs - fetchedAtMs);
  const margin = Math.min(REFRESH_DEFAULTS.expiryMarginMs, lifetime / 10);
  const window = Math.min(REFRESH_DEFAULTS.refreshAheadMs, lifetime / 2);
  const jitter = window * REFRESH_DEFAULTS.jitterFraction * random();
  return { refreshAtMs: expirationMs - window - jitter, usableUntilMs: expirationMs - margin };
}

/**
 * How long to wait before retrying a background refresh that failed at `nowMs`: an eighth of the
 * time the current credentials have left (so several retries fit before they expire), between 200 ms
 * and 30 s, jittered down by up to half.
 */
export function retryDelayMs(nowMs: number, usableUntilMs: number, random: () => number): number {
  const base = Math.min(
    REFRESH_DEFAULTS.maxRetryMs,
    Math.max(REFRESH_DEFAULTS.minRetryMs, (usableUntilMs - nowMs) / 8),
  );
  return Math.round(base * (0.5 + random() / 2));
}
