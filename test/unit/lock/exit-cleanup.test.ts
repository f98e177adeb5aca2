/**
 * Exit clean-up on a signal, in process: `process.kill` is replaced by a recorder so the raised
 * signal can be observed without ending the test worker. Its own file: the module keeps the
 * "exiting" state for the rest of the process, as it must.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isS3funcError, MemorySession } from '../../../src/index.js';
import { exitInProgress, registeredForExit } from '../../../src/lock/exit-cleanup.js';

const FAST = { settleDelayMs: 5, pollIntervalMs: 5, leaseMs: 5_000 };
const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

let others: ((...args: unknown[]) => void)[] = [];
let raised: (string | number | undefined)[] = [];

beforeEach(() => {
  // the test worker's own SIGTERM listeners would count as the application's: set them aside
  others = process.listeners('SIGTERM') as typeof others;
  for (const l of others) process.off('SIGTERM', l);
  raised = [];
  vi.spyOn(process, 'kill').mockImplementation((_pid, signal) => {
    raised.push(signal);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const l of others) process.on('SIGTERM', l);
});

describe('a signal while holding', () => {
  it('releases the lock, refuses new acquisitions until the end, and raises the signal with no handler left', async () => {
    const session = new MemorySession();
    const lock = session.lock('job', FAST);
    expect(await lock.acquire()).toBe(true);
    expect(registeredForExit()).toBe(1);

    process.emit('SIGTERM', 'SIGTERM');
    expect(exitInProgress()).toBe('SIGTERM');
    // the application's loop goes on while the lock is released: it must not get a lock now
    const meanwhile = session.lock('job', FAST).acquire();
    await expect(meanwhile).rejects.toSatisfy(
      (e: unknown) => isS3funcError(e) && e.code === 'ERR_LOCK_STATE' && /exiting on SIGTERM/.test(e.message),
    );
    await flush();

    expect(lock.isHeld()).toBe(false);
    expect(lock.signal?.aborted).toBe(true);
    expect(raised).toEqual(['SIGTERM']);
    // the raised signal arrives a turn later: nothing may have put a handler back to swallow it
    expect(process.listenerCount('SIGTERM')).toBe(0);
    const later = session.lock('other', FAST).acquire();
    await expect(later).rejects.toSatisfy((e: unknown) => isS3funcError(e) && e.code === 'ERR_LOCK_STATE');
    await flush();
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(raised).toEqual(['SIGTERM']);
    const left: string[] = [];
    for await (const o of session.listObjects({ prefix: 'job.' }))
      if (!o.key.startsWith('job.fence.')) left.push(o.key); // fences stay by design
    expect(left).toEqual([]);
  });
});
