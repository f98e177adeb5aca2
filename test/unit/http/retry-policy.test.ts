import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  B2Error,
  BodyNotReplayableError,
  ConfigError,
  NetworkError,
  PreconditionFailedError,
  ResponseError,
  S3Error,
  TimeoutError,
} from '../../../src/errors.js';
import {
  DEFAULT_RETRY,
  isRetryable,
  parseRetryAfter,
  type RequestSafety,
  retryAfterOf,
  retryDelayMs,
} from '../../../src/http/retry-policy.js';

const s3 = (status: number, s3Code: string, retryAfterMs?: number) =>
  new S3Error({ status, s3Code, method: 'GetObject', retryAfterMs });
const b2 = (status: number, b2Code = 'x') => new B2Error({ status, b2Code, method: 'b2_x' });
const net = (sent: boolean) => new NetworkError('reset', { method: 'PutObject', sent });
const timeout = (sent: boolean) => new TimeoutError('slow', { method: 'PutObject', sent });

describe('isRetryable', () => {
  // [error, retried when idempotent, retried when unsafe]
  const table: [string, unknown, boolean, boolean][] = [
    ['a network error after sending', net(true), true, false],
    ['a network error before sending', net(false), true, true],
    ['a timeout after sending', timeout(true), true, false],
    ['a connect timeout (not sent)', timeout(false), true, true],
    ['500 InternalError', s3(500, 'InternalError'), true, false],
    ['502', s3(502, 'Http502'), true, false],
    ['503 SlowDown', s3(503, 'SlowDown'), true, true],
    ['503 ServiceUnavailable', s3(503, 'ServiceUnavailable'), true, true],
    ['504', s3(504, 'Http504'), true, false],
    ['429', s3(429, 'TooManyRequests'), true, true],
    ['408', s3(408, 'RequestTimeout'), true, false],
    ['400 RequestTimeout (server gave up reading the body)', s3(400, 'RequestTimeout'), true, false],
    // AWS: the conditional write met a concurrent one and was not applied; "you should retry" (R1)
    ['409 ConditionalRequestConflict', s3(409, 'ConditionalRequestConflict'), true, true],
    ['403 RequestTimeTooSkewed', s3(403, 'RequestTimeTooSkewed'), true, false],
    ['a SlowDown under another status', s3(400, 'SlowDown'), true, true],
    ['404 NoSuchKey', s3(404, 'NoSuchKey'), false, false],
    ['403 AccessDenied', s3(403, 'AccessDenied'), false, false],
    ['409 BucketNotEmpty', s3(409, 'BucketNotEmpty'), false, false],
    ['400 InvalidArgument', s3(400, 'InvalidArgument'), false, false],
    [
      '412 PreconditionFailed',
      new PreconditionFailedError({ status: 412, method: 'PutObject' }),
      false,
      false,
    ],
    ['B2 503', b2(503), true, true],
    ['B2 429', b2(429), true, true],
    ['B2 500', b2(500), true, false],
    ['B2 400', b2(400), false, false],
    [
      'a ResponseError of a 5xx (bad XML from the store)',
      new ResponseError('bad', { status: 500, method: 'x' }),
      false,
      false,
    ],
    ['BodyNotReplayableError', new BodyNotReplayableError('PutObject', 'k', net(true)), false, false],
    ['ConfigError', new ConfigError('bad'), false, false],
    ['a plain Error', new Error('boom'), false, false],
    ['a DOMException AbortError', new DOMException('aborted', 'AbortError'), false, false],
    ['a string', 'oops', false, false],
    ['undefined', undefined, false, false],
  ];

  for (const [what, error, idempotent, unsafe] of table) {
    it(`${what}: ${idempotent ? 'retried' : 'not retried'} when idempotent, ${unsafe ? 'retried' : 'not retried'} when unsafe`, () => {
      expect(isRetryable(error, 'idempotent')).toBe(idempotent);
      expect(isRetryable(error, 'unsafe')).toBe(unsafe);
    });
  }

  it('never retries an unsafe request that an idempotent one would not retry', () => {
    for (const [, error] of table) {
      if (isRetryable(error, 'unsafe')) expect(isRetryable(error, 'idempotent')).toBe(true);
    }
  });
});

