/**
 * Tickets as read from one listing: which contenders exist, in which mode, and how old they are.
 * Pure functions; the listing itself is fetched elsewhere.
 *
 * @module
 */
import type { ListedVersion } from '../store/types.js';
import { type LockKeys, parseTicketSuffix, type TicketSeq } from './names.js';

/** Exclusive tickets exclude everyone; shared tickets exclude only exclusive ones. */
export type LockMode = 'exclusive' | 'shared';

/** Ticket bodies, as Python s3func writes them. */
export const TICKET_BODY: Readonly<Record<LockMode, string>> = { exclusive: '1', shared: '0' };

/**
 * Digests of the two ticket bodies as listings report them: S3 lists the MD5 as the ETag, B2's
 * native API the SHA-1. Any other digest means a ticket written by something else: it is treated
 * as exclusive, the conservative reading.
 */
const MODE_BY_DIGEST: ReadonlyMap<string, LockMode> = new Map([
  ['c4ca4238a0b923820dcc509a6f75849b', 'exclusive'], // md5("1")
  ['cfcd208495d565ef66e7dff9f98764da', 'shared'], // md5("0")
  ['356a192b7913b04c54574d18c28d46e6395428ab', 'exclusive'], // sha1("1")
  ['b6589fc6ab0dc82cf12099d1c2d40ab994e8410c', 'shared'], // sha1("0")
]);

/** The mode a listed digest stands for; `undefined` for a body that is not a ticket body. */
export function modeOfDigest(etag: string): LockMode | undefined {
  return MODE_BY_DIGEST.get(etag.toLowerCase());
}

/** One of a ticket's two objects, as listed. */
export interface TicketObject {
  key: string;
  seq: TicketSeq;
  /** Version id as listed ('null' on unversioned S3 buckets); undefined where listings carry none. */
  versionId: string | undefined;
  etag: string;
  /** Listing timestamp, in epoch milliseconds. */
  timestampMs: number;
}

/** A contender's ticket, as far as one listing shows it. */
export interface Ticket {
  lockId: string;
  mode: LockMode;
  /** False when the listing shows a digest that is not a ticket body (treated as exclusive). */
  recognised: boolean;
  seq0: TicketObject | undefined;
  seq1: TicketObject | undefined;
  /** The age that orders tickets: seq-1's timestamp, or seq-0's while seq-1 is not visible. */
  timestampMs: number;
}

/** True when both objects of the ticket are visible. */
export function isComplete(ticket: Ticket | undefined): boolean {
  return ticket?.seq0 !== undefined && ticket.seq1 !== undefined;
}

/** One entry of a listing under the ticket prefix (from a versions listing or a plain listing). */
export type ListingEntry = Pick<ListedVersion, 'key' | 'etag' | 'lastModified'> & {
  versionId?: string | undefined;
  isLatest?: boolean | undefined;
  isDeleteMarker?: boolean | undefined;
};

/**
 * Groups a listing under `{name}.lock.` into tickets. Only the latest version of each key counts;
 * delete markers and keys that are not `{lockId}-{0|1}` are ignored.
 */
export function parseTickets(keys: LockKeys, entries: Iterable<ListingEntry>): Map<string, Ticket> {
  const tickets = new Map<string, Ticket>();
  for (const entry of entries) {
    if (entry.isLatest === false || entry.isDeleteMarker === true) continue;
    if (!entry.key.startsWith(keys.ticketPrefix)) continue;
    const parsed = parseTicketSuffix(entry.key.slice(keys.ticketPrefix.length));
    if (!parsed) continue;
    const object: TicketObject = {
      key: entry.key,
      seq: parsed.seq,
      versionId: entry.versionId,
      etag: entry.etag,
      timestampMs: entry.lastModified.getTime(),
    };
    let ticket = tickets.get(parsed.lockId);
    if (!ticket) {
      ticket = {
        lockId: parsed.lockId,
        mode: 'exclusive',
        recognised: true,
        seq0: undefined,
        seq1: undefined,
        timestampMs: 0,
      };
      tickets.set(parsed.lockId, ticket);
    }
    if (parsed.seq === 0) ticket.seq0 = object;
    else ticket.seq1 = object;
  }
  for (const ticket of tickets.values()) settle(ticket);
  return tickets;
}

function settle(ticket: Ticket): void {
  const ordering = ticket.seq1 ?? ticket.seq0;
  ticket.timestampMs = ordering?.timestampMs ?? 0;
  const modes = [ticket.seq0, ticket.seq1].filter((o) => o !== undefined).map((o) => modeOfDigest(o.etag));
  ticket.recognised = modes.every((m) => m !== undefined);
  ticket.mode = modes.length > 0 && modes.every((m) => m === 'shared') ? 'shared' : 'exclusive';
}

/** True when ticket `a` is older than ticket `b`: earlier timestamp, ties broken by lexicographic lock id. */
export function isOlder(
  a: Pick<Ticket, 'timestampMs' | 'lockId'>,
  b: Pick<Ticket, 'timestampMs' | 'lockId'>,
): boolean {
  return a.timestampMs === b.timestampMs ? a.lockId < b.lockId : a.timestampMs < b.timestampMs;
}

/** Every listed object of the tickets, for deletion. */
export function ticketObjects(ticket: Ticket): TicketObject[] {
  return [ticket.seq1, ticket.seq0].filter((o): o is TicketObject => o !== undefined);
}

/**
 * What our own seq-1 must look like in a listing for that listing to reflect our last write of it.
 * A retried write can land twice (the first attempt's answer was lost), and the ticket's age is its
 * timestamp: a listing taken between the two landings shows an age the store no longer has, and on
 * listings that are consistent snapshots of any age two contenders could then order themselves
 * differently (finding T4 of issue 14).
 */
export interface TicketPin {
  /** The version our last write created (stores that keep versions). */
  versionId?: string | undefined;
  /** Our last write's timestamp, at the store's whole-second precision or finer (stores that keep none). */
  notBeforeMs?: number | undefined;
}

/** True when the ticket's seq-1 is listed in the state `pin` describes (always, without a pin). */
export function matchesPin(ticket: Ticket | undefined, pin: TicketPin | undefined): boolean {
  if (pin === undefined) return true;
  const seq1 = ticket?.seq1;
  if (seq1 === undefined) return false;
  if (pin.versionId !== undefined && seq1.versionId !== pin.versionId) return false;
  return pin.notBeforeMs === undefined || seq1.timestampMs >= pin.notBeforeMs;
}
