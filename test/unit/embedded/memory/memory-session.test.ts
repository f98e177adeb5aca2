import { describe, expect, it } from 'vitest';
import { ConfigError, MemorySession, NetworkError, S3Error } from '../../../../src/index.js';

async function collectKeys(store: MemorySession): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.listObjects()) keys.push(o.key);
  return keys;
}

/** Short waits: an in-process store needs no settle delay for its millisecond timestamps to order. */
const FAST_LOCK = { settleDelayMs: 5, pollIntervalMs: 5, cleanupOnExit: false };

describe('MemorySession', () => {
  it('takes lastModified from the injected clock only, in whole milliseconds', async () => {
    let now = 1_700_000_000_123.9;
    const store = new MemorySession({ now: () => now });
    await store.putObject('a', 'x');
    now += 5000;
    await store.putObject('b', 'y');
    const listed = [];
    for await (const o of store.listObjects()) listed.push(o.lastModified.getTime());
    expect(listed).toEqual([1_700_000_000_123, 1_700_000_005_123]);
    expect((await store.headObject('a')).lastModified.getTime()).toBe(1_700_000_000_123);
  });

  it('refuses unknown and mistyped options', () => {
    expect(() => new MemorySession({ versioned: true } as never)).toThrow(ConfigError);
    expect(() => new MemorySession({ versioning: 'yes' } as never)).toThrow(/versioning must be a boolean/);
    expect(() => new MemorySession({ now: 5 } as never)).toThrow(/now must be a function/);
  });

  it('keeps its own copy of bodies: changing the input or an output changes nothing stored', async () => {
    const store = new MemorySession();
    const input = new Uint8Array([1, 2, 3]);
    await store.putObject('k', input);
    input[0] = 9;
    const first = await (await store.getObject('k')).bytes();
    first[1] = 9;
    expect([...(await (await store.getObject('k')).bytes())]).toEqual([1, 2, 3]);
  });

  it('with versioning, reading a delete marker is a 405 and an unknown version a 404', async () => {
    const store = new MemorySession({ versioning: true });
    await store.putObject('k', 'x');
    await store.deleteObject('k');
    let marker: string | undefined;
    for await (const v of store.listObjectVersions()) if (v.isDeleteMarker) marker = v.versionId;
    await expect(store.getObject('k', { versionId: marker })).rejects.toMatchObject({
      status: 405,
      s3Code: 'MethodNotAllowed',
    });
    await expect(store.headObject('k', { versionId: 'nope' })).rejects.toMatchObject({ status: 404 });
    await expect(store.getObject('k', { versionId: 'nope' })).rejects.toMatchObject({
      s3Code: 'NoSuchVersion',
    });
  });

  it('ifMatch on a missing key is a 404 NoSuchKey, as on AWS S3', async () => {
    const store = new MemorySession();
    const error = await store.putObject('k', 'x', { ifMatch: 'abc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 404, s3Code: 'NoSuchKey' });
  });

  it('fails every call after close, as a closed S3Session does, and disposes with await using', async () => {
    const store = new MemorySession();
    await store.putObject('k', 'x');
    {
      await using scoped = store;
      expect(scoped.versioning).toBe(false);
    }
    await expect(store.getObject('k')).rejects.toBeInstanceOf(NetworkError);
    await expect(store.putObject('k', 'y')).rejects.toThrow(/closed/);
    await expect(store.listObjects()[Symbol.asyncIterator]().next()).rejects.toThrow(/closed/);
    await expect(store.deleteObjects(['k'])).rejects.toThrow(/closed/);
    await store.close();
  });

  it('reads a streamed body once and refuses a declared length it does not have', async () => {
    const store = new MemorySession();
    await expect(store.putObject('k', 'abc', { contentLength: 4 })).rejects.toBeInstanceOf(ConfigError);
    await expect(store.headObject('k')).rejects.toMatchObject({ status: 404 });
  });

  it('holds locks like any session (lock core over the object API)', async () => {
    const store = new MemorySession();
    const order: string[] = [];
    await Promise.all(
      ['a', 'b'].map((who) =>
        store.withLock(
          'job',
          async () => {
            order.push(`${who}:in`);
            await new Promise((r) => setTimeout(r, 20));
            order.push(`${who}:out`);
          },
          FAST_LOCK,
        ),
      ),
    );
    // mutual exclusion: each holder leaves before the other enters
    expect(order.map((e) => e.split(':')[1])).toEqual(['in', 'out', 'in', 'out']);
    expect(order[0]?.split(':')[0]).toBe(order[1]?.split(':')[0]);
    // tickets and leases are gone; only the fencing counter stays (it must outlive every ticket)
    expect((await collectKeys(store)).filter((k) => !k.startsWith('job.fence.'))).toEqual([]);
  }, 30_000);
});
