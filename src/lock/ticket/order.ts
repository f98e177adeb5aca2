/**
 * The election, as a pure function over one parsed listing (the seed's `evaluate_election`).
 *
 * @module
 */
import { isComplete, isOlder, type LockMode, type Ticket } from '../ticket.js';

/** What one listing says about our chances. */
export type ElectionResult =
  | { outcome: 'acquired' }
  | { outcome: 'wait'; blockers: Ticket[] }
  | { outcome: 'lost'; reason: string };

/**
 * Decides from one listing: our own ticket must be complete (else `lost`); an exclusive contender
 * waits for every older ticket, a shared one only for older exclusive tickets; with nobody to wait
 * for, the listing says `acquired`. Age is the listing's own timestamp for everyone, ties broken by id.
 */
export function evaluateElection(
  tickets: ReadonlyMap<string, Ticket>,
  self: { lockId: string; mode: LockMode },
): ElectionResult {
  const own = tickets.get(self.lockId);
  if (!own) return { outcome: 'lost', reason: 'our ticket is not in the listing' };
  if (!isComplete(own))
    return { outcome: 'lost', reason: `ticket object seq-${own.seq0 ? 1 : 0} is missing` };
  const blockers: Ticket[] = [];
  for (const other of tickets.values()) {
    if (other.lockId === self.lockId) continue;
    if (self.mode === 'shared' && other.mode === 'shared') continue;
    if (isOlder(other, own)) blockers.push(other);
  }
  if (blockers.length > 0) {
    blockers.sort((a, b) => (isOlder(a, b) ? -1 : 1));
    return { outcome: 'wait', blockers };
  }
  return { outcome: 'acquired' };
}
