/**
 * The conditional strategy on the embedded memory store, through a wrapper that counts round trips,
 * fails requests on demand, or makes create-only puts racy. (Safety under faults and stale listings
 * is the simulation's job: test/sim/conditional.test.ts; processes on Ceph: test/integration.)
 */

import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createLock,
  FileSession,
  MemorySession,
  NetworkError,
  PreconditionFailedError,
  qualifyStore,
  S3Error,
  StoreNotQualifiedError,
  StrategyConflictError,
} from '../../../../src/index.js';
import { readDone } from '../../../../src/lock/conditional/turn-store.js';
import type { LockOptions } from '../../../../src/lock/defaults.js';
import { doneKey, leaseKey, lockKeys, turnKey } from '../../../../src/lock/names.js';
import { realRuntime } from '../../../../src/lock/runtime.js';
import type { ObjectStore } from '../../../../src/store/types.js';
import { WrappedStore } from '../../../support/store-wrapper.js';

const FAST: LockOptions = { strategy: 'conditional', pollIntervalMs: 10, cleanupOnExit: false };

async function keys(store: Pick<ObjectStore, 'listObjects'>, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.listObjects({ prefix })) out.push(o.key);
  return out;
}

describe('conditional strategy: acquisition', () => {
  it('an uncontended acquire takes two round trips and no settle delay, once the name is known', async () => {
    const store = new WrappedStore(new MemorySession());
    const first = createLock(store, 'job', FAST);
    expect(await first.acquire()).toBe(true);
    expect(first.strategy).toBe('conditional');
    expect(first.fencingToken).toBe(1);
    await first.release();

    store.resetDepth();
    const lock = createLock(store, 'job', FAST);
    expect(await lock.acquire()).toBe(true);
    expect(store.roundTrips).toBe(2);
    const sent = store.requests.map((r) => `${r.method} ${r.key}`);
    expect(sent).toHaveLength(4);
    expect(sent).toEqual(
      expect.arrayContaining([
        'GET job.done.0000000000000001', // the previous turn's done marker, whose floor covers everything
        'LIST job.lock.', // no ticket-strategy contender uses the name
        'PUT job.turn.0000000000000002',
        expect.stringMatching(/^PUT job\.lease\.[0-9a-f]{13}\.30000$/),
      ]),
    );
    expect(lock.fencingToken).toBe(2);
    store.resetDepth();
    await lock.release();
    expect(store.roundTrips).toBe(2); // the done marker, then the lease's deletion (K30)
  });

  it('waiters enter in turn order (FIFO) and fencing tokens rise with them', async () => {
    const store = new MemorySession();
    const holder = store.lock('q', FAST);
    await holder.acquire();
    const order: number[] = [];
    const waiters = Array.from({ length: 5 }, () => store.lock('q', FAST));
    const acquired = waiters.map(async (w, i) => {
      await new Promise((r) => setTimeout(r, i * 15)); // take turns in index order
      await w.acquire();
      order.push(i);
      const token = w.fencingToken as number;
      await new Promise((r) => setTimeout(r, 5));
      await w.release();
      return token;
    });
    await new Promise((r) => setTimeout(r, 120));
    expect(order).toEqual([]);
    await holder.release();
    const tokens = await Promise.all(acquired);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(tokens).toEqual([2, 3, 4, 5, 6]);
  });

  it('shared holders coexist; an exclusive one waits for them, and later shared ones wait for it', async () => {
    const store = new MemorySession();
    const s1 = store.lock('rw', { ...FAST, mode: 'shared' });
    const s2 = store.lock('rw', { ...FAST, mode: 'shared' });
    expect(await s1.acquire()).toBe(true);
    expect(await s2.acquire()).toBe(true);
    expect(s1.fencingToken).toBeUndefined();
    const writer = store.lock('rw', FAST);
    const writing = writer.acquire();
    await new Promise((r) => setTimeout(r, 50));
    const s3 = store.lock('rw', { ...FAST, mode: 'shared' });
    const reading = s3.acquire();
    await new Promise((r) => setTimeout(r, 50));
    expect([writer.state, s3.state]).toEqual(['acquiring', 'acquiring']);
    await s1.release();
    await s2.release();
    expect(await writing).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(s3.state).toBe('acquiring');
    await writer.release();
    expect(await reading).toBe(true);
    await s3.release();
  });

  it('non-blocking and timed-out attempts end their turn, so they block nobody', async () => {
    const store = new MemorySession();
    const holder = store.lock('nb', FAST);
    await holder.acquire();
    const tryOnce = store.lock('nb', FAST);
    expect(await tryOnce.acquire({ blocking: false })).toBe(false);
    const timed = store.lock('nb', FAST);
    expect(await timed.acquire({ timeoutMs: 40 })).toBe(false);
    expect(await keys(store, 'nb.done.')).toEqual([doneKey(lockKeys('nb'), 2), doneKey(lockKeys('nb'), 3)]);
    await holder.release();
    const next = store.lock('nb', FAST);
    expect(await next.acquire({ blocking: false })).toBe(true);
    expect(next.fencingToken).toBe(4);
    await next.release();
    expect(await keys(store, 'nb.lease.')).toEqual([]);
  });

  it('a holder that stopped renewing is broken once its lease stood unchanged for a full lease', async () => {
    const memory = new MemorySession();
    const leaseMs = 300;
    const victimStore = new WrappedStore(memory);
    const victim = createLock(victimStore, 'dead', { ...FAST, leaseMs });
    await victim.acquire();
    const victimId = victim.lockId as string;
    // the victim's process is cut off: its renewals, and its release once it gives up, never land
    victimStore.fail = (method, key) => new NetworkError('cut off', { method, key, sent: false });
    const store = new WrappedStore(memory);
    const heir = createLock(store, 'dead', { ...FAST, leaseMs });
    const broke: string[] = [];
    heir.on('broke', (info) => broke.push(info.lockId));
    const started = performance.now();
    expect(await heir.acquire()).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(leaseMs);
    expect(broke).toEqual([victimId]);
    expect(victim.isHeld()).toBe(false); // it gave the lock up before the heir could break it
    expect(heir.fencingToken).toBe(2);
    const done = JSON.parse(await (await store.getObject(doneKey(lockKeys('dead'), 1))).text());
    expect(done).toMatchObject({ broken: true, entered: false });
    await heir.release();
  });

  it('breakLocks ends dead turns and deletes stale leases of a conditional name, sparing live ones', async () => {
    const memory = new MemorySession();
    const victimStore = new WrappedStore(memory);
    const victim = createLock(victimStore, 'old', { ...FAST, leaseMs: 500 });
    await victim.acquire();
    victimStore.fail = (method, key) => new NetworkError('cut off', { method, key, sent: false });
    await memory.putObject('old.lease.0123456789abc.1000', '{}'); // a contender that died before its turn
    let wallOffset = 0;
    const runtime = { ...realRuntime, wallNow: () => Date.now() + wallOffset };
    const live = memory.lock('old', { ...FAST, runtime, leaseMs: 500 });
    expect(await live.acquire({ blocking: false })).toBe(false);
    expect(await live.breakOtherLocks({ olderThanMs: 1000 })).toEqual([]); // nothing is old yet
    wallOffset = 60_000;
    const broken = await live.breakOtherLocks({ olderThanMs: 1000 });
    expect(broken.sort()).toEqual([victim.lockId as string, '0123456789abc'].sort());
    expect(await keys(memory, 'old.lease.')).toEqual([]);
    expect(JSON.parse(await (await memory.getObject(doneKey(lockKeys('old'), 1))).text())).toMatchObject({
      broken: true,
    });
    expect(await live.acquire({ blocking: false })).toBe(true);
    await live.release();
  });

  it('verify() and the keeper notice a done marker written under the holder', async () => {
    const store = new MemorySession();
    const lock = store.lock('v', { ...FAST, leaseMs: 600 });
    await lock.acquire();
    expect(await lock.verify()).toBe(true);
    await store.putObject(doneKey(lockKeys('v'), 1), '{"broken":true}', { ifNoneMatch: '*' });
    const lost = new Promise((resolve) => lock.once('lost', resolve));
    expect(await lock.verify()).toBe(false);
    await lost;
    expect(lock.signal?.aborted ?? true).toBe(true);
  });
});

