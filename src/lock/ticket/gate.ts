/**
 * The self-visibility gate: list until our own ticket is complete in the listing. A listing that
 * cannot show our own completed writes cannot be trusted to show anyone else's.
 *
 * @module
 */
import { TicketLostError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { listTickets } from '../lock-store.js';
import type { LockKeys } from '../names.js';
import type { LockRuntime } from '../runtime.js';
import { isComplete, matchesPin, type Ticket, type TicketPin } from '../ticket.js';

/** First re-list after a miss; doubles up to the poll interval. */
const FIRST_GATE_DELAY_MS = 50;

/**
 * Resolves with the first listing that shows both objects of `lockId` (the election runs on it);
 * rejects with `TicketLostError` after `timeoutMs`.
 */
export async function awaitOwnTicket(
  store: ObjectStore,
  keys: LockKeys,
  lockId: string,
  options: {
    runtime: LockRuntime;
    timeoutMs: number;
    pollIntervalMs: number;
    /** Our seq-1's last write: a listing must show it (see `TicketPin`). */
    pin?: TicketPin | undefined;
    signal: AbortSignal;
  },
): Promise<Map<string, Ticket>> {
  const { runtime, timeoutMs, pollIntervalMs, signal } = options;
  const until = runtime.now() + timeoutMs;
  for (
    let delay = Math.min(FIRST_GATE_DELAY_MS, pollIntervalMs);
    ;
    delay = Math.min(delay * 2, pollIntervalMs)
  ) {
    const tickets = await listTickets(store, keys, signal);
    const own = tickets.get(lockId);
    if (isComplete(own) && matchesPin(own, options.pin)) return tickets;
    if (runtime.now() >= until) {
      throw new TicketLostError(
        keys.name,
        lockId,
        `our ticket did not become visible within ${timeoutMs} ms`,
      );
    }
    await runtime.sleep(delay, signal);
  }
}
