// Teeth, self-visibility disabled: the gate (awaitOwnTicket) returns its first listing whatever it
// shows, and the election decides on listings that do not show our own ticket, counting ours as the
// youngest (the mock of evaluateElection below). The store serves listings that are consistent
// snapshots of arbitrarily old moments, with no timestamp ties. A snapshot from before our write
// can miss an older holder, so safety (property 1) fails; the real lock refuses such listings and
// stays safe in the same configuration (safety.test.ts, "consistent snapshots of any age").
import { afterAll, describe, expect, it, vi } from 'vitest';
import { configArb } from './arbitraries.js';
import { checkSafety } from './checks.js';
import { findCounterexample, saveStats } from './harness.js';
import { SNAPSHOTS_OF_ANY_AGE } from './shapes.js';

vi.mock('../../src/lock/ticket/gate.js', async () => {
  const { listTickets } = await import('../../src/lock/lock-store.js');
  return {
    awaitOwnTicket: (
      store: Parameters<typeof listTickets>[0],
      keys: Parameters<typeof listTickets>[1],
      _lockId: string,
      options: { signal: AbortSignal },
    ) => listTickets(store, keys, options.signal),
  };
});

vi.mock('../../src/lock/ticket/order.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lock/ticket/order.js')>();
  const { isComplete } = await import('../../src/lock/ticket.js');
  type Tickets = Parameters<typeof original.evaluateElection>[0];
  return {
    evaluateElection: (tickets: Tickets, self: Parameters<typeof original.evaluateElection>[1]) => {
      if (isComplete(tickets.get(self.lockId))) return original.evaluateElection(tickets, self);
      const withOwn = new Map(tickets);
      const object = {
        key: '',
        seq: 1 as const,
        versionId: undefined,
        etag: '',
        timestampMs: Number.POSITIVE_INFINITY,
      };
      withOwn.set(self.lockId, {
        lockId: self.lockId,
        mode: self.mode,
        recognised: true,
        seq0: { ...object, seq: 0 },
        seq1: object,
        timestampMs: Number.POSITIVE_INFINITY,
      });
      return original.evaluateElection(withOwn, self);
    },
  };
});

afterAll(() => saveStats('7-mutant-gate'));

describe('mutant: self-visibility disabled', () => {
  it('breaks safety on listings that are consistent snapshots of arbitrarily old moments', async () => {
    const { failed, report } = await findCounterexample(configArb(SNAPSHOTS_OF_ANY_AGE), checkSafety, {
      numRuns: 2000,
      shrinkTimeLimitMs: Number(process.env.SIM_SHRINK_MS ?? 8_000),
    });
    console.log(`[mutant self-visibility-disabled] ${report}`);
    expect(failed, 'self-visibility disabled: no counterexample found').toBe(true);
  });
});