describe('conditional strategy: requests that land late', () => {
  it('a create whose client saw a failure, and which landed after a HEAD found the number free, is ours (C2)', async () => {
    const memory = new MemorySession();
    const store = new WrappedStore(memory);
    const turn1 = turnKey(lockKeys('ghost'), 1);
    let ghost: { body: string; metadata: Record<string, string> } | undefined;
    const original = store.putObject.bind(store);
    // the first create of turn 1 reaches the store but its client sees a network failure; it lands
    // only after the client's HEAD found the number free
    store.putObject = async (key, body, options = {}) => {
      if (key === turn1 && ghost === undefined) {
        ghost = { body: String(body), metadata: { ...options.metadata } };
        throw new NetworkError('socket hang up', { method: 'PutObject', key, sent: true });
      }
      try {
        return await original(key, body, options);
      } catch (error) {
        // as an S3 session reports a 412 on a request's first attempt
        if (error instanceof PreconditionFailedError) error.attempts = 1;
        throw error;
      }
    };
    const originalHead = store.headObject.bind(store);
    store.headObject = async (key, options) => {
      try {
        return await originalHead(key, options);
      } finally {
        if (key === turn1 && ghost && !(await exists(memory, turn1)))
          await memory.putObject(turn1, ghost.body, { metadata: ghost.metadata, ifNoneMatch: '*' });
      }
    };
    const lock = createLock(store, 'ghost', FAST);
    // the old code took turn 2 and waited for its own ghost, turn 1, for ever
    expect(await lock.acquire({ timeoutMs: 2000 })).toBe(true);
    expect(lock.fencingToken).toBe(1);
    expect(await keys(memory, 'ghost.turn.')).toHaveLength(2); // the marker and turn 1
    await lock.release();
  });
});

