import { describe, expect, it } from 'vitest';
import { LeaseObserver, type ListedLease, parseLeases } from '../../../src/lock/lease-observer.js';
import { lockKeys } from '../../../src/lock/names.js';

const keys = lockKeys('job');
const lease = (lockId: string, etag: string, leaseMs = 1000): [string, ListedLease] => [
  lockId,
  { key: `job.lease.${lockId}.${leaseMs}`, lockId, leaseMs, etag, lastModified: new Date(0) },
];
const A = 'aaaaaaaaaaaaa';

describe('LeaseObserver', () => {
  it('expires a lease only after it stood unchanged for its full duration on our clock', () => {
    const o = new LeaseObserver();
    o.observe(new Map([lease(A, 'e1')]), 0);
    expect(o.state(A, 999)).toBe('live');
    o.observe(new Map([lease(A, 'e2')]), 900); // renewed: the clock restarts
    expect(o.state(A, 1800)).toBe('live');
    expect(o.remainingMs(A, 1800)).toBe(100);
    o.observe(new Map([lease(A, 'e2')]), 1899);
    expect(o.state(A, 1900)).toBe('expired');
  });

  it('a contender without a lease never expires by this rule', () => {
    const o = new LeaseObserver();
    o.observe(new Map(), 0);
    expect(o.state(A, 10 ** 9)).toBe('none');
  });

  it('forgets leases that are no longer listed, and restarts on a new lease duration', () => {
    const o = new LeaseObserver();
    o.observe(new Map([lease(A, 'e1')]), 0);
    o.observe(new Map(), 500);
    o.observe(new Map([lease(A, 'e1')]), 600);
    expect(o.state(A, 1500)).toBe('live');
    o.observe(new Map([lease(A, 'e1', 5000)]), 1500);
    expect(o.state(A, 6000)).toBe('live');
    expect(o.state(A, 6500)).toBe('expired');
  });

  it('parses only lease keys of this lock', () => {
    const parsed = parseLeases(keys, [
      { key: 'job.lease.aaaaaaaaaaaaa.30000', etag: 'x', lastModified: new Date(0) },
      { key: 'job.lease.junk', etag: 'x', lastModified: new Date(0) },
      { key: 'jobs.lease.aaaaaaaaaaaaa.30000', etag: 'x', lastModified: new Date(0) },
    ]);
    expect([...parsed.keys()]).toEqual([A]);
    expect(parsed.get(A)?.leaseMs).toBe(30000);
  });
});