describe('retryDelayMs', () => {
  const options = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5_000 };

  it('uses full jitter over a window that doubles per attempt', () => {
    // random() = 0.999… gives the top of the window, 0 the bottom
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, options, undefined, top))).toEqual([
      99, 199, 399, 799, 1599,
    ]);
    expect(retryDelayMs(3, options, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(3, options, undefined, () => 0.5)).toBe(200);
  });

  it('caps the window at maxDelayMs', () => {
    expect(retryDelayMs(20, options, undefined, () => 0.999_999)).toBe(4_999);
    expect(retryDelayMs(1_000, options, undefined, () => 0.999_999)).toBe(4_999);
  });

  it('waits at least Retry-After, but never more than maxDelayMs', () => {
    expect(retryDelayMs(1, options, 2_000, () => 0)).toBe(2_000);
    expect(retryDelayMs(1, options, 0, () => 0.5)).toBe(50);
    expect(retryDelayMs(1, options, 60_000, () => 0)).toBe(5_000);
    // a jittered wait longer than Retry-After wins
    expect(retryDelayMs(6, options, 100, () => 0.999_999)).toBe(3_199);
  });

  it('stays within [0, min(maxDelayMs, window)] and at least min(Retry-After, maxDelayMs), for any seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, retryAfterMs, r) => {
          const o = { maxAttempts: 100, baseDelayMs, maxDelayMs };
          const delay = retryDelayMs(attempt, o, retryAfterMs, () => r);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(maxDelayMs);
          if (retryAfterMs !== undefined)
            expect(delay).toBeGreaterThanOrEqual(Math.min(retryAfterMs, maxDelayMs));
          else expect(delay).toBeLessThanOrEqual(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
        },
      ),
    );
  });

  it('spreads delays over the window with a seeded random (full jitter, not equal jitter)', () => {
    let seed = 42;
    const random = () => {
      // a small LCG: deterministic, good enough to spread over [0, 1)
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs(4, options, undefined, random));
    expect(Math.min(...delays)).toBeLessThan(40);
    expect(Math.max(...delays)).toBeGreaterThan(760);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(360);
    expect(mean).toBeLessThan(440);
  });

  it('has sane defaults', () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 });
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads delta seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    // not allowed by HTTP, sent by some servers: read as meant, not as a date in 2001
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:59:00 GMT', now)).toBe(0);
    // the obsolete RFC 850 and asctime forms are HTTP dates too
    expect(parseRetryAfter('Wednesday, 25-Nov-26 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed Nov 25 12:00:03 2026', now)).toBeGreaterThanOrEqual(0);
    expect(parseRetryAfter('Wed Nov 25 12:00:03 2026', now)).toBeLessThanOrEqual(3_000);
  });

  it('ignores what is neither', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    // Date.parse alone would read these as dates long past, i.e. "retry at once"
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('2030-01-01', now)).toBeUndefined();
    expect(parseRetryAfter('5 seconds', now)).toBeUndefined();
    expect(parseRetryAfter('Someday 12:00:00', now)).toBeUndefined();
  });
});

describe('retryAfterOf', () => {
  it('reads the wait an S3 or B2 error carries, nothing from others', () => {
    expect(retryAfterOf(s3(503, 'SlowDown', 3_000))).toBe(3_000);
    expect(retryAfterOf(s3(503, 'SlowDown'))).toBeUndefined();
    expect(
      retryAfterOf(
        new B2Error({ status: 503, b2Code: 'service_unavailable', method: 'x', retryAfterMs: 7_000 }),
      ),
    ).toBe(7_000);
    expect(retryAfterOf(net(true))).toBeUndefined();
    expect(retryAfterOf(new Error('x'))).toBeUndefined();
  });
});

describe('request safety', () => {
  it('is one of two values', () => {
    const values: RequestSafety[] = ['idempotent', 'unsafe'];
    expect(values).toHaveLength(2);
  });
});
