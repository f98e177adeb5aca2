import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../../../src/errors.js';
import { LeaseKeeper, renewalIntervalMs } from '../../../src/lock/lease-keeper.js';
import { OwnObjects } from '../../../src/lock/own-objects.js';
import type { LockRuntime } from '../../../src/lock/runtime.js';
import type { ObjectStore, PutObjectOptions } from '../../../src/store/types.js';
import { sleep } from '../../../src/util/abort.js';

/** Real timers faked by vitest: the keeper's clock and sleeps run on them. */
const runtime: LockRuntime = {
  now: () => Date.now(),
  suspendAwareNow: () => Date.now(),
  wallNow: () => Date.now(),
  sleep,
  random: () => 0.5,
};

/** A store whose puts take `latencyMs` and fail while `failing` is set. */
function fakeStore() {
  const state = { latencyMs: 10, failing: false, puts: [] as { at: number; body: string }[] };
  const store = {
    capabilities: { listVersions: true, listingDigest: 'md5', conditionalPut: true },
    async putObject(_key: string, body: string | Uint8Array, options?: PutObjectOptions) {
      await sleep(state.latencyMs, options?.signal);
      if (state.failing) throw new NetworkError('down', { method: 'PutObject', sent: true });
      state.puts.push({ at: Date.now(), body: String(body) });
      return { etag: String(state.puts.length) };
    },
    async deleteObject() {},
  } as unknown as ObjectStore;
  return { store, state };
}

describe('LeaseKeeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews every leaseMs/3 with a body that changes each time', async () => {
    const { store, state } = fakeStore();
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 3000,
      marginMs: 600,
      runtime,
      body: (n) => `r${n}`,
      onLost: () => {},
    });
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    await vi.advanceTimersByTimeAsync(3100);
    expect(state.puts.map((p) => p.body)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(keeper.isLive()).toBe(true);
    await keeper.stop();
  });

  it('declares the lease lost at leaseMs - margin after the last renewal that started in time', async () => {
    const { store, state } = fakeStore();
    const lost: { at: number; reason: string }[] = [];
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 3000,
      marginMs: 600,
      runtime,
      body: (n) => `r${n}`,
      onLost: (reason) => lost.push({ at: Date.now(), reason }),
    });
    const t0 = Date.now();
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    state.failing = true; // every renewal from now on fails
    await vi.advanceTimersByTimeAsync(5000);
    expect(lost).toHaveLength(1);
    // the first write started at t0: trusted until t0 + 3000 - 600, and not a moment longer
    expect(lost[0]?.at).toBe(t0 + 2400);
    expect(keeper.isLive()).toBe(false);
  });

  it('a renewal that completes after the deadline does not count, and is not left in flight', async () => {
    const { store, state } = fakeStore();
    const lost: number[] = [];
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 3000,
      marginMs: 600,
      runtime,
      body: String,
      onLost: () => lost.push(Date.now()),
    });
    const t0 = Date.now();
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    state.latencyMs = 5000; // renewals hang past the deadline
    await vi.advanceTimersByTimeAsync(2500);
    expect(lost).toEqual([t0 + 2400]);
    // the renewal sent at t0 + 1000 is still in flight: it is not aborted (an aborted PUT may still
    // land after the release deleted the lease, and stay behind), and stop() waits for it (R1)
    let stopped = false;
    void keeper.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(3000);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    expect(stopped).toBe(true);
    expect(state.puts.map((p) => p.at - t0)).toEqual([10, 6000]);
    expect(lost).toEqual([t0 + 2400]);
  });

  it('a suspend longer than the lease ends the trust at once on waking (C1)', async () => {
    const { store } = fakeStore();
    let suspendedMs = 0;
    // the monotonic clock stops while suspended; the suspend-aware clock counts the suspend
    const suspending: LockRuntime = {
      ...runtime,
      now: () => Date.now() - suspendedMs,
      suspendAwareNow: () => Date.now(),
    };
    const lost: number[] = [];
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 30_000,
      marginMs: 6000,
      runtime: suspending,
      body: String,
      onLost: () => lost.push(Date.now()),
    });
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    expect(keeper.isLive()).toBe(true);
    // a 60 s suspend: no timer fired, the monotonic clock moved 0 ms
    suspendedMs = 60_000;
    vi.setSystemTime(Date.now() + 60_000);
    const woke = Date.now();
    expect(keeper.isLive()).toBe(false);
    // the loss is announced within a second of waking, not at the next renewal (10 s later)
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost).toHaveLength(1);
    expect((lost[0] as number) - woke).toBeLessThanOrEqual(1000);
    await keeper.stop();
  });

  it('stops quietly: no renewals and no loss after stop()', async () => {
    const { store, state } = fakeStore();
    const lost: number[] = [];
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 3000,
      marginMs: 600,
      runtime,
      body: String,
      onLost: () => lost.push(1),
    });
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    await keeper.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(state.puts).toHaveLength(1);
    expect(lost).toEqual([]);
  });

  it('renews often enough to keep a lock whose margin is half the lease (simulation counterexample K6)', async () => {
    expect(renewalIntervalMs(30_000, 6_000)).toBe(10_000); // the protocol's leaseMs / 3 by default
    expect(renewalIntervalMs(1500, 750)).toBe(375);
    const { store, state } = fakeStore();
    state.latencyMs = 300; // renewing every leaseMs / 3 = 500 ms, each would land after its 750 ms window
    const lost: number[] = [];
    const keeper = new LeaseKeeper({
      own: new OwnObjects(),
      store,
      key: 'k',
      leaseMs: 1500,
      marginMs: 750,
      runtime,
      body: String,
      onLost: () => lost.push(Date.now()),
    });
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(300);
    await start;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(lost).toEqual([]);
    expect(keeper.isLive()).toBe(true);
    await keeper.stop();
  });

  it('stop() lets a renewal in flight land and records it, so release can delete it', async () => {
    const { store, state } = fakeStore();
    const own = new OwnObjects();
    const keeper = new LeaseKeeper({
      own,
      store,
      key: 'k',
      leaseMs: 3000,
      marginMs: 600,
      runtime,
      body: String,
      onLost: () => {},
    });
    const start = keeper.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    state.latencyMs = 200;
    await vi.advanceTimersByTimeAsync(1050); // the second renewal is in flight
    const stopped = keeper.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopped;
    expect(state.puts).toHaveLength(2);
  });
});