describe('conditional strategy: a release deletes its lease only once its done marker is settled (K30)', () => {
  it('keeps the lease while the done marker is on its way, so collection never takes the turn for a dead one', async () => {
    const inner = new MemorySession();
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // the done marker's PUT waits at the gate; everything else goes straight through
    const store = inner;
    const put = inner.putObject.bind(inner);
    store.putObject = async (key, body, options = {}) => {
      if (key.startsWith(lockKeys('held').donePrefix)) await gate;
      return put(key, body, options);
    };
    const lock = createLock(store, 'held', FAST);
    expect(await lock.acquire()).toBe(true);
    const lease = leaseKey(lockKeys('held'), lock.lockId as string, 30_000);
    const releasing = lock.release();
    await new Promise((r) => setTimeout(r, 50));
    // released but not yet ended: a lease missing here would read as a dead contender's
    await expect(inner.headObject(lease)).resolves.toBeDefined();
    openGate();
    await releasing;
    await expect(inner.headObject(lease)).rejects.toThrow();
    expect(await readDone(inner, lockKeys('held'), 1)).toMatchObject({ broken: false, entered: true });
  });
});

describe('conditional strategy: a release whose done marker meets a failure', () => {
  /** The first `times` creates of turn 1's done marker fail as `how` says; later ones go through. */
  function failingDone(how: 'before' | 'after' | 'server', times = 1) {
    const memory = new MemorySession();
    const store = new WrappedStore(memory);
    const done1 = doneKey(lockKeys('rel'), 1);
    let failures = 0;
    const original = store.putObject.bind(store);
    store.putObject = async (key, body, options = {}) => {
      if (key !== done1 || failures >= times) return original(key, body, options);
      failures++;
      // a reset after the store wrote it; a reset before it got there; a 500 (applied or not: here not)
      if (how === 'after') await original(key, body, options);
      if (how === 'server')
        throw new S3Error({ status: 500, s3Code: 'InternalError', method: 'PUT', key }, { retryable: true });
      throw new NetworkError('socket hang up', { method: 'PutObject', key, sent: true });
    };
    return { memory, store, done1, attempts: () => failures };
  }

  for (const how of ['before', 'after', 'server'] as const) {
    it(`a create-only done marker whose answer was lost (${how}) is tried again, so the next turn need not break it`, async () => {
      const { memory, store, done1 } = failingDone(how, 2);
      const holder = createLock(store, 'rel', { ...FAST, leaseMs: 5_000 });
      expect(await holder.acquire()).toBe(true);
      const id = holder.lockId;
      await holder.release(); // no error: the marker is there, and it is ours
      const marker = JSON.parse(await (await memory.getObject(done1)).text());
      expect(marker).toMatchObject({ entered: true, broken: false, by: id });
      // the next contender enters at once: nothing to break, no lease to wait out
      const next = memory.lock('rel', { ...FAST, leaseMs: 5_000 });
      const started = performance.now();
      expect(await next.acquire({ timeoutMs: 1_000 })).toBe(true);
      expect(performance.now() - started).toBeLessThan(1_000);
      await next.release();
    });
  }

  it('a done marker that cannot be written within a lease makes release fail, and the turn is broken a lease later', async () => {
    const { memory, store } = failingDone('before', Number.POSITIVE_INFINITY);
    const leaseMs = 300;
    const holder = createLock(store, 'rel', { ...FAST, leaseMs });
    expect(await holder.acquire()).toBe(true);
    const started = performance.now();
    await expect(holder.release()).rejects.toBeInstanceOf(NetworkError);
    expect(performance.now() - started).toBeLessThan(leaseMs + 200); // retries stop within about a lease
    const next = memory.lock('rel', { ...FAST, leaseMs });
    expect(await next.acquire({ timeoutMs: 5_000 })).toBe(true);
    await next.release();
  });
});

