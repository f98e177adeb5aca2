/**
 * B2 spreads a session over several hosts: the authorize endpoint, the API URL, the download URL
 * and one upload pod per upload URL. One keep-alive transport per origin, created on first use.
 *
 * @module
 */
import { NetworkError, ResponseError } from '../errors.js';
import { HttpTransport, type TransportOptions } from '../http/transport.js';

/** A request target: the transport for the URL's origin and the path to send to it. */
export interface Target {
  transport: HttpTransport;
  /** Path (with query, if the URL had one) on that origin. */
  path: string;
}

/** Transports by origin, closed together. */
export class OriginPool {
  readonly #options: TransportOptions;
  readonly #transports = new Map<string, HttpTransport>();
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /**
   * The target for `base` (a URL B2 handed out, such as `apiUrl` or an upload URL) with `suffix`
   * appended to its path. Throws `ResponseError` when B2 handed out something that is not a URL.
   */
  target(base: string, suffix = ''): Target {
    if (this.#closed) throw new NetworkError('the session is closed', { method: 'request', sent: false });
    let url: URL;
    try {
      url = new URL(base);
    } catch (error) {
      throw new ResponseError(
        `B2 returned an invalid URL ${JSON.stringify(base)}`,
        { status: 200, method: 'B2' },
        error,
      );
    }
    let transport = this.#transports.get(url.origin);
    if (!transport) {
      transport = new HttpTransport(url.origin, this.#options);
      this.#transports.set(url.origin, transport);
    }
    const path = url.pathname.replace(/\/+$/, '') + suffix;
    return { transport, path: `${path || '/'}${url.search}` };
  }

  /** Closes every transport. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#transports.values()];
    this.#transports.clear();
    await Promise.all(all.map((t) => t.close()));
  }
}
