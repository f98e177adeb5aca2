import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lockKeys } from '../../../../src/lock/names.js';
import { evaluateElection } from '../../../../src/lock/ticket/order.js';
import { isOlder, type LockMode, parseTickets, type Ticket } from '../../../../src/lock/ticket.js';

const keys = lockKeys('job');
const MD5 = { exclusive: 'c4ca4238a0b923820dcc509a6f75849b', shared: 'cfcd208495d565ef66e7dff9f98764da' };

/** A listing entry of one ticket object. */
function entry(lockId: string, seq: 0 | 1, mode: LockMode, ms: number) {
  return {
    key: `job.lock.${lockId}-${seq}`,
    etag: MD5[mode],
    lastModified: new Date(ms),
    versionId: 'null',
    isLatest: true,
  };
}
function ticket(lockId: string, mode: LockMode, ms0: number, ms1?: number) {
  return ms1 === undefined
    ? [entry(lockId, 0, mode, ms0)]
    : [entry(lockId, 0, mode, ms0), entry(lockId, 1, mode, ms1)];
}
const A = 'aaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbb';
const C = 'ccccccccccccc';

describe('evaluateElection', () => {
  it('wins with no other ticket', () => {
    expect(
      evaluateElection(parseTickets(keys, ticket(A, 'exclusive', 1, 2)), { lockId: A, mode: 'exclusive' }),
    ).toEqual({
      outcome: 'acquired',
    });
  });

  it('own ticket missing or incomplete is lost, never a win', () => {
    expect(evaluateElection(parseTickets(keys, []), { lockId: A, mode: 'exclusive' }).outcome).toBe('lost');
    expect(
      evaluateElection(parseTickets(keys, ticket(A, 'exclusive', 1)), { lockId: A, mode: 'exclusive' })
        .outcome,
    ).toBe('lost');
  });

  it('exclusive waits for every older ticket, shared only for older exclusive ones', () => {
    const listing = parseTickets(keys, [
      ...ticket(A, 'shared', 1, 2),
      ...ticket(B, 'shared', 3, 4),
      ...ticket(C, 'exclusive', 5, 6),
    ]);
    expect(evaluateElection(listing, { lockId: B, mode: 'shared' }).outcome).toBe('acquired');
    const c = evaluateElection(listing, { lockId: C, mode: 'exclusive' });
    expect(c.outcome === 'wait' && c.blockers.map((t) => t.lockId)).toEqual([A, B]);
    const withOlderWriter = parseTickets(keys, [
      ...ticket(C, 'exclusive', 1, 2),
      ...ticket(B, 'shared', 3, 4),
    ]);
    const b = evaluateElection(withOlderWriter, { lockId: B, mode: 'shared' });
    expect(b.outcome === 'wait' && b.blockers.map((t) => t.lockId)).toEqual([C]);
  });

  it('ages by seq-1, or seq-0 while seq-1 is not listed; ties break by lock id', () => {
    // B wrote seq-0 before A's seq-1 but its seq-1 is not visible: B counts with its (older) seq-0
    const listing = parseTickets(keys, [...ticket(A, 'exclusive', 1, 10), ...ticket(B, 'exclusive', 5)]);
    expect(evaluateElection(listing, { lockId: A, mode: 'exclusive' }).outcome).toBe('wait');
    const tie = parseTickets(keys, [...ticket(A, 'exclusive', 1, 7), ...ticket(B, 'exclusive', 1, 7)]);
    expect(evaluateElection(tie, { lockId: A, mode: 'exclusive' }).outcome).toBe('acquired');
    expect(evaluateElection(tie, { lockId: B, mode: 'exclusive' }).outcome).toBe('wait');
  });

  it('a ticket with an unknown body counts as exclusive', () => {
    const odd = [
      { ...entry(A, 0, 'shared', 1), etag: 'ffff' },
      { ...entry(A, 1, 'shared', 2), etag: 'ffff' },
    ];
    const listing = parseTickets(keys, [...odd, ...ticket(B, 'shared', 3, 4)]);
    expect(listing.get(A)).toMatchObject({ mode: 'exclusive', recognised: false });
    expect(evaluateElection(listing, { lockId: B, mode: 'shared' }).outcome).toBe('wait');
  });

  it('ignores keys that are not tickets, old versions and delete markers', () => {
    const listing = parseTickets(keys, [
      ...ticket(A, 'exclusive', 1, 2),
      { ...entry(B, 0, 'exclusive', 0), isLatest: false },
      { ...entry(B, 1, 'exclusive', 0), isDeleteMarker: true },
      { key: 'job.lock.zzz-0', etag: MD5.exclusive, lastModified: new Date(0) },
      { key: 'job.lock.aaaaaaaaaaaaa-2', etag: MD5.exclusive, lastModified: new Date(0) },
      { key: 'jobx.lock.bbbbbbbbbbbbb-0', etag: MD5.exclusive, lastModified: new Date(0) },
    ]);
    expect([...listing.keys()]).toEqual([A]);
  });

  it('property: on any listing, exclusive winners exclude everyone else, and someone wins', () => {
    const idArb = fc.stringMatching(/^[0-9a-f]{13}$/);
    const ticketArb = fc.record({
      id: idArb,
      mode: fc.constantFrom<LockMode>('exclusive', 'shared'),
      t: fc.nat(5),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(ticketArb, { selector: (t) => t.id, minLength: 1, maxLength: 6 }),
        (list) => {
          const listing = parseTickets(
            keys,
            list.flatMap((t) => ticket(t.id, t.mode, t.t, t.t)),
          );
          const winners = list.filter(
            (t) => evaluateElection(listing, { lockId: t.id, mode: t.mode }).outcome === 'acquired',
          );
          expect(winners.length).toBeGreaterThan(0);
          if (winners.some((w) => w.mode === 'exclusive')) expect(winners).toHaveLength(1);
          // the oldest ticket always wins
          const oldest = [...listing.values()].reduce((a, b) => (isOlder(a, b) ? a : b)) as Ticket;
          expect(winners.map((w) => w.id)).toContain(oldest.lockId);
        },
      ),
      { numRuns: 500 },
    );
  });
});