async function exists(store: ObjectStore, key: string): Promise<boolean> {
  return store.headObject(key).then(
    () => true,
    () => false,
  );
}

describe('conditional strategy: a turn ended after it was collected (K29)', () => {
  const options: LockOptions = { ...FAST, leaseMs: 5_000, turns: { checkpointEvery: 4, retentionMs: 1000 } };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('a done marker written for a turn collection took meanwhile is taken back', async () => {
    const memory = new MemorySession();
    const store = new WrappedStore(memory);
    const k = lockKeys('late');
    const lock = createLock(store, 'late', options);
    expect(await lock.acquire()).toBe(true);
    // while the holder is paused: a breaker ends turn 1, and collection takes the turn and its marker
    expect(await memory.putObject(doneKey(k, 1), '{"broken":true,"by":"breaker"}', { ifNoneMatch: '*' }));
    await memory.deleteObject(turnKey(k, 1));
    await memory.deleteObject(doneKey(k, 1));
    await sleep(300); // past a quarter of the retention since the holder last saw its turn running
    await lock.release();
    // the old code left done.1 for ever: below every later collection walk
    expect(await keys(memory, 'late.done.')).toEqual([]);
    expect(store.requests.map((r) => `${r.method} ${r.key}`)).toContain(`HEAD ${turnKey(k, 1)}`);
  });

  it('a prompt release sends no HEAD; a late one reads the turn and keeps the marker of a turn that is there', async () => {
    const memory = new MemorySession();
    const store = new WrappedStore(memory);
    const k = lockKeys('kept');
    const heads = () => store.requests.filter((r) => r.method === 'HEAD' && r.key === turnKey(k, 1)).length;
    const prompt = createLock(store, 'kept', options);
    expect(await prompt.acquire()).toBe(true);
    await prompt.release();
    expect(heads()).toBe(0);
    const late = createLock(store, 'kept', options);
    expect(await late.acquire()).toBe(true);
    expect(late.fencingToken).toBe(2);
    await sleep(300);
    await late.release();
    expect(store.requests.filter((r) => r.method === 'HEAD' && r.key === turnKey(k, 2)).length).toBe(1);
    expect(await keys(memory, 'kept.done.')).toEqual([doneKey(k, 1), doneKey(k, 2)]);
  });
});

