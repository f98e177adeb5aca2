/**
 * A simulated, eventually consistent object store on virtual time: its state, its servers, and the
 * network between them and each client. Two front doors reach it, each a contender's own:
 * - `s3-dispatcher.ts`: an undici `Dispatcher` speaking the S3 REST protocol, under a real
 *   `S3Session` (its signing, retries and safety classification: the request path users run);
 * - `direct-view.ts`: an `ObjectStore` for B2-like stores (SHA-1 listing digests, no version
 *   listings), on the library's own retry loop (`withRetries`, `isRetryable`).
 *
 * What is modelled (each a parameter, see `StoreParams`):
 * - request latency (one way, random within bounds) and slow writes: LastModified is taken when
 *   the request reaches a front end, the write lands up to `writeMs` later;
 * - timestamp granularity (LastModified truncated to 1 ms or 1 s) and clock skew between front
 *   ends (each request is served by a random front end with a bounded clock offset);
 * - listing staleness: each page of a listing shows each key as it was `lag` ago, `lag` random
 *   within `staleMs` (one lag per page, monotonic per client or not, or one per key and page);
 *   unbounded staleness lets a page show a key arbitrarily long ago (or not at all);
 * - real pagination: a page holds at most `pageCap` entries (S3: 1000) and what the client asked
 *   for, continues after a marker (`startAfter`, a continuation token, key and version markers),
 *   and each page is its own request with its own staleness and faults;
 * - faults, per attempt, while the fault window is open: connection refused (nothing sent), 503
 *   (nothing applied), 409 `ConditionalRequestConflict` on create-only puts (nothing applied), lost
 *   response (applied; the client sees a socket error after sending), and late writes (the client
 *   sees a timeout; the write lands later, up to `landingMs` after it was sent, after the client
 *   could have read the key again);
 * - versioned and unversioned buckets, listing versions or objects, MD5 or SHA-1 listing digests,
 *   create-only puts atomic, racy (checked against a possibly stale view), ignored (accepted and
 *   not honoured: Ceph RGW 16 on versioned buckets) or not offered.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Prng } from './prng.js';
import { type Scheduler, type SimProcess, US } from './scheduler.js';
import { EPOCH_MS } from './virtual-runtime.js';

export interface StoreParams {
  /** How contenders reach the store: a real `S3Session` over the S3 protocol, or a direct (B2-like) view. */
  protocol: 's3' | 'direct';
  /** The bucket keeps versions (every PUT a new version, DELETE without version a delete marker). */
  versioned: boolean;
  /** What the lock core is told: list versions (true) or objects (false). An S3 session always lists versions. */
  listVersions: boolean;
  /** Digest listings report: MD5 (S3 ETag) or SHA-1 (B2 native). */
  digest: 'md5' | 'sha1';
  /**
   * `ifNoneMatch: '*'`: atomic, racy (checked against a possibly stale view), ignored (accepted and
   * not honoured; the client believes it), or not offered (the client knows: direct view only).
   */
  conditionalPut: 'atomic' | 'racy' | 'ignored' | 'none';
  /** LastModified granularity: 1 (Ceph lists ms) or 1000 (AWS, B2 list whole seconds). */
  granularityMs: number;
  /** Front-end clock offsets lie in [−skewMs, +skewMs]. */
  skewMs: number;
  frontEnds: number;
  /** One-way network latency bounds. */
  latencyMs: readonly [number, number];
  /** A write lands up to this long after its LastModified was taken. */
  writeMs: number;
  /** Listing staleness bound S. */
  staleMs: number;
  /** Probability that a page (snapshot modes) or a key of a page (perKey mode) is stale. */
  staleP: number;
  /**
   * `monotonic`: each page shows the store as of one past instant, never earlier than what the
   * same client was shown before (monotonic reads); `snapshot`: one past instant per page, which
   * may be earlier than the previous page's; `perKey`: each key as of its own past instant.
   */
  staleMode: 'monotonic' | 'snapshot' | 'perKey';
  /** Outside the assumptions: a key may show as it was arbitrarily long ago, or not at all. */
  unboundedP: number;
  /** How far back an unbounded lag reaches at most. @default 600 000 (ten minutes) */
  unboundedMaxMs?: number | undefined;
  /** Per attempt, while faults are on: 503 (not applied). */
  failP: number;
  /** Per attempt, while faults are on: applied (or served) but the response lost after sending. */
  lostP: number;
  /** Per attempt, while faults are on: the connection is refused (nothing sent). */
  refusedP: number;
  /** Per create-only PUT attempt, while faults are on: 409 ConditionalRequestConflict (not applied). */
  conflictP: number;
  /** Per write attempt (PUT, DELETE), while faults are on: the client times out, the write lands later. */
  lateP: number;
  /** A late write lands at most this long after it was sent (the stated landing bound). */
  landingMs: number;
  /** Attempts per call (the session's retry loop). */
  maxAttempts: number;
  /** Entries per listing page at most, whatever the client asks (S3: 1000). */
  pageCap: number;
}

