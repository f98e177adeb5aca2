import { describe, expect, it, vi } from 'vitest';
import { NetworkError, PreconditionFailedError, S3Error } from '../../../src/errors.js';
import { type RetryLoopOptions, withRetries } from '../../../src/http/retry.js';
import { sleep } from '../../../src/util/abort.js';

const slowDown = (retryAfterMs?: number) =>
  new S3Error({ status: 503, s3Code: 'SlowDown', method: 'PutObject', retryAfterMs });
const reset = (sent = true) => new NetworkError('reset', { method: 'PutObject', sent });

const fast = (overrides: Partial<RetryLoopOptions> = {}): RetryLoopOptions => ({
  retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 1_000 },
  safety: 'idempotent',
  random: () => 0,
  ...overrides,
});

/** An attempt function that fails with `errors` in turn, then resolves with `value`. */
function failing<T>(errors: unknown[], value: T) {
  const calls: number[] = [];
  const fn = async (n: number) => {
    calls.push(n);
    const error = errors[n - 1];
    if (error !== undefined) throw error;
    return value;
  };
  return { fn, calls };
}

describe('withRetries', () => {
  it('returns the first success without retrying', async () => {
    const { fn, calls } = failing([], 'ok');
    const onRetry = vi.fn();
    await expect(withRetries(fn, fast({ onRetry }))).resolves.toBe('ok');
    expect(calls).toEqual([1]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('retries retryable failures, numbering attempts from 1 and reporting each retry', async () => {
    const errors = [reset(), slowDown()];
    const { fn, calls } = failing(errors, 'ok');
    const events: { attempt: number; delayMs: number; error: unknown }[] = [];
    await expect(withRetries(fn, fast({ onRetry: (e) => events.push(e) }))).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(events.map((e) => [e.attempt, e.error])).toEqual([
      [1, errors[0]],
      [2, errors[1]],
    ]);
  });

  it('gives up after maxAttempts with the last error, its attempts counted', async () => {
    const errors = [slowDown(), slowDown(), slowDown(), slowDown(), slowDown()];
    const { fn, calls } = failing(errors, 'never');
    const error = await withRetries(fn, fast()).catch((e: unknown) => e);
    expect(error).toBe(errors[3]);
    expect((error as S3Error).attempts).toBe(4);
    expect(calls).toEqual([1, 2, 3, 4]);
  });

  it('does not retry with maxAttempts 1', async () => {
    const { fn, calls } = failing([slowDown()], 'never');
    const error = await withRetries(
      fn,
      fast({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
    ).catch((e: unknown) => e);
    expect((error as S3Error).attempts).toBe(1);
    expect(calls).toEqual([1]);
  });

  it('does not retry what the policy refuses, and says it took one attempt', async () => {
    const precondition = new PreconditionFailedError({ status: 412, method: 'PutObject' });
    const { fn, calls } = failing([precondition], 'never');
    const error = await withRetries(fn, fast()).catch((e: unknown) => e);
    expect(error).toBe(precondition);
    expect(precondition.attempts).toBe(1);
    expect(calls).toEqual([1]);
  });

  it('does not resend an unsafe request after a failure that happened once it was sent', async () => {
    const { fn, calls } = failing([reset(true)], 'never');
    await expect(withRetries(fn, fast({ safety: 'unsafe' }))).rejects.toBeInstanceOf(NetworkError);
    expect(calls).toEqual([1]);
    const notSent = failing([reset(false)], 'ok');
    await expect(withRetries(notSent.fn, fast({ safety: 'unsafe' }))).resolves.toBe('ok');
    expect(notSent.calls).toEqual([1, 2]);
  });

  it('never retries errors that are not the library’s (a bug in a reader stays visible)', async () => {
    const bug = new TypeError('x is undefined');
    const { fn, calls } = failing([bug], 'never');
    await expect(withRetries(fn, fast())).rejects.toBe(bug);
    expect(calls).toEqual([1]);
  });

  it('waits the policy’s delay between attempts (Retry-After here)', async () => {
    const { fn } = failing([slowDown(120)], 'ok');
    const delays: number[] = [];
    const started = performance.now();
    await withRetries(fn, fast({ onRetry: (e) => delays.push(e.delayMs) }));
    expect(delays).toEqual([120]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('uses the injected random for the jitter', async () => {
    const { fn } = failing([reset(), reset(), reset()], 'ok');
    const delays: number[] = [];
    await withRetries(
      fn,
      fast({
        retry: { maxAttempts: 4, baseDelayMs: 8, maxDelayMs: 1_000 },
        random: () => 0.5,
        onRetry: (e) => delays.push(e.delayMs),
      }),
    );
    expect(delays).toEqual([4, 8, 16]);
  });

  it('rejects with the signal reason when aborted during the backoff, without another attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const { fn, calls } = failing([slowDown(60_000)], 'never');
    const started = performance.now();
    const pending = withRetries(
      fn,
      fast({ signal: controller.signal, retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 60_000 } }),
    );
    setTimeout(() => controller.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(calls).toEqual([1]);
  });

  it('rejects with the default AbortError when aborted without a reason', async () => {
    const controller = new AbortController();
    const { fn } = failing([slowDown(60_000)], 'never');
    const pending = withRetries(
      fn,
      fast({ signal: controller.signal, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 60_000 } }),
    );
    setTimeout(() => controller.abort(), 10);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('rejects with the signal reason, not the attempt’s error, when the attempt failed because of the abort', async () => {
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const fn = async () => {
      controller.abort(reason);
      throw reset();
    };
    await expect(withRetries(fn, fast({ signal: controller.signal }))).rejects.toBe(reason);
  });

  it('does not start when the signal is already aborted', async () => {
    const reason = new Error('before');
    const fn = vi.fn(async () => 'ok');
    await expect(withRetries(fn, fast({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('resolves after the time, and rejects at once with the reason when aborted', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const reason = new Error('r');
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('removes its abort listener once it resolves', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await sleep(1, controller.signal);
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
  });
});
