/**
 * A fencing-checked resource for tests: a tiny HTTP service that accepts a write only when its
 * fencing token is at least the highest token it has accepted for that resource, as a storage
 * system guarded by fencing tokens would (Kleppmann, "How to do distributed locking"). A holder that
 * was paused past its lease and writes with its old token after a newer holder wrote is refused.
 *
 *   POST /<resource>?token=<n>&writer=<id>   → 200 accepted, or 409 with the highest token so far
 *   GET  /<resource>                          → 200 {"highest": n}
 *
 * Processes reach it with `fetch`; the test reads `writes` (every attempt, in arrival order).
 */
import { createServer, type Server } from 'node:http';

/** One write attempt the resource saw. */
export interface FencedWrite {
  resource: string;
  token: number;
  writer: string;
  accepted: boolean;
  /** The highest token accepted for the resource before this attempt. */
  highestBefore: number;
}

export class FencedResource {
  /** Every write attempt, in arrival order. */
  readonly writes: FencedWrite[] = [];
  readonly #highest = new Map<string, number>();
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://resource');
      const resource = decodeURIComponent(url.pathname.slice(1));
      req.resume();
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ highest: this.highest(resource) }));
        return;
      }
      const token = Number(url.searchParams.get('token'));
      if (req.method !== 'POST' || !resource || !Number.isSafeInteger(token) || token < 0) {
        res.writeHead(400).end('POST /<resource>?token=<non-negative integer>&writer=<id>');
        return;
      }
      const write = this.write(resource, token, url.searchParams.get('writer') ?? '?');
      res.writeHead(write.accepted ? 200 : 409, { 'content-type': 'application/json' });
      res.end(JSON.stringify(write));
    });
  }

  /** Starts the service on a free port of 127.0.0.1. */
  static async start(): Promise<FencedResource> {
    const resource = new FencedResource();
    await new Promise<void>((resolve, reject) => {
      resource.#server.once('error', reject);
      resource.#server.listen(0, '127.0.0.1', resolve);
    });
    return resource;
  }

  /** `http://127.0.0.1:PORT`. */
  get endpoint(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the resource is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The rule itself (also what the HTTP handler applies): accept iff `token` ≥ the highest accepted. */
  write(resource: string, token: number, writer: string): FencedWrite {
    const highestBefore = this.highest(resource);
    const accepted = token >= highestBefore;
    if (accepted) this.#highest.set(resource, token);
    const write = { resource, token, writer, accepted, highestBefore };
    this.writes.push(write);
    return write;
  }

  /** The highest token accepted for `resource` (0 before any write). */
  highest(resource: string): number {
    return this.#highest.get(resource) ?? 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
