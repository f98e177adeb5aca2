/**
 * A contender that follows Python s3func 0.9.x's rules (docs/protocol.md, "the seed's rules"):
 * write the ticket (seq-0, then seq-1), wait until both are listed (gate), elect on each listing
 * (exclusive waits for every older ticket, shared for older exclusive ones, ties by lock id, age =
 * seq-1's timestamp or seq-0's while seq-1 is unlisted), confirm a win with a second listing after
 * the settle delay, hold without any lease, release by deleting the ticket's exact versions.
 *
 * This is a peer's behaviour, re-implemented here on purpose: the TypeScript lock core must stay
 * safe next to it, so the simulation must not borrow the core's own code for it.
 *
 * @module
 */
import type { ObjectStore } from '../../src/store/types.js';
import type { VirtualRuntime } from './virtual-runtime.js';

const MODE_OF_ETAG: Record<string, 'exclusive' | 'shared'> = {
  c4ca4238a0b923820dcc509a6f75849b: 'exclusive',
  cfcd208495d565ef66e7dff9f98764da: 'shared',
  '356a192b7913b04c54574d18c28d46e6395428ab': 'exclusive',
  b6589fc6ab0dc82cf12099d1c2d40ab994e8410c: 'shared',
};

interface PyTicket {
  id: string;
  mode: 'exclusive' | 'shared';
  seq0: number | undefined;
  seq1: number | undefined;
}

export interface PythonLockOptions {
  settleDelayMs: number;
  pollIntervalMs: number;
  gateTimeoutMs: number;
}

export class PythonRuleLock {
  readonly #store: ObjectStore;
  readonly #runtime: VirtualRuntime;
  readonly #name: string;
  readonly #mode: 'exclusive' | 'shared';
  readonly #options: PythonLockOptions;
  readonly lockId: string;
  #versions: { key: string; versionId: string | undefined }[] = [];

  constructor(
    store: ObjectStore,
    runtime: VirtualRuntime,
    name: string,
    mode: 'exclusive' | 'shared',
    lockId: string,
    options: PythonLockOptions,
  ) {
    this.#store = store;
    this.#runtime = runtime;
    this.#name = name;
    this.#mode = mode;
    this.lockId = lockId;
    this.#options = options;
  }

  get #prefix(): string {
    return `${this.#name}.lock.`;
  }

  /** True when won; false on contention (non-blocking) or timeout; throws on failures. */
  async acquire(blocking: boolean, timeoutMs: number | undefined): Promise<boolean> {
    const rt = this.#runtime;
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : rt.now() + timeoutMs;
    const body = this.#mode === 'exclusive' ? '1' : '0';
    try {
      for (const seq of [0, 1]) {
        const key = `${this.#prefix}${this.lockId}-${seq}`;
        this.#versions.push({ key, versionId: undefined });
        const put = await this.#store.putObject(key, body);
        this.#versions.push({ key, versionId: put.versionId });
      }
      const gateUntil = rt.now() + this.#options.gateTimeoutMs;
      for (let delay = 50; ; delay = Math.min(delay * 2, this.#options.pollIntervalMs)) {
        const own = (await this.#list()).get(this.lockId);
        if (own?.seq0 !== undefined && own.seq1 !== undefined) break;
        if (rt.now() >= gateUntil) throw new Error('python: own ticket never became visible');
        await rt.sleep(delay);
      }
      let provisional = false;
      for (;;) {
        const tickets = await this.#list();
        const own = tickets.get(this.lockId);
        if (own?.seq0 === undefined || own.seq1 === undefined) throw new Error('python: ticket lost');
        const ownAge = own.seq1;
        let blocked = false;
        for (const t of tickets.values()) {
          if (t.id === this.lockId) continue;
          if (this.#mode === 'shared' && t.mode === 'shared') continue;
          const age = t.seq1 ?? (t.seq0 as number);
          if (age < ownAge || (age === ownAge && t.id < this.lockId)) blocked = true;
        }
        if (!blocked) {
          if (provisional) return true;
          provisional = true;
          await rt.sleep(this.#options.settleDelayMs);
          continue;
        }
        provisional = false;
        if (!blocking || rt.now() >= deadline) {
          await this.release();
          return false;
        }
        await rt.sleep(Math.min(this.#options.pollIntervalMs, Math.max(0, deadline - rt.now())));
      }
    } catch (error) {
      await this.release().catch(() => {});
      throw error;
    }
  }

  /** Deletes every version of our two ticket objects (listed ones and the ones our PUTs returned). */
  async release(): Promise<void> {
    const targets = new Map<string, { key: string; versionId: string | undefined }>();
    for (const v of this.#versions) targets.set(`${v.key} ${v.versionId}`, v);
    if (this.#store.capabilities.listVersions) {
      for await (const v of this.#store.listObjectVersions({ prefix: `${this.#prefix}${this.lockId}-` })) {
        if (!v.isDeleteMarker) targets.set(`${v.key} ${v.versionId}`, { key: v.key, versionId: v.versionId });
      }
    }
    // a key whose version we know is deleted by version; by key only when no version is known
    const known = new Set([...targets.values()].filter((t) => t.versionId !== undefined).map((t) => t.key));
    for (const t of targets.values()) {
      if (t.versionId === undefined && known.has(t.key)) continue;
      await this.#store.deleteObject(t.key, t.versionId === undefined ? {} : { versionId: t.versionId });
    }
    this.#versions = [];
  }

  async #list(): Promise<Map<string, PyTicket>> {
    const tickets = new Map<string, PyTicket>();
    const entries: { key: string; etag: string; lastModified: Date }[] = [];
    if (this.#store.capabilities.listVersions) {
      for await (const v of this.#store.listObjectVersions({ prefix: this.#prefix })) {
        if (v.isLatest && !v.isDeleteMarker) entries.push(v);
      }
    } else {
      for await (const o of this.#store.listObjects({ prefix: this.#prefix })) entries.push(o);
    }
    for (const e of entries) {
      const match = /^([0-9a-f]{13})-([01])$/.exec(e.key.slice(this.#prefix.length));
      if (!match) continue;
      const id = match[1] as string;
      let t = tickets.get(id);
      if (!t) {
        t = { id, mode: 'shared', seq0: undefined, seq1: undefined };
        tickets.set(id, t);
      }
      if (MODE_OF_ETAG[e.etag] !== 'shared') t.mode = 'exclusive';
      if (match[2] === '0') t.seq0 = e.lastModified.getTime();
      else t.seq1 = e.lastModified.getTime();
    }
    return tickets;
  }
}
