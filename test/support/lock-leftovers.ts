/**
 * What a lock leaves in the bucket, and the "later waiter" that clears what dead contenders left.
 */
import type { Lock, S3Session } from '../../src/index.js';

/** Keys under `{name}.lock.` and `{name}.lease.` (current objects). Empty lists mean nothing is orphaned. */
export async function lockLeftovers(
  s3: S3Session,
  name: string,
): Promise<{ tickets: string[]; leases: string[] }> {
  const keys = async (prefix: string) => {
    const out: string[] = [];
    for await (const o of s3.listObjects({ prefix })) out.push(o.key);
    return out;
  };
  return { tickets: await keys(`${name}.lock.`), leases: await keys(`${name}.lease.`) };
}

/**
 * Later waiters: clear what dead or failed contenders left of lock `name`, as the protocol does.
 *
 * 1. Acquire `name` exclusively and release it: a fresh exclusive ticket is blocked by every older
 *    one, and breaks each whose lease stays unchanged for its duration.
 * 2. If leases without tickets remain, hold the lock with one contender while a second waits longer
 *    than the longest of those leases: a blocked waiter deletes expired leases that have no ticket.
 *
 * Returns the lock ids broken. Throws if a step cannot acquire within `timeoutMs`.
 */
export async function sweepLock(
  s3: S3Session,
  name: string,
  options: { leaseMs: number; timeoutMs: number; settleDelayMs?: number; pollIntervalMs?: number },
): Promise<string[]> {
  const broke: string[] = [];
  const lockOptions = {
    leaseMs: options.leaseMs,
    settleDelayMs: options.settleDelayMs ?? 30,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    cleanupOnExit: false,
  };
  const contender = () => {
    const lock = s3.lock(name, lockOptions);
    lock.on('broke', (info) => broke.push(info.lockId));
    return lock;
  };
  const acquire = async (lock: Lock) => {
    if (!(await lock.acquire({ timeoutMs: options.timeoutMs }))) {
      const status = await s3.lockStatus(name);
      throw new Error(
        `the sweeper could not acquire ${name} within ${options.timeoutMs} ms; tickets: ${JSON.stringify(status)}`,
      );
    }
  };
  const first = contender();
  await acquire(first);
  await first.release();
  const { leases } = await lockLeftovers(s3, name);
  if (leases.length === 0) return broke;
  const longest = Math.max(...leases.map((key) => Number(key.slice(key.lastIndexOf('.') + 1)) || 0));
  const holder = contender();
  await acquire(holder);
  const waiter = contender();
  const waiting = acquire(waiter);
  await new Promise((resolve) => setTimeout(resolve, longest + 3 * lockOptions.pollIntervalMs + 500));
  await holder.release();
  await waiting;
  await waiter.release();
  return broke;
}
