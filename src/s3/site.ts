/**
 * Where a session's requests go and which region they are signed for. The region starts as the
 * options, the environment or the profile say, and follows the bucket: when the store answers that
 * the bucket lives elsewhere, the site switches to that region (and, on AWS, to its endpoint), and
 * remembers it for the rest of the process, for every session on the same bucket.
 *
 * @module
 */
import { HttpTransport } from '../http/transport.js';
import { type Addressing, resolveAddressing } from './addressing.js';
import type { ResolvedS3Options } from './options.js';

/** Buckets' regions learned from the stores' answers, by endpoint and bucket, for the process. */
const learnedRegions = new Map<string, string>();

/** What a site tells the session when it learns a bucket's region. */
export type RegionListener = (event: { from: string; to: string; reason: string }) => void;

/** The endpoint, region and connection pools of one session. */
export class S3Site {
  readonly bucket: string;
  /** `s3:{origin}/{bucket}` as first addressed: stable across region changes. */
  readonly storeId: string;
  readonly #options: ResolvedS3Options;
  readonly #env: NodeJS.ProcessEnv;
  readonly #key: string;
  readonly #transports = new Map<string, HttpTransport>();
  #region: string;
  #addressing: Addressing;
  #regionLookup: Promise<void> | undefined;
  #closed = false;

  constructor(options: ResolvedS3Options, env: NodeJS.ProcessEnv) {
    this.#options = options;
    this.#env = env;
    this.bucket = options.bucket;
    this.#key = `${options.endpoint ?? 'aws'}|${options.bucket}`;
    const learned = learnedRegions.get(this.#key);
    this.#region = learned ?? options.region;
    // with a region of its own (or the bucket's), the profile need not be read
    if (learned !== undefined || options.regionGiven) this.#regionLookup = Promise.resolve();
    this.#addressing = resolveAddressing({ ...options, region: this.#region });
    this.storeId = `s3:${this.#addressing.origin}/${this.bucket}`;
  }

  /** The region requests are signed for now. */
  get region(): string {
    return this.#region;
  }

  /** Where requests go now. */
  get addressing(): Addressing {
    return this.#addressing;
  }

  /** The connection pool for the current origin. */
  transport(): HttpTransport {
    const origin = this.#addressing.origin;
    let transport = this.#transports.get(origin);
    if (transport === undefined) {
      transport = new HttpTransport(origin, this.#options.transport, this.#options.dispatcher);
      if (this.#closed) void transport.close();
      this.#transports.set(origin, transport);
    }
    return transport;
  }

  /**
   * Settles the region before the first request: without one from the options or the environment,
   * the profile's `region` (read once); a failure to read it leaves the default.
   */
  ready(): Promise<void> {
    this.#regionLookup ??= import('./credentials/ini/files.js')
      .then(({ profileRegion }) => profileRegion(this.#env, this.#options.profile))
      .then((region) => {
        if (region !== undefined && /^[a-z0-9-]{1,64}$/.test(region) && !learnedRegions.has(this.#key)) {
          this.#switch(region);
        }
      })
      .catch(() => {});
    return this.#regionLookup;
  }

  /**
   * The store named `region` as the bucket's: sign for it from now on (on AWS, at its endpoint).
   * Returns false when that is the region already.
   */
  learn(region: string, reason: string, listener: RegionListener | undefined): boolean {
    if (region === this.#region) return false;
    const from = this.#region;
    learnedRegions.set(this.#key, region);
    this.#switch(region);
    listener?.({ from, to: region, reason });
    return true;
  }

  #switch(region: string): void {
    this.#region = region;
    this.#addressing = resolveAddressing({ ...this.#options, region });
  }

  /** Closes every pool. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#transports.values()].map((t) => t.close()));
  }
}
