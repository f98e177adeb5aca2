/**
 * Waiting for a turn: which earlier turns are still running, judged from listings (hints), HEADs
 * and GETs (consistent), and done markers' floors.
 *
 * The rule: an exclusive turn `n` enters once every turn below `n` is over; a shared turn once
 * every exclusive turn below it is over. A turn is known to be over when
 * - its done marker was listed or read (done markers are create-only and never change), or
 * - a done marker below or beside it says so through its `floor` (every turn below the floor was
 *   over when the marker was written), or
 * - a HEAD finds the turn gone: only turns that are over are collected, in ascending order, and
 *   only once older than the retention (longer than any listing's staleness), so every turn below a
 *   collected one is over too.
 *
 * A turn a listing does not show is unknown, never absent: every number below ours was created
 * before ours, so a HEAD decides. The waiter polls the lowest turns it waits for by GET of their
 * done marker, so a release is seen within one poll interval whatever the listings lag.
 *
 * @module
 */
import type { ObjectStore } from '../../store/types.js';
import type { LockKeys } from '../names.js';
import type { LockMode } from '../ticket.js';
import { headTurn, type ListedTurn, listQueue, readDone, type TurnInfo } from './turn-store.js';

/** A turn we wait for. */
export interface Blocker {
  turn: number;
  mode: LockMode;
  lastModified: Date;
}

const bounds = new WeakMap<ObjectStore, Map<string, number>>();

/** This process's knowledge for a name: every turn below the returned number is over. */
export function knownFloor(store: ObjectStore, keys: LockKeys): number {
  return bounds.get(store)?.get(keys.name) ?? 1;
}

/** Forgets what this process knew of `keys`'s turns (after a reset deleted them: see reset.ts). */
export function forgetFloor(store: ObjectStore, keys: LockKeys): void {
  bounds.get(store)?.delete(keys.name);
}

function rememberFloor(store: ObjectStore, keys: LockKeys, floor: number): void {
  let names = bounds.get(store);
  if (!names) {
    names = new Map();
    bounds.set(store, names);
  }
  if (floor > (names.get(keys.name) ?? 1)) names.set(keys.name, floor);
}

/** How many of the lowest blockers are read consistently at each poll. */
const CHECKED_PER_POLL = 4;

/** The state of one waiter: turn `turn` in `mode`. */
export class TurnQueue {
  readonly #store: ObjectStore;
  readonly #keys: LockKeys;
  readonly turn: number;
  readonly #mode: LockMode;
  /** Every turn below this is over. */
  #floor: number;
  readonly #over = new Set<number>();
  /** Turns known to exist (or to have existed), with their mode. */
  readonly #known = new Map<number, ListedTurn>();
  /** Facts of turns read by HEAD (lease owner), for breaking. */
  readonly #facts = new Map<number, TurnInfo>();

  constructor(store: ObjectStore, keys: LockKeys, turn: number, mode: LockMode) {
    this.#store = store;
    this.#keys = keys;
    this.turn = turn;
    this.#mode = mode;
    this.#floor = Math.min(knownFloor(store, keys), turn);
  }

  /** Every turn below this is over (for the floor of the done marker we write). */
  get floor(): number {
    return this.#floor;
  }

  /** Marks `turn` over, with what its done marker says of the turns below. */
  noteOver(turn: number, floor = 0): void {
    this.#over.add(turn);
    this.#raise(Math.min(floor, this.turn));
  }

  /** Records that every turn below `floor` is over. */
  #raise(floor: number): void {
    if (floor > this.#floor) this.#floor = Math.min(floor, this.turn);
    while (this.#floor < this.turn && this.#over.has(this.#floor)) this.#floor++;
    for (const t of this.#over) if (t < this.#floor) this.#over.delete(t);
    rememberFloor(this.#store, this.#keys, this.#floor);
  }

  /** The facts of a blocker (from a HEAD at this poll or an earlier one). */
  facts(turn: number): TurnInfo | undefined {
    return this.#facts.get(turn);
  }

  /**
   * One poll: the turns we still wait for, lowest first (empty: enter). `fast` tries the shortcut
   * first: the done marker of the turn just below ours, whose floor may cover everything.
   */
  async poll(signal: AbortSignal, fast = false): Promise<Blocker[]> {
    if (this.#floor >= this.turn) return [];
    if (fast) {
      const below = await readDone(this.#store, this.#keys, this.turn - 1, signal);
      if (below) this.noteOver(this.turn - 1, below.floor);
      if (this.#floor >= this.turn) return [];
    }
    const listed = await listQueue(this.#store, this.#keys, this.#floor, this.turn, signal);
    for (const [n, t] of listed.turns) this.#known.set(n, t);
    for (const n of listed.done.keys()) this.#over.add(n);
    this.#raise(this.#floor);
    await this.#resolveUnlisted(listed.turns, signal);
    // the lowest are read consistently, together: a listing may lag behind their release
    await Promise.all(
      this.#blockers()
        .slice(0, CHECKED_PER_POLL)
        .map(async (b) => {
          const done = await readDone(this.#store, this.#keys, b.turn, signal);
          if (done) {
            this.noteOver(b.turn, done.floor);
            return;
          }
          // a turn this listing shows, whose facts we have, needs no HEAD: it is only ever gone
          // once collected, which a later listing shows
          if (this.#facts.has(b.turn) && listed.turns.has(b.turn)) return;
          const facts = await headTurn(this.#store, this.#keys, b.turn, signal);
          if (!facts)
            this.noteOver(b.turn, b.turn + 1); // collected: it and everything below are over
          else this.#facts.set(b.turn, facts);
        }),
    );
    return this.#blockers();
  }

  /** Numbers between the floor and ours that the listing did not show: HEAD decides, from the top of each gap down. */
  async #resolveUnlisted(listed: ReadonlyMap<number, ListedTurn>, signal: AbortSignal): Promise<void> {
    for (let n = this.turn - 1; n >= this.#floor; n--) {
      if (listed.has(n) || this.#known.has(n) || this.#over.has(n)) continue;
      const facts = await headTurn(this.#store, this.#keys, n, signal);
      if (!facts) {
        this.noteOver(n, n + 1); // collected: it and everything below are over
        return;
      }
      this.#known.set(n, { mode: facts.mode, lastModified: facts.lastModified });
      this.#facts.set(n, facts);
    }
  }

  #blockers(): Blocker[] {
    const out: Blocker[] = [];
    for (let n = this.#floor; n < this.turn; n++) {
      if (n === 0 || this.#over.has(n)) continue;
      const t = this.#known.get(n);
      // unknown numbers were resolved above; one missing here was collected meanwhile
      const mode = t?.mode ?? 'exclusive';
      if (this.#mode === 'shared' && mode === 'shared') continue;
      out.push({ turn: n, mode, lastModified: t?.lastModified ?? new Date(0) });
    }
    return out;
  }
}
