/**
 * The lock contract: every public behaviour of locks and elections a user relies on, written once
 * and run for each store and strategy (`describeLockContract`): on the memory and file stores here
 * (test/conformance), on Ceph RGW (test/integration/s3-lock-contract.test.ts) and, for tickets, on
 * the B2 test server (test/b2/b2-lock-contract.test.ts). Safety under faults is the simulation's
 * and the models' job; this is the API as documented.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type CoordinationSession,
  LockLostError,
  type LockOptions,
  LockTimeoutError,
  type StrategyOption,
  withLock,
} from '../../src/index.js';
import { WrappedStore } from '../support/store-wrapper.js';

export interface SessionUnderTest {
  session: CoordinationSession;
  cleanup: () => Promise<void>;
}

export interface LockContractOptions {
  strategies: StrategyOption[];
  /** Timing for this store: a settle delay that covers its timestamp granularity, a short poll. */
  timing: Pick<LockOptions, 'settleDelayMs' | 'pollIntervalMs'>;
  /** What `lock.strategy` is once acquired with `'auto'` on this store. */
  autoResolvesTo?: 'ticket' | 'conditional';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the lock contract for one store; `makeSession` gives each test a fresh, empty store. */
export function describeLockContract(
  name: string,
  makeSession: () => Promise<SessionUnderTest>,
  options: LockContractOptions,
): void {
  for (const strategy of options.strategies) {
    const base: LockOptions = { ...options.timing, strategy, cleanupOnExit: false };
    const resolved = strategy === 'auto' ? options.autoResolvesTo : strategy;

    /** Runs `body` with a fresh session, cleaned up after. */
    const withSession =
      (body: (session: CoordinationSession) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const { session, cleanup } = await makeSession();
        try {
          await body(session);
        } finally {
          await cleanup();
        }
      };

    describe(`lock contract: ${name}, strategy '${strategy}'`, () => {
      it(
        'acquire, hold, release: state, strategy, fencing token, signal and events in order',
        withSession(async (session) => {
          const lock = session.lock('c.basic', base);
          const events: string[] = [];
          for (const e of ['acquired', 'released', 'lost'] as const) lock.on(e, () => events.push(e));
          expect(lock.state).toBe('idle');
          expect(lock.isHeld()).toBe(false);
          expect(await lock.acquire()).toBe(true);
          expect(events).toEqual(['acquired']); // emitted before acquire resolved
          expect(lock.state).toBe('held');
          expect(lock.isHeld()).toBe(true);
          if (resolved) expect(lock.strategy).toBe(resolved);
          expect(lock.fencingToken).toBeGreaterThanOrEqual(1);
          expect(lock.lockId).toMatch(/^[0-9a-f]{13}$/);
          expect(await lock.verify()).toBe(true);
          const signal = lock.signal as AbortSignal;
          expect(signal.aborted).toBe(false);
          await lock.release();
          expect(events).toEqual(['acquired', 'released']);
          expect(lock.state).toBe('idle');
          expect(lock.isHeld()).toBe(false);
          expect(signal.aborted).toBe(true);
          expect(await session.lockStatus('c.basic')).toEqual([]);
        }),
      );

      it(
        'excludes a second exclusive contender while held, and hands over with a greater token',
        withSession(async (session) => {
          const first = session.lock('c.excl', base);
          const second = session.lock('c.excl', base);
          expect(await first.acquire()).toBe(true);
          const firstToken = first.fencingToken as number;
          expect(await second.acquire({ blocking: false })).toBe(false);
          expect(second.state).toBe('idle');
          const waiting = second.acquire();
          await sleep(50);
          expect(second.isHeld()).toBe(false);
          await first.release();
          expect(await waiting).toBe(true);
          expect(second.fencingToken).toBeGreaterThan(firstToken);
          expect(first.fencingToken).toBeUndefined(); // only while held
          await second.release();
        }),
      );

      it(
        'lets shared holders coexist, and an exclusive contender waits for them',
        withSession(async (session) => {
          const readers = [
            session.lock('c.rw', { ...base, mode: 'shared' }),
            session.lock('c.rw', { ...base, mode: 'shared' }),
          ];
          for (const r of readers) expect(await r.acquire()).toBe(true);
          expect(readers.every((r) => r.isHeld())).toBe(true);
          const writer = session.lock('c.rw', base);
          expect(await writer.acquire({ blocking: false })).toBe(false);
          const waiting = writer.acquire();
          await readers[0]?.release();
          await sleep(50);
          expect(writer.isHeld()).toBe(false);
          await readers[1]?.release();
          expect(await waiting).toBe(true);
          await writer.release();
        }),
      );

      it(
        'gives up after timeoutMs: acquire resolves false, await session.lock() rejects with LockTimeoutError',
        withSession(async (session) => {
          const holder = session.lock('c.timeout', base);
          await holder.acquire();
          const other = session.lock('c.timeout', base);
          expect(await other.acquire({ timeoutMs: 150 })).toBe(false);
          const rejected = await Promise.resolve(session.lock('c.timeout', { ...base, timeoutMs: 150 })).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(rejected).toBeInstanceOf(LockTimeoutError);
          expect((rejected as LockTimeoutError).code).toBe('ERR_LOCK_TIMEOUT');
          expect((rejected as LockTimeoutError).lockName).toBe('c.timeout');
          await holder.release();
          // nothing of the contenders that gave up is left
          expect(await session.lockStatus('c.timeout')).toEqual([]);
        }),
      );

      it(
        'rejects an acquire aborted by its signal with the reason, leaving nothing behind',
        withSession(async (session) => {
          const holder = session.lock('c.abort', base);
          await holder.acquire();
          const controller = new AbortController();
          const waiting = session.lock('c.abort', base).acquire({ signal: controller.signal });
          await sleep(50);
          const reason = new Error('stop waiting');
          controller.abort(reason);
          await expect(waiting).rejects.toBe(reason);
          await holder.release();
          expect(await session.lockStatus('c.abort')).toEqual([]);
        }),
      );

      it(
        "withLock resolves fn's value, rejects with fn's error, and releases in both cases",
        withSession(async (session) => {
          let seen: AbortSignal | undefined;
          const value = await session.withLock(
            'c.with',
            async (signal, lock) => {
              seen = signal;
              expect(lock.isHeld()).toBe(true);
              return 42;
            },
            base,
          );
          expect(value).toBe(42);
          expect(seen?.aborted).toBe(true); // released
          const failure = new Error('job failed');
          await expect(
            session.withLock(
              'c.with',
              () => {
                throw failure;
              },
              base,
            ),
          ).rejects.toBe(failure);
          expect(await session.lockStatus('c.with')).toEqual([]);
        }),
      );

      it(
        "withLock: a lease lost mid-run aborts fn's signal, and withLock rejects with LockLostError even if fn returns",
        withSession(async (session) => {
          // the store refuses lease writes once fn runs: renewals fail until the lease's deadline
          const store = new WrappedStore(session);
          let failing = false;
          store.fail = (method, key) =>
            failing && method === 'PUT' && key.startsWith('c.lost.lease.')
              ? new Error('simulated outage')
              : undefined;
          const lost: unknown[] = [];
          const outcome = await withLock(
            store,
            'c.lost',
            async (signal, lock) => {
              lock.on('lost', (error) => lost.push(error));
              failing = true;
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              return 'finished anyway'; // a job that ignores its signal: withLock still reports the loss
            },
            { ...base, leaseMs: 1500, leaseMarginMs: 300 },
          ).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(outcome).toBeInstanceOf(LockLostError);
          expect(lost).toHaveLength(1);
          expect(lost[0]).toBe(outcome);
        }),
      );

      it(
        'await using releases the lock when the scope ends',
        withSession(async (session) => {
          let token: number | undefined;
          {
            await using lock = await session.lock('c.scope', base);
            token = lock.fencingToken;
            expect(lock.isHeld()).toBe(true);
          }
          expect(token).toBeGreaterThanOrEqual(1);
          expect(await session.lockStatus('c.scope')).toEqual([]);
          const next = session.lock('c.scope', base);
          expect(await next.acquire({ blocking: false })).toBe(true);
          await next.release();
        }),
      );

      it(
        'holders() and lockStatus() show who holds it, with its lease, owner and value',
        withSession(async (session) => {
          const lock = session.lock('c.status', { ...base, owner: 'worker-7', value: { port: 8080 } });
          await lock.acquire();
          const waiter = session.lock('c.status', base);
          const waiting = waiter.acquire();
          await sleep(100);
          const status = await lock.holders({ readOwners: true });
          const mine = status.find((s) => s.lockId === lock.lockId);
          expect(mine).toMatchObject({ holding: true, mode: 'exclusive' });
          expect(mine?.lease).toMatchObject({ owner: 'worker-7', value: { port: 8080 }, stale: false });
          expect(status.filter((s) => s.holding)).toHaveLength(1);
          expect(await session.lockStatus('c.status')).toHaveLength(status.length);
          await lock.release();
          await waiting;
          await waiter.release();
        }),
      );

      if (strategy === 'ticket') {
        it(
          'recovers a ticket by its lockId',
          withSession(async (session) => {
            const first = session.lock('c.recover', base);
            await first.acquire();
            const again = session.lock('c.recover', { ...base, lockId: first.lockId });
            expect(await again.acquire()).toBe(true);
            expect(again.lockId).toBe(first.lockId);
            expect((await session.lockStatus('c.recover')).map((s) => s.lockId)).toEqual([first.lockId]);
            await again.release();
            expect(await session.lockStatus('c.recover')).toEqual([]);
          }),
        );
      } else {
        it(
          "refuses lockId (recovering a ticket: strategy 'ticket' only) before any request",
          withSession(async (session) => {
            expect(() => session.lock('c.recover', { ...base, lockId: '0123456789abc' })).toThrow(
              ConfigError,
            );
          }),
        );
      }

      it(
        'elections: campaign, leader(), observe() and resign',
        withSession(async (session) => {
          const election = session.election('c.leader', { ...base, value: { url: 'http://a' } });
          const elected: unknown[] = [];
          election.on('elected', (info) => elected.push(info));
          expect(await election.leader()).toBeUndefined();
          await election.campaign();
          expect(election.isLeader).toBe(true);
          expect(elected).toHaveLength(1);
          const leader = await election.leader();
          expect(leader).toMatchObject({ value: { url: 'http://a' } });
          expect(leader?.lockId).toMatch(/^[0-9a-f]{13}$/);
          const controller = new AbortController();
          const seen: (string | undefined)[] = [];
          const watching = (async () => {
            for await (const l of session
              .election('c.leader')
              .observe({ signal: controller.signal, pollIntervalMs: 20 })) {
              seen.push(l?.lockId);
              if (seen.length === 2) controller.abort();
            }
          })();
          await sleep(60);
          await election.resign();
          expect(election.isLeader).toBe(false);
          await watching;
          expect(seen).toEqual([leader?.lockId, undefined]);
          expect(await election.leader()).toBeUndefined();
        }),
      );
    });
  }
}
