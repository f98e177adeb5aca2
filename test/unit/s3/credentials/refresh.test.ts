import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../../src/errors.js';
import { CredentialsCache, type CredentialsEvent } from '../../../../src/s3/credentials/cache.js';
import {
  planRefresh,
  REFRESH_DEFAULTS,
  retryDelayMs,
} from '../../../../src/s3/credentials/refresh-policy.js';
import type { AwsCredentialIdentity } from '../../../../src/s3/credentials/types.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;

describe('planRefresh', () => {
  it('one-hour credentials: refresh 5 to 6 minutes ahead, stop using them 10 s before expiry', () => {
    const expiration = T0 + HOUR;
    expect(planRefresh(expiration, T0, () => 0)).toEqual({
      refreshAtMs: expiration - 5 * 60_000,
      usableUntilMs: expiration - 10_000,
    });
    expect(planRefresh(expiration, T0, () => 0.999999).refreshAtMs).toBeCloseTo(expiration - 6 * 60_000, -1);
  });

  it('short-lived credentials: refresh at half their life, stop a tenth before expiry', () => {
    const plan = planRefresh(T0 + 4_000, T0, () => 0);
    expect(plan).toEqual({ refreshAtMs: T0 + 2_000, usableUntilMs: T0 + 3_600 });
  });

  it('already expired: never usable, refresh due', () => {
    const plan = planRefresh(T0 - 1, T0, Math.random);
    expect(plan.usableUntilMs).toBe(T0 - 1);
    expect(plan.refreshAtMs).toBeLessThanOrEqual(T0);
  });

  it('retries a failed refresh after an eighth of the time left, between 200 ms and 30 s, jittered by half', () => {
    expect(retryDelayMs(T0, T0 + 8_000, () => 0.999999)).toBe(1_000);
    expect(retryDelayMs(T0, T0 + 8_000, () => 0)).toBe(500);
    expect(retryDelayMs(T0, T0 + HOUR, () => 0.999999)).toBe(REFRESH_DEFAULTS.maxRetryMs);
    expect(retryDelayMs(T0, T0 - 5, () => 0.999999)).toBe(REFRESH_DEFAULTS.minRetryMs);
  });
});

/** A provider on a fake clock: each call answers the next planned result, counting calls. */
function harness(results: (AwsCredentialIdentity | Error)[]) {
  let now = T0;
  const calls: (Record<string, unknown> | undefined)[] = [];
  const pending: (() => void)[] = [];
  let gate = false;
  const events: CredentialsEvent[] = [];
  const provider = async (props?: Record<string, unknown>) => {
    calls.push(props);
    if (gate) await new Promise<void>((resolve) => pending.push(resolve));
    const next = results.shift();
    if (next === undefined) throw new Error('no more planned results');
    if (next instanceof Error) throw next;
    return next;
  };
  const cache = new CredentialsCache(provider, {
    now: () => now,
    random: () => 0,
    onEvent: (e) => events.push(e),
  });
  return {
    cache,
    calls,
    events,
    advance: (ms: number) => {
      now += ms;
    },
    hold: () => {
      gate = true;
    },
    release: () => {
      gate = false;
      for (const r of pending.splice(0)) r();
    },
  };
}

