// The connection pool under misuse: downloads aborted half-way and response bodies nobody reads
// must not leak connections. Sessions here have tiny pools, so one leaked connection would make the
// next call hang (and the test time out) instead of completing.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Session } from '../../src/index.js';
import { createTestBucket, destroyTestBucket, sessionOptions } from '../support/s3-bucket.js';

let s3: S3Session;
const BIG = 'big';
const BIG_BYTES = 8 * 1024 * 1024;
let bigMd5: string;

beforeAll(async () => {
  s3 = await createTestBucket('connections');
  const body = new Uint8Array(BIG_BYTES);
  for (let i = 0; i < body.length; i += 4096) body[i] = i / 4096;
  bigMd5 = createHash('md5').update(body).digest('hex');
  await s3.putObject(BIG, body);
  await s3.putObject('small', 'small');
});

afterAll(async () => {
  await destroyTestBucket(s3);
});

/** A session with at most `maxConnections` sockets to the server. */
function tinyPool(maxConnections: number): S3Session {
  return new S3Session(sessionOptions(s3.bucket, { maxConnections }));
}

/** Proves the session still works: several calls, each needing a connection, complete. */
async function stillWorks(session: S3Session): Promise<void> {
  for (let i = 0; i < 3; i++) expect(await (await session.getObject('small')).text()).toBe('small');
  const obj = await session.getObject(BIG);
  expect(
    createHash('md5')
      .update(await obj.bytes())
      .digest('hex'),
  ).toBe(bigMd5);
}

describe('abort mid-download', () => {
  it('errors the body stream with the signal reason and frees the connection', async () => {
    const session = tinyPool(1);
    try {
      for (let round = 0; round < 3; round++) {
        const controller = new AbortController();
        const reason = new Error(`enough (round ${round})`);
        const obj = await session.getObject(BIG, { signal: controller.signal });
        let received = 0;
        const error = await (async () => {
          for await (const chunk of obj.body) {
            received += (chunk as Buffer).length;
            if (received >= 256 * 1024) controller.abort(reason);
          }
        })().catch((e: unknown) => e);
        expect(error).toBe(reason);
        expect(received).toBeGreaterThanOrEqual(256 * 1024);
        expect(received).toBeLessThan(BIG_BYTES);
      }
      await stillWorks(session);
    } finally {
      await session.close();
    }
  });

  it('rejects bytes() with the signal reason when aborted while reading', async () => {
    const session = tinyPool(1);
    try {
      const controller = new AbortController();
      const obj = await session.getObject(BIG, { signal: controller.signal });
      const reading = obj.bytes();
      // abort once the read is under way
      obj.body.once('data', () => controller.abort());
      const error = await reading.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('AbortError');
      await stillWorks(session);
    } finally {
      await session.close();
    }
  });

  it('rejects getObject itself with the signal reason when aborted before the answer', async () => {
    const reason = new Error('never mind');
    const controller = new AbortController();
    const pending = s3.getObject(BIG, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(s3.getObject(BIG, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe('unconsumed response bodies', () => {
  it('dump() frees the connection: 10 GETs through a pool of 2', async () => {
    const session = tinyPool(2);
    try {
      for (let i = 0; i < 10; i++) {
        const obj = await session.getObject(BIG);
        await obj.dump();
        await obj.dump(); // twice is harmless
      }
      // and concurrently: each dumps as soon as it has its answer
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const obj = await session.getObject(BIG);
          await obj.dump();
        }),
      );
      await stillWorks(session);
    } finally {
      await session.close();
    }
  });

  it('small bodies dropped unread do not hold a connection', async () => {
    const session = tinyPool(2);
    try {
      // undici reads a small body whole into the stream buffer and reuses the socket at once
      for (let i = 0; i < 10; i++) await session.getObject('small');
      await stillWorks(session);
    } finally {
      await session.close();
    }
  });

  it('large bodies dropped unread are freed once their response objects are collected', async () => {
    const gc = exposeGc();
    const session = tinyPool(2);
    try {
      for (let i = 0; i < 10; i++) {
        // each GET waits for a free connection, which only a collected, dropped response gives back
        await untilSettled(
          session.getObject(BIG).then(() => undefined),
          gc,
        );
      }
      await untilSettled(stillWorks(session), gc);
    } finally {
      await session.close();
    }
  });
});

describe('bodies kept but never read', () => {
  it('are destroyed after idleTimeoutMs, freeing the connection; reading them then fails with TimeoutError', async () => {
    const session = new S3Session(sessionOptions(s3.bucket, { maxConnections: 1, idleTimeoutMs: 300 }));
    try {
      const kept = await session.getObject(BIG); // held, never read: the only connection is busy
      const next = await session.getObject('small'); // waits until the unread body is destroyed
      expect(await next.text()).toBe('small');
      await expect(kept.text()).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
      await stillWorks(session);
    } finally {
      await session.close();
    }
  });
});

/** The V8 collector, exposed at run time (vitest's workers do not start with --expose-gc). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Awaits `promise`, collecting garbage meanwhile so FinalizationRegistry callbacks get to run. */
async function untilSettled<T>(promise: Promise<T>, gc: () => void, timeoutMs = 10_000): Promise<T> {
  let settled = false;
  const done = promise.finally(() => {
    settled = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!settled && Date.now() < deadline) {
    gc();
    await sleep(20);
  }
  if (!settled) throw new Error(`still waiting for a connection after ${timeoutMs} ms`);
  return done;
}