/** The parameters new dimensions add, at their "off" values (cases recorded before they existed). */
export const LEGACY_STORE = Object.freeze({
  protocol: 'direct' as const,
  refusedP: 0,
  conflictP: 0,
  lateP: 0,
  landingMs: 0,
  pageCap: 1000,
});

export interface Version {
  versionId: string;
  body: string;
  metadata: Record<string, string>;
  etag: string;
  lastModifiedMs: number;
  isDeleteMarker: boolean;
}

interface Snapshot {
  atUs: number;
  versions: readonly Version[];
}

/** Everything that happened to one key, oldest first. */
interface KeyHistory {
  key: string;
  snaps: Snapshot[];
}

/** What a server made of a request that reached it. */
export type Served<T> =
  | { ok: T }
  | { status: 404; code: 'NoSuchKey' }
  | { status: 412; code: 'PreconditionFailed' };

/** What reaches the client of one attempt. */
export type Delivery<T> =
  | { kind: 'response'; served: Served<T> }
  | { kind: 'unavailable' } // 503 ServiceUnavailable
  | { kind: 'conflict' } // 409 ConditionalRequestConflict
  | { kind: 'socket'; sent: boolean } // connection refused (not sent), or reset after sending
  | { kind: 'timeout' }; // no answer in time (sent; may land later)

export type Fault = 'ok' | 'fail' | 'lost' | 'refused' | 'conflict' | 'late';

/** One request as the network sees it. */
export interface RequestInfo {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  key: string | undefined;
  createOnly: boolean;
}

/** One page of a listing, as the server cut it. */
export interface ListedPage {
  entries: { key: string; version: Version; isLatest: boolean }[];
  /** More entries follow (after the last one). */
  truncated: boolean;
}

/** A listing query: one page. */
export interface PageQuery {
  prefix: string;
  versions: boolean;
  /** Objects: only keys after this one. */
  startAfter?: string | undefined;
  /** Versions: continue after this key (and version, when given). */
  keyMarker?: string | undefined;
  versionIdMarker?: string | undefined;
  maxKeys: number;
}

/** The shared state of the store and its servers. */
export class SimStore {
  readonly params: StoreParams;
  readonly scheduler: Scheduler;
  readonly #prng: Prng;
  readonly #keys = new Map<string, KeyHistory>();
  /** All keys ever written, in S3 (byte) order. */
  readonly #sorted: string[] = [];
  readonly #frontEndOffsetsMs: number[];
  #versionCounter = 0;
  /** Faults (503s, lost responses, late writes, …) happen only while this is on. */
  faults = true;
  /** After the case: every call hangs, so stray work from a finished case cannot touch anything. */
  disposed = false;
  requests = 0;
  /** Turn objects of the conditional strategy deleted (collected). */
  turnDeletes = 0;

