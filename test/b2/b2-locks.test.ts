// Locks on B2Session against the B2 test server at B2's listing granularity (whole seconds): the
// lock core reads the mode from the listed SHA-1, lists versions, releases by file id, and two
// sessions contending for one name never hold it at the same time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { B2Session } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

/** B2 lists whole seconds: the settle delay must cover them; the test server has one clock (no skew to add). */
const B2_LOCK_OPTIONS = { settleDelayMs: 1000, pollIntervalMs: 150, leaseMs: 6000 };

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2({ timestampGranularityMs: 1000 });
});

afterAll(async () => {
  await fx.close();
});

const left = (prefix: string) => fx.server.versions().filter((v) => v.fileName.startsWith(prefix));

describe('locks on B2', () => {
  it('writes tickets the lock core reads as exclusive from their SHA-1, and releases them by file id', async () => {
    const lock = fx.b2.lock('solo', B2_LOCK_OPTIONS);
    expect(await lock.acquire()).toBe(true);
    const tickets = left('solo.lock.');
    expect(tickets.map((v) => v.fileName.slice(-2))).toEqual(['-0', '-1']);
    const status = await fx.b2.lockStatus('solo');
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ mode: 'exclusive' });
    expect(lock.fencingToken).toBe(1);
    await lock.release();
    // released by version: no hide markers, nothing left of tickets or lease
    expect(left('solo.lock.')).toEqual([]);
    expect(left('solo.lease.')).toEqual([]);
  });

  it('two sessions contending for one lock never overlap, and fencing tokens rise', async () => {
    const sessions = [fx.session(), fx.session()] as [B2Session, B2Session];
    const log: string[] = [];
    let inside = 0;
    let overlaps = 0;
    const tokens: number[] = [];
    const contend = async (b2: B2Session, who: string) => {
      for (let i = 0; i < 3; i++) {
        const lock = b2.lock('contended', B2_LOCK_OPTIONS);
        expect(await lock.acquire()).toBe(true);
        inside++;
        if (inside > 1) overlaps++;
        log.push(`enter ${who}`);
        tokens.push(lock.fencingToken ?? -1);
        await new Promise((resolve) => setTimeout(resolve, 30));
        log.push(`exit ${who}`);
        inside--;
        await lock.release();
      }
    };
    await Promise.all(sessions.map((b2, i) => contend(b2, `s${i}`)));
    expect(overlaps).toBe(0);
    expect(log.filter((l) => l.startsWith('enter'))).toHaveLength(6);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]?.replace('enter', 'exit'));
    expect(tokens).toHaveLength(6);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    expect(left('contended.lock.')).toEqual([]);
  }, 60_000);

  it('shared holders coexist; an exclusive one waits for them', async () => {
    const [a, b, c] = [fx.session(), fx.session(), fx.session()];
    const r1 = a.lock('rw', { ...B2_LOCK_OPTIONS, mode: 'shared' });
    const r2 = b.lock('rw', { ...B2_LOCK_OPTIONS, mode: 'shared' });
    await Promise.all([r1.acquire(), r2.acquire()]);
    const status = await a.lockStatus('rw');
    expect(status.map((t) => t.mode)).toEqual(['shared', 'shared']);
    const writer = c.lock('rw', B2_LOCK_OPTIONS);
    expect(await writer.acquire({ blocking: false })).toBe(false);
    await Promise.all([r1.release(), r2.release()]);
    expect(await writer.acquire({ timeoutMs: 10_000 })).toBe(true);
    await writer.release();
  }, 60_000);

  it("strategy 'auto' runs the ticket election (no create-only writes on B2's native API), and 'conditional' is refused before any request", async () => {
    const lock = fx.b2.lock('auto', { ...B2_LOCK_OPTIONS, strategy: 'auto' });
    expect(await lock.acquire()).toBe(true);
    expect(lock.strategy).toBe('ticket');
    await lock.release();
    expect(fx.server.versions().filter((v) => v.fileName.startsWith('.s3func-probe/'))).toEqual([]);
    expect(() => fx.b2.lock('auto', { strategy: 'conditional' })).toThrow(/needs create-only writes/);
    expect(left('auto.lock.')).toEqual([]);
    expect(left('auto.turn.')).toEqual([]);
  }, 60_000);
});
