// The S3Session options `dispatcher` (requests go through an undici Dispatcher of the caller's,
// which the session never closes) and `runtime` (signing time, retry backoff and its jitter on a
// clock of the caller's): their validation, and that the session really uses them.
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, S3Error } from '../../../src/errors.js';
import { resolveS3Options, type S3SessionOptions } from '../../../src/s3/options.js';
import { S3Session } from '../../../src/s3/session.js';
import { type Runtime, realRuntime } from '../../../src/util/runtime.js';

const ORIGIN = 'http://s3.test:9000';
const base: S3SessionOptions = {
  bucket: 'options-test',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  endpoint: ORIGIN,
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/**
 * A runtime whose wall clock stands still at `wallMs` and whose sleeps resolve at once, recorded. A
 * class with private state, so a method called without its object fails (as a simulation's would).
 */
class FakeRuntime implements Runtime {
  readonly slept: number[] = [];
  readonly #wallMs: number;
  constructor(wallMs: number) {
    this.#wallMs = wallMs;
  }
  now(): number {
    return 0;
  }
  suspendAwareNow(): number {
    return 0;
  }
  wallNow(): number {
    return this.#wallMs;
  }
  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
  }
  random(): number {
    return this.#wallMs > 0 ? 0.5 : 0;
  }
}
function fakeRuntime(wallMs: number) {
  const runtime = new FakeRuntime(wallMs);
  return { runtime, slept: runtime.slept };
}

const agents: MockAgent[] = [];
function mockAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  return agent;
}
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

describe('S3Session options: dispatcher and runtime', () => {
  it('refuses a dispatcher that is not an undici Dispatcher, naming the option', () => {
    for (const dispatcher of [5, 'agent', null, {}, { dispatch: true }]) {
      const error = configError(() =>
        resolveS3Options({ ...base, dispatcher } as unknown as S3SessionOptions),
      );
      expect(error.option).toBe('dispatcher');
      expect(error.message).toMatch(/dispatcher must be an undici Dispatcher/);
    }
    expect(() => resolveS3Options({ ...base, dispatcher: mockAgent() })).not.toThrow();
  });

  it('refuses a runtime that lacks one of the methods, naming it', () => {
    expect(configError(() => resolveS3Options({ ...base, runtime: 5 as unknown as Runtime })).option).toBe(
      'runtime',
    );
    for (const name of ['now', 'suspendAwareNow', 'wallNow', 'sleep', 'random'] as const) {
      const runtime = { ...realRuntime, [name]: undefined } as unknown as Runtime;
      const error = configError(() => resolveS3Options({ ...base, runtime }));
      expect(error.option).toBe('runtime');
      expect(error.message).toBe(`runtime.${name} must be a function`);
    }
  });

  it('defaults to the session pool and real time', () => {
    const resolved = resolveS3Options(base);
    expect(resolved.dispatcher).toBeUndefined();
    expect(resolved.runtime).toBe(realRuntime);
  });

  it('sends every request through the dispatcher, with the endpoint origin, and leaves it open on close', async () => {
    const agent = mockAgent();
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/options-test/a.txt', method: 'PUT' })
      .reply(200, '', { headers: { etag: '"abc"' } });
    pool
      .intercept({ path: '/options-test/a.txt', method: 'PUT' })
      .reply(200, '', { headers: { etag: '"def"' } });
    const closes: string[] = [];
    const close = agent.close.bind(agent);
    agent.close = (() => {
      closes.push('close');
      return close();
    }) as typeof agent.close;
    const s3 = new S3Session({ ...base, dispatcher: agent });
    expect((await s3.putObject('a.txt', 'hello')).etag).toBe('abc');
    await s3.close();
    expect(closes).toEqual([]);
    // the session refuses to send more, the dispatcher still works for others
    await expect(s3.putObject('a.txt', 'again')).rejects.toThrow(/the session is closed/);
    const other = new S3Session({ ...base, dispatcher: agent });
    expect((await other.putObject('a.txt', 'hello')).etag).toBe('def');
    agent.assertNoPendingInterceptors();
  });

  it('signs with the runtime wall clock and waits between retries on its timers, with its jitter', async () => {
    const agent = mockAgent();
    const pool = agent.get(ORIGIN);
    const dates: string[] = [];
    const busy = '<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>';
    const record = (opts: { headers?: unknown }) => {
      const headers = opts.headers as Record<string, string>;
      dates.push(headers['x-amz-date'] ?? '');
    };
    pool
      .intercept({ path: '/options-test/k', method: 'GET' })
      .reply((opts) => {
        record(opts);
        return { statusCode: 503, data: busy };
      })
      .times(2);
    pool.intercept({ path: '/options-test/k', method: 'GET' }).reply((opts) => {
      record(opts);
      return {
        statusCode: 200,
        data: 'body',
        responseOptions: {
          headers: { etag: '"e"', 'content-length': '4', 'last-modified': 'Thu, 02 Jan 2031 03:04:05 GMT' },
        },
      };
    });
    const { runtime, slept } = fakeRuntime(Date.UTC(2031, 0, 2, 3, 4, 5));
    const s3 = new S3Session({ ...base, dispatcher: agent, runtime });
    expect(await (await s3.getObject('k')).text()).toBe('body');
    expect(dates).toEqual(['20310102T030405Z', '20310102T030405Z', '20310102T030405Z']);
    // full jitter at random() = 0.5 over windows of 100 and 200 ms (the default base delay)
    expect(slept).toEqual([50, 100]);
    expect(s3.presign('GET', 'k')).toContain('X-Amz-Date=20310102T030405Z');
  });

  it('gives up after the retries on the runtime like on real time', async () => {
    const agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: '/options-test/k', method: 'HEAD' }).reply(503, '').times(2);
    const { runtime, slept } = fakeRuntime(Date.UTC(2031, 0, 2));
    const s3 = new S3Session({ ...base, dispatcher: agent, runtime, retry: { maxAttempts: 2 } });
    const error = await s3.headObject('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).status).toBe(503);
    expect((error as S3Error).attempts).toBe(2);
    expect(slept).toEqual([50]);
  });
});
