/**
 * `breakLocks` / `breakOtherLocks` on the ticket strategy: an old ticket is broken only when its
 * contender is dead by the waiters' rule (its lease stands unchanged for its full duration while
 * the call watches, or it has no lease), never by its age alone (finding T2 of issue 14).
 */
import { describe, expect, it } from 'vitest';
import { createLock, MemorySession, NetworkError } from '../../../src/index.js';
import type { LockOptions } from '../../../src/lock/defaults.js';
import { realRuntime } from '../../../src/lock/runtime.js';
import { WrappedStore } from '../../support/store-wrapper.js';

const FAST: LockOptions = {
  strategy: 'ticket',
  leaseMs: 600,
  settleDelayMs: 5,
  pollIntervalMs: 10,
  cleanupOnExit: false,
};

async function tickets(store: MemorySession, name: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.listObjects({ prefix: `${name}.lock.` })) out.push(o.key);
  return out;
}

describe('breaking old tickets', () => {
  it('spares a holder that renews its lease, however old its ticket (T2)', async () => {
    const store = new MemorySession();
    const holder = store.lock('job', FAST);
    expect(await holder.acquire()).toBe(true);
    // an operator whose age gate counts every ticket as old
    const started = performance.now();
    expect(await store.breakLocks('job', { olderThanMs: 0 })).toEqual([]);
    // it watched the lease for a whole lease duration before deciding
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    expect(holder.isHeld()).toBe(true);
    expect(await holder.verify()).toBe(true);
    const other = store.lock('job', {
      ...FAST,
      runtime: { ...realRuntime, wallNow: () => Date.now() + 1e7 },
    });
    expect(await other.breakOtherLocks({ olderThanMs: 0 })).toEqual([]);
    expect(await holder.verify()).toBe(true);
    await holder.release();
  });

  it('breaks a ticket whose lease stopped changing, and a ticket without a lease', async () => {
    const memory = new MemorySession();
    const victimStore = new WrappedStore(memory);
    const victim = createLock(victimStore, 'job', FAST);
    expect(await victim.acquire()).toBe(true);
    const victimId = victim.lockId as string;
    // the victim's process is cut off: its renewals fail, its lease stays as it was
    victimStore.fail = (method, key) => new NetworkError('cut off', { method, key, sent: false });
    // a Python s3func contender's ticket: no lease object
    await memory.putObject('job.lock.0123456789abc-0', '1');
    await memory.putObject('job.lock.0123456789abc-1', '1');
    await new Promise((r) => setTimeout(r, 5)); // older than 0 ms
    const broken = await memory.breakLocks('job', { olderThanMs: 0 });
    expect(broken.sort()).toEqual([victimId, '0123456789abc'].sort());
    expect(await tickets(memory, 'job')).toEqual([]);
  });

  it('an age gate still spares young dead tickets', async () => {
    const memory = new MemorySession();
    await memory.putObject('job.lock.0123456789abc-0', '1');
    await memory.putObject('job.lock.0123456789abc-1', '1');
    expect(await memory.breakLocks('job')).toEqual([]);
    expect(await tickets(memory, 'job')).toHaveLength(2);
  });
});