const temp = (id: string, lifetimeMs: number): AwsCredentialIdentity => ({
  accessKeyId: id,
  secretAccessKey: `secret-${id}`,
  sessionToken: `token-${id}`,
  expiration: new Date(T0 + lifetimeMs),
});
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CredentialsCache', () => {
  it('fetches once however many requests wait at the same time', async () => {
    const h = harness([temp('A', HOUR)]);
    h.hold();
    const waiting = Array.from({ length: 20 }, () => h.cache.get());
    await flush();
    h.release();
    const got = await Promise.all(waiting);
    expect(h.calls).toHaveLength(1);
    expect(new Set(got.map((c) => c.accessKeyId))).toEqual(new Set(['A']));
    expect(h.events).toMatchObject([{ type: 'credentials', why: 'first' }]);
  });

  it('keeps using credentials until the refresh point, then refreshes in the background without waiting', async () => {
    const h = harness([temp('A', HOUR), temp('B', 2 * HOUR)]);
    await h.cache.get();
    h.advance(HOUR - 5 * 60_000 - 1);
    expect((await h.cache.get()).accessKeyId).toBe('A');
    expect(h.calls).toHaveLength(1);
    h.advance(1);
    h.hold();
    expect((await h.cache.get()).accessKeyId).toBe('A'); // served at once while B is fetched
    expect((await h.cache.get()).accessKeyId).toBe('A');
    expect(h.calls).toHaveLength(2);
    h.release();
    await flush();
    expect((await h.cache.get()).accessKeyId).toBe('B');
    expect(h.events.map((e) => e.type === 'credentials' && e.why)).toEqual(['first', 'refresh']);
  });

  it('a failed background refresh keeps the current credentials and is retried later', async () => {
    const h = harness([
      temp('A', 80_000),
      new CredentialsError('sts down', [], { retryable: true }),
      temp('B', HOUR),
    ]);
    await h.cache.get();
    h.advance(40_000); // half the lifetime: refresh due
    expect((await h.cache.get()).accessKeyId).toBe('A');
    await flush();
    const failed = h.events.find((e) => e.type === 'credentials-refresh-failed');
    expect(failed).toMatchObject({ retryInMs: 2_000 }); // (72 s usable - 40 s) / 8, halved by random 0
    expect((await h.cache.get()).accessKeyId).toBe('A');
    h.advance(1_999);
    expect((await h.cache.get()).accessKeyId).toBe('A');
    expect(h.calls).toHaveLength(2); // not retried before its time
    h.advance(1);
    expect((await h.cache.get()).accessKeyId).toBe('A');
    await flush();
    expect((await h.cache.get()).accessKeyId).toBe('B');
    expect(h.calls).toHaveLength(3);
  });

  it('credentials about to expire are not used: requests wait for fresh ones, and see the failure if there are none', async () => {
    const h = harness([temp('A', 4_000), new CredentialsError('down'), temp('B', HOUR)]);
    await h.cache.get();
    h.advance(3_600); // a tenth of the lifetime left
    await expect(h.cache.get()).rejects.toThrow('down');
    expect(h.cache.peek()).toBeUndefined();
    expect((await h.cache.get()).accessKeyId).toBe('B');
    expect(h.events.map((e) => e.type === 'credentials' && e.why)).toEqual(['first', 'expired']);
  });

  it('refused credentials are refreshed with forceRefresh, once for all the requests refused together', async () => {
    const h = harness([temp('A', HOUR), temp('B', HOUR)]);
    const a = await h.cache.get();
    h.hold();
    const both = [h.cache.rejected(a), h.cache.rejected(a)];
    await flush();
    h.release();
    expect((await Promise.all(both)).map((c) => c.accessKeyId)).toEqual(['B', 'B']);
    expect(h.calls).toEqual([undefined, { forceRefresh: true }]);
    // a request refused with A after B arrived does not fetch again
    expect((await h.cache.rejected(a)).accessKeyId).toBe('B');
    expect(h.calls).toHaveLength(2);
  });

  it('static credentials (no expiration) are never refreshed unless refused', async () => {
    const h = harness([{ accessKeyId: 'S', secretAccessKey: 'x' }]);
    await h.cache.get();
    h.advance(1000 * HOUR);
    expect((await h.cache.get()).accessKeyId).toBe('S');
    expect(h.calls).toHaveLength(1);
  });

  it('refuses what is not credentials, and wraps a provider failure, never echoing values', async () => {
    const bad: unknown[] = [
      null,
      'AKID',
      { accessKeyId: '', secretAccessKey: 'x' },
      { accessKeyId: 'a' },
      { accessKeyId: 'a', secretAccessKey: 'x', sessionToken: 5 },
      { accessKeyId: 'a', secretAccessKey: 'x', expiration: '2030-01-01' },
      { accessKeyId: 'a', secretAccessKey: 'x', expiration: new Date(T0 - 1) },
    ];
    for (const value of bad) {
      const cache = new CredentialsCache(async () => value as AwsCredentialIdentity, { now: () => T0 });
      const error = await cache.get().catch((e: unknown) => e);
      expect(error, JSON.stringify(value)).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toMatch(/^the credentials provider passed as `credentials` returned/);
    }
    const failing = new CredentialsCache(async () => {
      throw new TypeError('boom');
    });
    const error = (await failing.get().catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe('the credentials provider passed as `credentials` failed: boom');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('a waiting request can be aborted; the fetch goes on for the others', async () => {
    const h = harness([temp('A', HOUR)]);
    h.hold();
    const controller = new AbortController();
    const aborted = h.cache.get(controller.signal);
    const other = h.cache.get();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    h.release();
    expect((await other).accessKeyId).toBe('A');
  });
});

describe('listeners', () => {
  it('a debug listener that throws does not break fetching', async () => {
    const cache = new CredentialsCache(async () => temp('A', HOUR), {
      now: () => T0,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect((await cache.get()).accessKeyId).toBe('A');
  });
});
