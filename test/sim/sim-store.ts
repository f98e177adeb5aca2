/**
 * A simulated, eventually consistent object store on virtual time, and one `ObjectStore` view of
 * it per contender.
 *
 * What is modelled (each a parameter, see `StoreParams`):
 * - request latency (one way, random within bounds) and slow writes: LastModified is taken when
 *   the request reaches a front end, the write lands up to `writeMs` later;
 * - timestamp granularity (LastModified truncated to 1 ms or 1 s) and clock skew between front
 *   ends (each request is served by a random front end with a bounded clock offset);
 * - listing staleness: a listing shows each key as it was `lag` ago, `lag` random within `staleMs`
 *   (one lag per listing, monotonic per client or not, or one per key and listing); unbounded
 *   staleness lets a listing show a key arbitrarily long ago (or not at all), however old the write;
 * - faults, per attempt: 503 (nothing applied), lost response (applied, the client sees a
 *   retryable `NetworkError` with `sent: true`); the view retries like a session does, up to
 *   `maxAttempts`, so an idempotent PUT can land twice (two versions on a versioned store) and a
 *   create-only PUT can land and then fail with 412;
 * - versioned and unversioned buckets, listing versions or objects, MD5 or SHA-1 listing digests,
 *   create-only PUTs atomic, racy (checked against a possibly stale view) or not supported.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { NetworkError, PreconditionFailedError, S3Error } from '../../src/errors.js';
import type {
  DeleteObjectOptions,
  GetObjectOptions,
  ListedObject,
  ListedVersion,
  ListObjectsOptions,
  ListVersionsOptions,
  ObjectInfo,
  ObjectResponse,
  ObjectStore,
  PutObjectOptions,
  PutObjectResult,
  StoreCapabilities,
} from '../../src/store/types.js';
import type { Prng } from './prng.js';
import { type Scheduler, type SimProcess, US } from './scheduler.js';
import { EPOCH_MS } from './virtual-runtime.js';

export interface StoreParams {
  /** The bucket keeps versions (every PUT a new version, DELETE without version a delete marker). */
  versioned: boolean;
  /** What the lock core is told: list versions (true) or objects (false). */
  listVersions: boolean;
  /** Digest listings report: MD5 (S3 ETag) or SHA-1 (B2 native). */
  digest: 'md5' | 'sha1';
  /** `ifNoneMatch: '*'`: atomic, racy (checked against a possibly stale view), or not offered. */
  conditionalPut: 'atomic' | 'racy' | 'none';
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
  /** Probability that a listing (snapshot modes) or a key of a listing (perKey mode) is stale. */
  staleP: number;
  /**
   * `monotonic`: each listing shows the store as of one past instant, never earlier than what the
   * same client was shown before (monotonic reads); `snapshot`: one past instant per listing, which
   * may be earlier than the previous listing's; `perKey`: each key as of its own past instant.
   */
  staleMode: 'monotonic' | 'snapshot' | 'perKey';
  /** Outside the assumptions: a key may show as it was arbitrarily long ago, or not at all. */
  unboundedP: number;
  /** Per attempt, while faults are on: 503 (not applied). */
  failP: number;
  /** Per attempt, while faults are on: write applied (or read served) but the response lost. */
  lostP: number;
  /** Attempts per call (the session's retry loop). */
  maxAttempts: number;
}

interface Version {
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

type Outcome<T> = { ok: T } | { error: Error };
type Listing = { key: string; versions: readonly Version[] }[];

const NEVER = new Promise<never>(() => {});

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
  /** Faults (503, lost responses) happen only while this is on. */
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