describe('conditional strategy: choosing and refusing', () => {
  it('bad choices are refused before any request', async () => {
    const b2Like = new WrappedStore(new MemorySession(), { conditionalPut: false });
    expect(() => createLock(b2Like, 'x', { strategy: 'conditional' })).toThrow(ConfigError);
    expect(() => createLock(b2Like, 'x', { strategy: 'sometimes' as never })).toThrow(/strategy must be/);
    expect(() => createLock(b2Like, 'x', { strategy: 'auto', lockId: '0123456789abc' })).toThrow(
      /needs strategy 'ticket'/,
    );
    expect(() => createLock(b2Like, 'x', { strategy: 'auto', turns: { retentionMs: 5 } })).toThrow(
      /retentionMs/,
    );
    expect(() => createLock(b2Like, 'x', { strategy: 'auto', turns: { checkpointEvery: 1 } })).toThrow(
      /checkpointEvery/,
    );
    expect(b2Like.requests).toEqual([]);
  });

  it('auto: conditional on a qualifying store, ticket without create-only writes or where tickets are in use', async () => {
    const memory = new MemorySession();
    const auto = memory.lock('a', { ...FAST, strategy: 'auto' });
    expect(auto.strategy).toBeUndefined();
    await auto.acquire();
    expect(auto.strategy).toBe('conditional');
    await auto.release();

    const b2Like = new WrappedStore(new MemorySession(), { conditionalPut: false });
    const onB2 = createLock(b2Like, 'a', { ...FAST, strategy: 'auto', settleDelayMs: 5 });
    await onB2.acquire();
    expect(onB2.strategy).toBe('ticket');
    await onB2.release();

    const ticketHolder = memory.lock('t', { settleDelayMs: 5, pollIntervalMs: 10, cleanupOnExit: false });
    await ticketHolder.acquire();
    const joiner = memory.lock('t', { ...FAST, strategy: 'auto', settleDelayMs: 5 });
    expect(await joiner.acquire({ blocking: false })).toBe(false);
    expect(joiner.strategy).toBe('ticket');
    await ticketHolder.release();
  });

  it('a store whose create-only writes let two writers win is refused, and auto falls back to tickets', async () => {
    const racy = new WrappedStore(new MemorySession());
    racy.racy = true;
    const verdict = await qualifyStore(racy);
    expect(verdict.qualified).toBe(false);
    expect(verdict.reason).toMatch(/not atomic/);
    await expect(createLock(racy, 'r', FAST).acquire()).rejects.toThrow(StoreNotQualifiedError);
    expect(await keys(racy, 'r.')).toEqual([]); // refused before anything was written
    const auto = createLock(racy, 'r', { ...FAST, strategy: 'auto', settleDelayMs: 5 });
    await auto.acquire();
    expect(auto.strategy).toBe('ticket');
    await auto.release();
    // the verdict is cached per store; a recheck measures again
    racy.racy = false;
    expect((await qualifyStore(racy)).qualified).toBe(false);
    expect((await qualifyStore(racy, { recheck: true })).qualified).toBe(true);
  });

  it("qualification's racers listen on signals of their own, not on the caller's (no MaxListenersExceededWarning)", async () => {
    const store = new WrappedStore(new MemorySession());
    const caller = new AbortController();
    let most = 0;
    const original = store.putObject.bind(store);
    // as the S3 transport does: each request in flight listens on its signal
    store.putObject = async (key, body, options = {}) => {
      const onAbort = () => {};
      options.signal?.addEventListener('abort', onAbort);
      most = Math.max(most, getEventListeners(caller.signal, 'abort').length);
      try {
        return await original(key, body, options);
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    };
    expect((await qualifyStore(store, { signal: caller.signal })).qualified).toBe(true);
    // beside the caller's own requests (a lease, a ticket), 8 racers at once made Node warn
    expect(most).toBeLessThanOrEqual(1);
  });

  it('a qualification round with one lost answer is settled by reading the key: one winner, or two', async () => {
    // every round, racer 3's answer is lost after the store acted on its create
    const loseOne = (store: WrappedStore) => {
      const original = store.putObject.bind(store);
      store.putObject = async (key, body, options = {}) => {
        if (!(key.includes('race-') && body === 'racer 3')) return original(key, body, options);
        await original(key, body, options).catch(() => {});
        throw new NetworkError('socket hang up', { method: 'PutObject', key, sent: true });
      };
    };
    const honest = new WrappedStore(new MemorySession());
    loseOne(honest);
    const verdict = await qualifyStore(honest);
    expect(verdict.qualified).toBe(true);
    // 4 rounds were enough: none was thrown away for the one lost answer
    expect(honest.requests.filter((r) => r.method === 'PUT' && r.key.includes('race-'))).toHaveLength(32);
    const racy = new WrappedStore(new MemorySession());
    racy.racy = true;
    loseOne(racy);
    expect((await qualifyStore(racy)).reason).toMatch(/not atomic/);
  });

  it('the strategies refuse each other on one name, whichever comes first', async () => {
    const store = new MemorySession();
    const ticket = store.lock('both', { settleDelayMs: 5, pollIntervalMs: 10, cleanupOnExit: false });
    await ticket.acquire();
    const conditional = store.lock('both', FAST);
    const refused = await conditional.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StrategyConflictError);
    expect((refused as StrategyConflictError).foundStrategy).toBe('ticket');
    await ticket.release();
    // the refused contender left its marker: from now on the name is conditional
    expect(await keys(store, 'both.turn.')).toEqual([turnKey(lockKeys('both'), 0)]);
    expect(await keys(store, 'both.lease.')).toEqual([]);
    const late = store.lock('both', { settleDelayMs: 5, pollIntervalMs: 10, cleanupOnExit: false });
    await expect(late.acquire()).rejects.toThrow(/used by the conditional strategy/);
    expect(await keys(store, 'both.lock.')).toEqual([]); // its ticket was taken back
  });

  it('fencing tokens keep rising when a name moves from tickets to turns', async () => {
    const store = new MemorySession();
    for (let i = 0; i < 3; i++) {
      const lock = store.lock('move', { settleDelayMs: 1, pollIntervalMs: 1, cleanupOnExit: false });
      await lock.acquire();
      await lock.release();
    }
    const turns = store.lock('move', FAST);
    await turns.acquire();
    expect(turns.fencingToken).toBe(3 + 1024 + 1);
    await turns.release();
  });
});

