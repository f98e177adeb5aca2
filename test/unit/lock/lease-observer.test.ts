import { describe, expect, it } from 'vitest';
import { LeaseObserver, type ListedLease, parseLeases } from '../../../src/lock/lease-observer.js';
import { lockKeys } from '../../../src/lock/names.js';

const keys = lockKeys('job');
const lease = (lockId: string, etag: string, leaseMs = 1000): [string, ListedLease] => {
  const key = `job.lease.${lockId}.${leaseMs}`;
  return [lockId, { key, lockId, leaseMs, etag, lastModified: new Date(0), keys: [key] }];
};
/** A listing sent at `sentMs` whose response arrived `tookMs` later. */
const at = (sentMs: number, tookMs = 0) => ({ sentMs, receivedMs: sentMs + tookMs });
const A = 'aaaaaaaaaaaaa';

describe('LeaseObserver', () => {
  it('expires a lease only after it stood unchanged for its full duration on our clock', () => {
    const o = new LeaseObserver();
    o.observe(new Map([lease(A, 'e1')]), at(0));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e2')]), at(900)); // renewed: the clock restarts
    o.observe(new Map([lease(A, 'e2')]), at(1800));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e2')]), at(1899));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e2')]), at(1900));
    expect(o.state(A)).toBe('expired');
  });

  it('counts neither a slow response nor a stall after it as time the lease stood unchanged (T1)', () => {
    const o = new LeaseObserver();
    // first seen in a response that took 300 ms: it counts from when the response arrived
    o.observe(new Map([lease(A, 'e1')]), at(0, 300));
    // the next listing was sent at 1200 and its answer reached us (or we looked at it) at 5000:
    // the lease is known unchanged only up to 1200, 900 ms after the first sighting
    o.observe(new Map([lease(A, 'e1')]), at(1200, 3800));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e1')]), at(1300));
    expect(o.state(A)).toBe('expired');
  });

  it('a contender without a lease never expires by this rule', () => {
    const o = new LeaseObserver();
    o.observe(new Map(), at(0));
    o.observe(new Map(), at(10 ** 9));
    expect(o.state(A)).toBe('none');
  });

  it('forgets leases that are no longer listed, and restarts on a new lease duration', () => {
    const o = new LeaseObserver();
    o.observe(new Map([lease(A, 'e1')]), at(0));
    o.observe(new Map(), at(500));
    o.observe(new Map([lease(A, 'e1')]), at(600));
    o.observe(new Map([lease(A, 'e1')]), at(1500));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e1', 5000)]), at(1500));
    o.observe(new Map([lease(A, 'e1', 5000)]), at(6000));
    expect(o.state(A)).toBe('live');
    o.observe(new Map([lease(A, 'e1', 5000)]), at(6500));
    expect(o.state(A)).toBe('expired');
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

  it('merges two lease keys of one contender: a renewal of either keeps it live (T5)', () => {
    const listing = (etagOld: string, etagNew: string) =>
      parseLeases(keys, [
        { key: `job.lease.${A}.30000`, etag: etagOld, lastModified: new Date(1000) },
        { key: `job.lease.${A}.5000`, etag: etagNew, lastModified: new Date(9000) },
      ]);
    const first = listing('dead', 'n1');
    expect(first.get(A)).toMatchObject({ leaseMs: 30000, lastModified: new Date(9000) });
    expect(first.get(A)?.keys).toHaveLength(2);
    const o = new LeaseObserver();
    o.observe(first, at(0));
    // the recovered contender renews only its new key: the dead old key must not be timed alone
    for (let t = 10_000; t <= 60_000; t += 10_000) {
      o.observe(listing('dead', `n${t}`), at(t));
      expect(o.state(A)).toBe('live');
    }
  });
});