  constructor(scheduler: Scheduler, params: StoreParams, prng: Prng) {
    this.scheduler = scheduler;
    this.params = params;
    this.#prng = prng;
    this.#frontEndOffsetsMs = Array.from({ length: Math.max(1, params.frontEnds) }, () =>
      Math.round(prng.between(-params.skewMs, params.skewMs)),
    );
  }

  /** The true current state under `prefix` (every version, delete markers included), for checks. */
  allVersions(prefix: string): { key: string; versionId: string; isDeleteMarker: boolean }[] {
    const out = [];
    for (const key of this.#keysWithPrefix(prefix)) {
      for (const v of this.#current(key)) {
        out.push({ key, versionId: v.versionId, isDeleteMarker: v.isDeleteMarker });
      }
    }
    return out;
  }

  /** Keys whose latest version is an object (not a delete marker) under `prefix`, now. */
  liveKeys(prefix: string): string[] {
    return [...this.#keysWithPrefix(prefix)].filter((key) => this.latest(key) !== undefined);
  }

  // ---- the network -----------------------------------------------------------------------------

  /**
   * One attempt of a request from `process`: it travels to a front end (latency), is served there
   * (`serve` calls `respond` when the server is done), and what comes of it travels back to the
   * process (held while it is paused, dropped if it crashed) — unless a fault decides otherwise
   * (see the module). `deliver` runs on the client's side; `cancelled` says the client stopped
   * waiting (its signal aborted), in which case nothing is delivered, but what was sent still lands.
   */
  attempt<T>(
    process: SimProcess,
    request: RequestInfo,
    renewalFailP: number,
    serve: (respond: (served: Served<T>) => void) => void,
    deliver: (delivery: Delivery<T>) => void,
    cancelled: () => boolean,
  ): void {
    if (this.disposed) return;
    this.requests++;
    const fault = this.#fault(request, renewalFailP);
    const back = (delivery: Delivery<T>, afterUs = this.latencyUs()) => {
      this.scheduler.after(
        afterUs / US,
        process,
        () => {
          if (this.disposed || cancelled()) return;
          deliver(delivery);
        },
        'response',
      );
    };
    if (fault === 'refused') {
      back({ kind: 'socket', sent: false });
      return;
    }
    if (fault === 'late') {
      // the client gives up soon after sending; the request reaches a front end much later, after
      // the client could have read the key again, and is applied there; nobody hears its answer
      const [lo, hi] = this.params.latencyMs;
      const landingUs = Math.round(
        this.#prng.between(Math.max(4 * hi, this.params.landingMs / 2), this.params.landingMs) * US,
      );
      back({ kind: 'timeout' }, Math.round(this.#prng.between(lo, 2 * lo) * US));
      this.scheduler.after(landingUs / US, undefined, () => {
        if (!this.disposed) serve(() => {});
      });
      return;
    }
    this.scheduler.after(this.latencyUs() / US, undefined, () => {
      if (this.disposed) return;
      if (fault === 'fail') return back({ kind: 'unavailable' });
      if (fault === 'conflict') return back({ kind: 'conflict' });
      serve((served) =>
        back(fault === 'lost' ? { kind: 'socket', sent: true } : { kind: 'response', served }),
      );
    });
  }

  /** What an attempt runs into, decided when it is sent. */
  #fault(request: RequestInfo, renewalFailP: number): Fault {
    if (!this.faults) return 'ok';
    const { method, key, createOnly } = request;
    const renewal = method === 'PUT' && key?.includes('.lease.') === true && this.latest(key) !== undefined;
    if (renewal && this.#prng.chance(renewalFailP)) return 'fail';
    const p = this.params;
    const write = method === 'PUT' || method === 'DELETE';
    let r = this.#prng.next();
    for (const [fault, chance] of [
      ['fail', p.failP],
      ['lost', p.lostP],
      ['refused', p.refusedP],
      ['conflict', createOnly ? p.conflictP : 0],
      ['late', write ? p.lateP : 0],
    ] as const) {
      if (r < chance) return fault;
      r -= chance;
    }
    return 'ok';
  }

  latencyUs(): number {
    const [lo, hi] = this.params.latencyMs;
    return Math.round(this.#prng.between(lo, hi) * US);
  }

  // ---- the servers --------------------------------------------------------------------------------

  /** A PUT reaching a front end now: stamped now, landing up to `writeMs` later. */
  servePut(
    key: string,
    body: string,
    options: { createOnly: boolean; metadata: Record<string, string> },
    respond: (served: Served<Version>) => void,
  ): void {
    const stamp = this.#stampNow();
    const mode = this.params.conditionalPut;
    const checked = options.createOnly && (mode === 'atomic' || mode === 'racy');
    if (checked && mode === 'racy' && this.#existsForCondition(key, 'racy')) {
      respond({ status: 412, code: 'PreconditionFailed' });
      return;
    }
    this.scheduler.after(this.#writeDelayUs() / US, undefined, () => {
      if (checked && mode === 'atomic' && this.#existsForCondition(key, 'atomic')) {
        respond({ status: 412, code: 'PreconditionFailed' });
        return;
      }
      respond({ ok: this.#applyPut(key, body, stamp, options.metadata) });
    });
  }

  /** A DELETE reaching a front end now. */
  serveDelete(
    key: string,
    versionId: string | undefined,
    respond: (served: Served<undefined>) => void,
  ): void {
    const stamp = this.#stampNow();
    this.scheduler.after(this.#writeDelayUs() / US, undefined, () => {
      this.#applyDelete(key, versionId, stamp);
      respond({ ok: undefined });
    });
  }

  /** A HEAD or GET reaching a front end now (strongly consistent, as S3 is since 2020). */
  serveRead(key: string, respond: (served: Served<Version>) => void): void {
    const latest = this.latest(key);
    respond(latest ? { ok: latest } : { status: 404, code: 'NoSuchKey' });
  }

  /**
   * One page of a listing reaching a front end now for `observer`: each key as of now minus its
   * lag (see the module), in key order (versions of a key newest first), after the query's marker.
   */
  servePage(query: PageQuery, observer: { horizonUs: number }): ListedPage {
    const mode = this.params.staleMode;
    let snapshotUs = this.scheduler.nowUs - this.#lagUs();
    if (mode === 'monotonic') {
      snapshotUs = Math.max(snapshotUs, observer.horizonUs);
      observer.horizonUs = snapshotUs;
    }
    const limit = Math.max(1, Math.min(query.maxKeys, this.params.pageCap));
    const after = query.versions ? query.keyMarker : query.startAfter;
    const entries: ListedPage['entries'] = [];
    let from = lowerBound(this.#sorted, query.prefix);
    if (after !== undefined && after >= query.prefix) from = lowerBound(this.#sorted, after);
    for (let i = from; i < this.#sorted.length; i++) {
      const key = this.#sorted[i] as string;
      if (!key.startsWith(query.prefix)) break;
      if (after !== undefined && key < after) continue;
      const versions = this.#asOf(key, mode === 'perKey' ? this.scheduler.nowUs - this.#lagUs() : snapshotUs);
      if (versions.length === 0) continue;
      const listed: ListedPage['entries'] = [];
      if (query.versions) {
        // newest first within a key, as S3 lists them
        for (let j = versions.length - 1; j >= 0; j--) {
          listed.push({ key, version: versions[j] as Version, isLatest: j === versions.length - 1 });
        }
      } else {
        const latest = versions[versions.length - 1] as Version;
        if (!latest.isDeleteMarker) listed.push({ key, version: latest, isLatest: true });
      }
      for (const entry of listed) {
        if (key === after && !this.#afterMarker(entry.version, query)) continue;
        if (entries.length === limit) return { entries, truncated: true };
        entries.push(entry);
      }
    }
    return { entries, truncated: false };
  }

  /** Within the marker's key: is this version past the marker? (No version marker: the whole key was listed.) */
  #afterMarker(version: Version, query: PageQuery): boolean {
    if (!query.versions) return false;
    const marker = query.versionIdMarker;
    if (marker === undefined || marker === 'null') return false;
    // version ids grow with time, and versions are listed newest first: older ones follow
    return version.versionId < marker;
  }

  /** The ETag a body gets (MD5, or SHA-1 on a B2-like store). */
  etagOf(body: string): string {
    return createHash(this.params.digest === 'sha1' ? 'sha1' : 'md5')
      .update(body)
      .digest('hex');
  }

  /** Reads the current latest version (HEAD/GET are strongly consistent here). */
  latest(key: string): Version | undefined {
    const versions = this.#current(key);
    const latest = versions[versions.length - 1];
    return latest && !latest.isDeleteMarker ? latest : undefined;
  }

  // ---- state ----------------------------------------------------------------------------------

  /** The LastModified a front end stamps on a request arriving now. */
  #stampNow(): number {
    const { granularityMs } = this.params;
    const offset = this.#prng.pick(this.#frontEndOffsetsMs);
    const ms = EPOCH_MS + Math.floor(this.scheduler.nowMs + offset);
    return Math.floor(ms / granularityMs) * granularityMs;
  }

  /** How long after arrival a write lands. */
  #writeDelayUs(): number {
    return Math.round(this.#prng.between(0, this.params.writeMs) * US);
  }

  #newVersionId(): string {
    return this.params.versioned ? `v${String(++this.#versionCounter).padStart(8, '0')}` : 'null';
  }

  /** Versions of `key` now (true state). */
  #current(key: string): readonly Version[] {
    const snaps = this.#keys.get(key)?.snaps;
    return snaps?.[snaps.length - 1]?.versions ?? [];
  }

  /** Versions of `key` as of true time `atUs`. */
  #asOf(key: string, atUs: number): readonly Version[] {
    const snaps = this.#keys.get(key)?.snaps ?? [];
    for (let i = snaps.length - 1; i >= 0; i--) {
      const snap = snaps[i] as Snapshot;
      if (snap.atUs <= atUs) return snap.versions;
    }
    return [];
  }

  #record(key: string, versions: readonly Version[]): void {
    let history = this.#keys.get(key);
    if (!history) {
      history = { key, snaps: [] };
      this.#keys.set(key, history);
      const i = lowerBound(this.#sorted, key);
      this.#sorted.splice(i, 0, key);
    }
    // only what a listing can still be served from needs keeping: everything older than the
    // staleness bound but the newest snapshot before it (unbounded staleness keeps it all)
    if (this.params.unboundedP === 0 && history.snaps.length > 8) {
      const horizonUs = this.scheduler.nowUs - this.params.staleMs * US;
      let keep = history.snaps.length - 1;
      while (keep > 0 && (history.snaps[keep] as Snapshot).atUs > horizonUs) keep--;
      if (keep > 0) history.snaps.splice(0, keep);
    }
    history.snaps.push({ atUs: this.scheduler.nowUs, versions });
  }

  *#keysWithPrefix(prefix: string): Iterable<string> {
    for (let i = lowerBound(this.#sorted, prefix); i < this.#sorted.length; i++) {
      const key = this.#sorted[i] as string;
      if (!key.startsWith(prefix)) return;
      yield key;
    }
  }

  /** The lag with which one page (or one key of it) is served. */
  #lagUs(): number {
    const { staleMs, staleP, unboundedP } = this.params;
    if (this.#prng.chance(unboundedP)) {
      // arbitrarily old: up to ten minutes back, or so far back that the key does not exist yet
      return this.#prng.chance(0.5)
        ? Number.POSITIVE_INFINITY
        : this.#prng.between(staleMs, this.params.unboundedMaxMs ?? 600_000) * US;
    }
    return this.#prng.chance(staleP) ? Math.round(this.#prng.between(0, staleMs) * US) : 0;
  }

  /** Create-only check as the front end sees it: atomic (now) or racy (a possibly stale view). */
  #existsForCondition(key: string, mode: 'atomic' | 'racy'): boolean {
    const versions =
      mode === 'atomic' ? this.#current(key) : this.#asOf(key, this.scheduler.nowUs - this.#lagUs());
    const latest = versions[versions.length - 1];
    return latest !== undefined && !latest.isDeleteMarker;
  }

  #applyPut(key: string, body: string, lastModifiedMs: number, metadata: Record<string, string>): Version {
    const version: Version = {
      versionId: this.#newVersionId(),
      body,
      metadata: { ...metadata },
      etag: this.etagOf(body),
      lastModifiedMs,
      isDeleteMarker: false,
    };
    this.#record(key, this.params.versioned ? [...this.#current(key), version] : [version]);
    return version;
  }

  #applyDelete(key: string, versionId: string | undefined, lastModifiedMs: number): void {
    const current = this.#current(key);
    if (key.includes('.turn.') && current.length > 0) this.turnDeletes++;
    if (!this.params.versioned) {
      if (current.length > 0 && (versionId === undefined || versionId === 'null')) this.#record(key, []);
      return;
    }
    if (versionId === undefined) {
      const marker: Version = {
        versionId: this.#newVersionId(),
        body: '',
        metadata: {},
        etag: '',
        lastModifiedMs,
        isDeleteMarker: true,
      };
      this.#record(key, [...current, marker]);
      return;
    }
    if (current.some((v) => v.versionId === versionId)) {
      this.#record(
        key,
        current.filter((v) => v.versionId !== versionId),
      );
    }
  }
}

/** First index whose key is >= `key` (byte order equals UTF-16 order for the ASCII keys used here). */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
