/**
 * B2 test fixtures: a fresh B2 test server per suite and sessions on its bucket, with short retry
 * delays so fault tests stay fast.
 */
import { B2Session, type B2SessionOptions } from '../../src/index.js';
import { B2TestServer, type B2TestServerOptions } from '../support/b2-server/server.js';

/** Retries as in production but with millisecond waits. */
export const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 2, maxDelayMs: 20 };

export interface B2Fixture {
  server: B2TestServer;
  /** A session on the server's bucket. */
  b2: B2Session;
  /** Another session with the same key (shares the process-wide authorization). */
  session(overrides?: Partial<B2SessionOptions>): B2Session;
  close(): Promise<void>;
}

/** Starts a server and opens a session on it. */
export async function startB2(
  serverOptions: B2TestServerOptions = {},
  sessionOptions: Partial<B2SessionOptions> = {},
): Promise<B2Fixture> {
  const server = new B2TestServer(serverOptions);
  await server.start();
  const sessions: B2Session[] = [];
  const session = (overrides: Partial<B2SessionOptions> = {}) => {
    const s = new B2Session({
      ...server.key,
      bucket: server.bucketName,
      endpoint: server.endpoint,
      retry: FAST_RETRY,
      ...sessionOptions,
      ...overrides,
    });
    sessions.push(s);
    return s;
  };
  return {
    server,
    b2: session(),
    session,
    async close() {
      await Promise.all(sessions.map((s) => s.close()));
      await server.stop();
    },
  };
}