describe('conditional strategy in an election', () => {
  it('the leader holds a turn; observers read it, its value and its token', async () => {
    const store = new MemorySession();
    const a = store.election('leader', { ...FAST, value: { url: 'http://a' } });
    const b = store.election('leader', { ...FAST, value: { url: 'http://b' } });
    await a.campaign();
    const campaigning = b.campaign();
    const seen = await store.election('leader', FAST).leader();
    expect(seen).toMatchObject({ value: { url: 'http://a' }, fencingToken: 1 });
    await a.resign();
    await campaigning;
    expect(await b.leader()).toMatchObject({ value: { url: 'http://b' }, fencingToken: 2 });
    await b.resign();
    expect(await b.leader()).toBeUndefined();
  });
});

describe('conditional strategy on the file store', () => {
  it('auto qualifies the directory once (link(2) creates are atomic) and sessions on one root contend safely', async () => {
    const root = await mkdtemp(join(tmpdir(), 's3func-cond-'));
    try {
      const sessions = [new FileSession({ root }), new FileSession({ root }), new FileSession({ root })];
      let inside = 0;
      let overlaps = 0;
      const tokens: number[] = [];
      await Promise.all(
        sessions.map(async (session) => {
          for (let i = 0; i < 5; i++) {
            const lock = session.lock('files', { ...FAST, strategy: 'auto' });
            await lock.acquire();
            expect(lock.strategy).toBe('conditional');
            if (++inside > 1) overlaps++;
            tokens.push(lock.fencingToken as number);
            await new Promise((r) => setTimeout(r, 3));
            inside--;
            await lock.release();
          }
        }),
      );
      expect(overlaps).toBe(0);
      expect(tokens).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect((await qualifyStore(sessions[0] as FileSession)).qualified).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('conditional strategy: collection and the frontier', () => {
  it('old turns are collected; checkpoints and the newest stay; a fresh process still finds the frontier', async () => {
    const memory = new MemorySession();
    const options: LockOptions = { ...FAST, turns: { checkpointEvery: 4, retentionMs: 1000 } };
    const store = new WrappedStore(memory);
    for (let i = 1; i <= 20; i++) {
      // turns 1–11 are older than the retention by the store's clock when turn 12 is released
      if (i === 12) await new Promise((r) => setTimeout(r, 1100));
      const lock = createLock(store, 'gc', options);
      await lock.acquire();
      expect(lock.fencingToken).toBe(i);
      await lock.release();
    }
    const turns = (await keys(memory, 'gc.turn.')).map((k) => Number(k.slice('gc.turn.'.length)));
    // collected at the releases of checkpoint turns: every old turn that is over, except the
    // checkpoints and the newest 4 below the frontier (at 12: 1–3 and 5–7; at 16: 9–11; at 20
    // nothing, turn 12 being young)
    expect(turns).toEqual([0, 4, 8, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect((await keys(memory, 'gc.done.')).length).toBe(turns.length - 1);
    // a new process (empty caches) searches the frontier by HEAD and continues after it
    const fresh = new WrappedStore(memory);
    const lock = createLock(fresh, 'gc', options);
    await lock.acquire();
    expect(lock.fencingToken).toBe(21);
    expect(fresh.requests.filter((r) => r.method === 'HEAD').length).toBeLessThan(12);
    await lock.release();
  });
});

describe('conditional strategy: giving a name back to tickets', () => {
  it('resetLock carries fencing tokens over: tickets go on above the turns (M1)', async () => {
    const store = new MemorySession();
    for (let i = 0; i < 3; i++) {
      const lock = createLock(store, 'moved', FAST);
      expect(await lock.acquire()).toBe(true);
      expect(lock.fencingToken).toBe(i + 1);
      await lock.release();
    }
    const result = await store.resetLock('moved');
    expect(result).toMatchObject({ reset: true, tokenFloor: 3 + 1024 });
    expect(await keys(store, 'moved.turn.')).toEqual([]);
    expect(await keys(store, 'moved.done.')).toEqual([]);
    const ticket = createLock(store, 'moved', { strategy: 'ticket', settleDelayMs: 5, cleanupOnExit: false });
    expect(await ticket.acquire()).toBe(true);
    // the old procedure (delete the turns by hand) gave token 1 here
    expect(ticket.fencingToken).toBe(3 + 1024 + 1);
    await ticket.release();
    expect(await store.resetLock('moved')).toEqual({ reset: false, tokenFloor: undefined, deleted: 0 });
  });

  it('resetLock refuses while a turn is running, before deleting anything', async () => {
    const store = new MemorySession();
    const holder = createLock(store, 'busy', FAST);
    expect(await holder.acquire()).toBe(true);
    await expect(store.resetLock('busy')).rejects.toThrow(/running turn/);
    expect(await keys(store, 'busy.turn.')).toHaveLength(2);
    await holder.release();
  });
});
