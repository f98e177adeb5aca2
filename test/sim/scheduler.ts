/**
 * The discrete-event scheduler behind virtual time, and the simulated processes that own events.
 *
 * Time is an integer count of microseconds ("true time", the simulation's own clock, which no
 * contender sees directly). The loop: let every pending microtask run (one `setImmediate` hop drains
 * the whole microtask queue), pop the earliest event, advance time to it, fire it. Nothing else
 * advances time, so a case runs as fast as its events can be processed and replays exactly.
 *
 * Every event has an owner: a `SimProcess` (a contender's timers and the responses to its
 * requests) or nobody (the store's servers, fault injection). A paused process's events are held
 * and fire, in their order, when it resumes (GC pause, SIGSTOP); a crashed process's never fire,
 * so its pending promises never settle (SIGKILL).
 *
 * @module
 */

/** Microseconds per millisecond. */
export const US = 1000;
/** Events at one instant beyond which a case counts as a livelock (time would never pass). */
const MAX_SAME_INSTANT = 20_000;

/** `response`: a response reaching its process (a stall may strike between it and what follows). */
export type EventKind = 'timer' | 'response';

interface SimEvent {
  atUs: number;
  seq: number;
  owner: SimProcess | undefined;
  kind: EventKind;
  fire: () => void;
  cancelled: boolean;
}

/** A handle to cancel a scheduled event. */
export interface EventHandle {
  cancel(): void;
}

/**
 * A contender's process: running, paused (events held) or crashed (events dropped). A stall is a
 * pause that strikes when the next response reaches the process: the response is in, the code that
 * acts on it has not run yet (a GC pause, a blocked event loop, a slow callback).
 */
export class SimProcess {
  readonly name: string;
  #state: 'running' | 'paused' | 'crashed' = 'running';
  readonly #held: (() => void)[] = [];
  readonly #scheduler: Scheduler;
  /** True time (µs) of the crash, if it crashed. */
  crashedAtUs: number | undefined;
  /** A stall waiting for the next response: how long it will last (decided when it strikes). */
  #stall: ((process: SimProcess) => void) | undefined;

  constructor(scheduler: Scheduler, name: string) {
    this.#scheduler = scheduler;
    this.name = name;
  }

  get state(): 'running' | 'paused' | 'crashed' {
    return this.#state;
  }

  /** Runs `fire` now, later (paused) or never (crashed). */
  deliver(fire: () => void, kind: EventKind = 'timer'): void {
    if (this.#state === 'running' && kind === 'response' && this.#stall) {
      const strike = this.#stall;
      this.#stall = undefined;
      this.#state = 'paused';
      this.#held.push(fire);
      strike(this);
      return;
    }
    if (this.#state === 'running') fire();
    else if (this.#state === 'paused') this.#held.push(fire);
  }

  /** Arms a stall: when the next response arrives, the process pauses before acting on it; `strike` schedules the resume. */
  stallAtNextResponse(strike: (process: SimProcess) => void): void {
    if (this.#state !== 'crashed') this.#stall = strike;
  }

  pause(): void {
    if (this.#state === 'running') this.#state = 'paused';
  }

  /** Fires the held events at the current instant, in the order they came due. */
  resume(): void {
    if (this.#state !== 'paused') return;
    this.#state = 'running';
    for (const fire of this.#held.splice(0)) this.#scheduler.after(0, this, fire);
  }

  crash(): void {
    if (this.#state === 'crashed') return;
    this.#state = 'crashed';
    this.#stall = undefined;
    this.crashedAtUs = this.#scheduler.nowUs;
    this.#held.length = 0;
  }
}

/** Thrown when a case exceeds its event budget (a livelock in the code under test or the harness). */
export class EventBudgetExceeded extends Error {}

/** Discrete-event scheduler over integer microseconds. */
export class Scheduler {
  nowUs = 0;
  /** Events fired so far. */
  fired = 0;
  #seq = 0;
  #sameInstant = 0;
  readonly #heap: SimEvent[] = [];
  /** Debugging aid: called with each event's owner before it fires. */
  onFire: ((owner: string | undefined) => void) | undefined;

  /** Current true time in (fractional) milliseconds. */
  get nowMs(): number {
    return this.nowUs / US;
  }

  /** Schedules `fire` at true time `atUs` (not before now). */
  at(atUs: number, owner: SimProcess | undefined, fire: () => void, kind: EventKind = 'timer'): EventHandle {
    const event: SimEvent = {
      atUs: Math.max(this.nowUs, Math.ceil(atUs)),
      seq: this.#seq++,
      owner,
      kind,
      fire,
      cancelled: false,
    };
    this.#push(event);
    return {
      cancel: () => {
        event.cancelled = true;
      },
    };
  }

  /** Schedules `fire` after `ms` milliseconds of true time. */
  after(ms: number, owner: SimProcess | undefined, fire: () => void, kind: EventKind = 'timer'): EventHandle {
    return this.at(this.nowUs + Math.max(0, ms) * US, owner, fire, kind);
  }

  /** Runs events until `done()` holds, time passes `untilUs`, or nothing is left. */
  async run(options: { untilUs: number; done?: () => boolean; maxEvents: number }): Promise<void> {
    const { untilUs, done, maxEvents } = options;
    for (;;) {
      await drainMicrotasks();
      if (done?.()) return;
      const next = this.#peek();
      if (next === undefined) return;
      if (next.atUs > untilUs) {
        this.nowUs = Math.max(this.nowUs, untilUs);
        return;
      }
      this.#pop();
      if (next.cancelled) continue;
      if (next.atUs === this.nowUs) {
        if (++this.#sameInstant > MAX_SAME_INSTANT) {
          throw new EventBudgetExceeded(
            `livelock: more than ${MAX_SAME_INSTANT} events without time passing`,
          );
        }
      } else {
        this.#sameInstant = 0;
      }
      this.nowUs = next.atUs;
      if (++this.fired > maxEvents) throw new EventBudgetExceeded(`more than ${maxEvents} events`);
      this.onFire?.(next.owner?.name);
      if (next.owner) next.owner.deliver(next.fire, next.kind);
      else next.fire();
    }
  }

  /** True when no live event is pending. */
  get idle(): boolean {
    return this.#peek() === undefined;
  }

  #peek(): SimEvent | undefined {
    while (this.#heap.length > 0 && (this.#heap[0] as SimEvent).cancelled) this.#pop();
    return this.#heap[0];
  }

  #push(event: SimEvent): void {
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as SimEvent, heap[parent] as SimEvent)) break;
      [heap[i], heap[parent]] = [heap[parent] as SimEvent, heap[i] as SimEvent];
      i = parent;
    }
  }

  #pop(): SimEvent | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l] as SimEvent, heap[m] as SimEvent)) m = l;
        if (r < heap.length && before(heap[r] as SimEvent, heap[m] as SimEvent)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as SimEvent, heap[i] as SimEvent];
        i = m;
      }
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq);
}

/** Lets every queued microtask (and the microtasks they queue) run. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