  /**
   * A contender's view: an `ObjectStore` whose responses belong to `process`. `renewalFailP` adds
   * 503s for this client's lease renewals only (writes of lease objects that exist), while faults are on.
   */
  view(process: SimProcess, renewalFailP = 0): ObjectStore {
    return new SimStoreView(this, process, renewalFailP);
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

  // ---- server side ----------------------------------------------------------------------------

  /** The LastModified a front end stamps on a request arriving now. */
  stampNow(): number {
    const { granularityMs } = this.params;
    const offset = this.#prng.pick(this.#frontEndOffsetsMs);
    const ms = EPOCH_MS + Math.floor(this.scheduler.nowMs + offset);
    return Math.floor(ms / granularityMs) * granularityMs;
  }

  /** How long after arrival a write lands. */
  writeDelayUs(): number {
    return Math.round(this.#prng.between(0, this.params.writeMs) * US);
  }

  latencyUs(): number {
    const [lo, hi] = this.params.latencyMs;
    return Math.round(this.#prng.between(lo, hi) * US);
  }

  /** What an attempt runs into, decided when it is sent. */
  fault(method: string, key: string | undefined, renewalFailP: number): 'ok' | 'fail' | 'lost' {
    if (!this.faults) return 'ok';
    const renewal = method === 'PUT' && key?.includes('.lease.') === true && this.latest(key) !== undefined;
    if (renewal && this.#prng.chance(renewalFailP)) return 'fail';
    const r = this.#prng.next();
    if (r < this.params.failP) return 'fail';
    if (r < this.params.failP + this.params.lostP) return 'lost';
    return 'ok';
  }

  backoffMs(attempt: number): number {
    return this.#prng.between(5, 20) * 2 ** attempt;
  }

  newVersionId(): string {
    return this.params.versioned ? `v${String(++this.#versionCounter).padStart(8, '0')}` : 'null';
  }

  etagOf(body: string): string {
    return createHash(this.params.digest === 'sha1' ? 'sha1' : 'md5')
      .update(body)
      .digest('hex');
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
    history.snaps.push({ atUs: this.scheduler.nowUs, versions });
  }

  *#keysWithPrefix(prefix: string): Iterable<string> {
    for (let i = lowerBound(this.#sorted, prefix); i < this.#sorted.length; i++) {
      const key = this.#sorted[i] as string;
      if (!key.startsWith(prefix)) return;
      yield key;
    }
  }

  /** The lag with which one listing (or one key of it) is served. */
  #lagUs(): number {
    const { staleMs, staleP, unboundedP } = this.params;
    if (this.#prng.chance(unboundedP)) {
      // arbitrarily old: up to ten minutes back, or so far back that the key does not exist yet
      return this.#prng.chance(0.5) ? Number.POSITIVE_INFINITY : this.#prng.between(staleMs, 600_000) * US;
    }
    return this.#prng.chance(staleP) ? Math.round(this.#prng.between(0, staleMs) * US) : 0;
  }

  /** Serves a listing arriving now for `observer`: each key as of now minus its lag, in key order. */
  serveListing(prefix: string, observer: { horizonUs: number }): Listing {
    const mode = this.params.staleMode;
    let snapshotUs = this.scheduler.nowUs - this.#lagUs();
    if (mode === 'monotonic') {
      snapshotUs = Math.max(snapshotUs, observer.horizonUs);
      observer.horizonUs = snapshotUs;
    }
    const out = [];
    for (const key of this.#keysWithPrefix(prefix)) {
      const versions = this.#asOf(key, mode === 'perKey' ? this.scheduler.nowUs - this.#lagUs() : snapshotUs);
      if (versions.length > 0) out.push({ key, versions });
    }
    return out;
  }

  /** Create-only check as the front end sees it: atomic (now) or racy (a possibly stale view). */
  existsForCondition(key: string, mode: 'atomic' | 'racy'): boolean {
    const versions =
      mode === 'atomic' ? this.#current(key) : this.#asOf(key, this.scheduler.nowUs - this.#lagUs());
    const latest = versions[versions.length - 1];
    return latest !== undefined && !latest.isDeleteMarker;
  }

  /** Applies a PUT now. */
  applyPut(
    key: string,
    body: string,
    lastModifiedMs: number,
    metadata: Record<string, string> = {},
  ): Version {
    const version: Version = {
      versionId: this.newVersionId(),
      body,
      metadata,
      etag: this.etagOf(body),
      lastModifiedMs,
      isDeleteMarker: false,
    };
    this.#record(key, this.params.versioned ? [...this.#current(key), version] : [version]);
    return version;
  }

  /** Applies a DELETE now. */
  applyDelete(key: string, versionId: string | undefined, lastModifiedMs: number): void {
    const current = this.#current(key);
    if (key.includes('.turn.') && current.length > 0) this.turnDeletes++;
    if (!this.params.versioned) {
      if (current.length > 0 && (versionId === undefined || versionId === 'null')) this.#record(key, []);
      return;
    }
    if (versionId === undefined) {
      const marker: Version = {
        versionId: this.newVersionId(),
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

  /** Reads the current latest version (HEAD/GET are strongly consistent here). */
  latest(key: string): Version | undefined {
    const versions = this.#current(key);
    const latest = versions[versions.length - 1];
    return latest && !latest.isDeleteMarker ? latest : undefined;
  }
}

/** One contender's `ObjectStore`: requests go to the shared servers, responses come back to its process. */
class SimStoreView implements ObjectStore {
  readonly capabilities: StoreCapabilities;
  readonly #store: SimStore;
  readonly #process: SimProcess;
  /** What this client was last shown (monotonic reads). */
  readonly #observer = { horizonUs: Number.NEGATIVE_INFINITY };
  readonly #renewalFailP: number;

  constructor(store: SimStore, process: SimProcess, renewalFailP: number) {
    this.#store = store;
    this.#process = process;
    this.#renewalFailP = renewalFailP;
    const { listVersions, digest, conditionalPut } = store.params;
    this.capabilities = { listVersions, listingDigest: digest, conditionalPut: conditionalPut !== 'none' };
  }

  putObject(
    key: string,
    body: string | Uint8Array,
    options: PutObjectOptions = {},
  ): Promise<PutObjectResult> {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const store = this.#store;
    const createOnly = options.ifNoneMatch === '*' && store.params.conditionalPut !== 'none';
    return this.#call('PUT', key, options.signal, (respond) => {
      const stamp = store.stampNow();
      const mode = store.params.conditionalPut === 'racy' ? 'racy' : 'atomic';
      if (createOnly && mode === 'racy' && store.existsForCondition(key, 'racy')) {
        respond({ error: new PreconditionFailedError({ status: 412, method: 'PUT', key }) });
        return;
      }
      store.scheduler.after(store.writeDelayUs() / US, undefined, () => {
        if (createOnly && mode === 'atomic' && store.existsForCondition(key, 'atomic')) {
          respond({ error: new PreconditionFailedError({ status: 412, method: 'PUT', key }) });
          return;
        }
        const version = store.applyPut(key, text, stamp, { ...options.metadata });
        respond({
          ok: {
            etag: version.etag,
            versionId: store.params.versioned ? version.versionId : undefined,
          },
        });
      });
    });
  }

  deleteObject(key: string, options: DeleteObjectOptions = {}): Promise<void> {
    const store = this.#store;
    return this.#call('DELETE', key, options.signal, (respond) => {
      const stamp = store.stampNow();
      store.scheduler.after(store.writeDelayUs() / US, undefined, () => {
        store.applyDelete(key, options.versionId, stamp);
        respond({ ok: undefined });
      });
    });
  }

  async *listObjects(options: ListObjectsOptions = {}): AsyncIterable<ListedObject> {
    const prefix = options.prefix ?? '';
    const listing = await this.#call<Listing>('GET', undefined, options.signal, (respond) =>
      respond({ ok: this.#store.serveListing(prefix, this.#observer) }),
    );
    for (const { key, versions } of listing) {
      const latest = versions[versions.length - 1];
      if (!latest || latest.isDeleteMarker) continue;
      yield {
        key,
        size: latest.body.length,
        etag: latest.etag,
        lastModified: new Date(latest.lastModifiedMs),
      };
    }
  }

  async *listObjectVersions(options: ListVersionsOptions = {}): AsyncIterable<ListedVersion> {
    const prefix = options.prefix ?? '';
    const listing = await this.#call<Listing>('GET', undefined, options.signal, (respond) =>
      respond({ ok: this.#store.serveListing(prefix, this.#observer) }),
    );
    for (const { key, versions } of listing) {
      // newest first within a key, as S3 lists them
      for (let i = versions.length - 1; i >= 0; i--) {
        const v = versions[i] as Version;
        yield {
          key,
          versionId: v.versionId,
          isLatest: i === versions.length - 1,
          isDeleteMarker: v.isDeleteMarker,
          size: v.body.length,
          etag: v.etag,
          lastModified: new Date(v.lastModifiedMs),
        };
      }
    }
  }

  async headObject(key: string, options: GetObjectOptions = {}): Promise<ObjectInfo> {
    const version = await this.#call<Version>('HEAD', key, options.signal, (respond) => {
      const latest = this.#store.latest(key);
      respond(
        latest
          ? { ok: latest }
          : { error: new S3Error({ status: 404, s3Code: 'NoSuchKey', method: 'HEAD', key }) },
      );
    });
    return {
      key,
      size: version.body.length,
      etag: version.etag,
      lastModified: new Date(version.lastModifiedMs),
      versionId: version.versionId,
      metadata: { ...version.metadata },
    };
  }

  async getObject(key: string, options: GetObjectOptions = {}): Promise<ObjectResponse> {
    const info = await this.headObject(key, options);
    const body = this.#store.latest(key)?.body ?? '';
    const bytes = new TextEncoder().encode(body);
    return {
      ...info,
      contentLength: bytes.length,
      body: Readable.from([Buffer.from(bytes)]),
      bytes: async () => bytes,
      text: async () => body,
      json: async <T>() => JSON.parse(body) as T,
      dump: async () => {},
    };
  }

  /**
   * One call: attempts with backoff, like a session's retry loop. Each attempt travels to a front
   * end (latency), is served there (`serve` calls `respond` when the server is done), and the
   * response travels back to our process — unless it is lost.
   */
  async #call<T>(
    method: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    serve: (respond: (outcome: Outcome<T>) => void) => void,
  ): Promise<T> {
    const store = this.#store;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(method, key, signal, serve);
      } catch (error) {
        // as the session's retry loop does: a 412 on a retry may answer our own earlier attempt
        if (error instanceof S3Error) error.attempts = attempt;
        const retryable = error instanceof NetworkError || (error instanceof S3Error && error.retryable);
        if (!retryable || attempt >= store.params.maxAttempts || signal?.aborted) throw error;
        await this.#sleep(store.backoffMs(attempt), signal);
      }
    }
  }

  #attempt<T>(
    method: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    serve: (respond: (outcome: Outcome<T>) => void) => void,
  ): Promise<T> {
    const store = this.#store;
    if (store.disposed) return NEVER;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    store.requests++;
    const fault = store.fault(method, key, this.#renewalFailP);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const deliver = (outcome: Outcome<T>) => {
        // the response travels back and reaches our process (held while paused, never if crashed)
        store.scheduler.after(store.latencyUs() / US, this.#process, () => {
          if (settled || store.disposed) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.ok);
        });
      };
      store.scheduler.after(store.latencyUs() / US, undefined, () => {
        if (store.disposed) return;
        if (fault === 'fail') {
          deliver({
            error: new S3Error({ status: 503, s3Code: 'ServiceUnavailable', method, key }),
          });
          return;
        }
        serve((outcome) => {
          deliver(
            fault === 'lost'
              ? { error: new NetworkError('socket hang up (simulated)', { method, key, sent: true }) }
              : outcome,
          );
        });
      });
    });
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        handle.cancel();
        reject(abortReason(signal as AbortSignal));
      };
      const handle = this.#store.scheduler.after(ms, this.#process, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** First index whose key is >= `key` (byte order equals UTF-16 order for the ASCII keys used here). */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
