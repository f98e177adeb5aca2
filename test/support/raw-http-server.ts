/**
 * A tiny HTTP server on raw TCP, for answers no well-behaved server library would send: wrong
 * Content-Length, bodies cut short, garbage header lines, HTML pages from proxies, empty 200s. Each
 * request is read (head and Content-Length body), handed to `respond`, and answered with exactly
 * the bytes it returns; the connection is then closed (or left open to hang, or reset).
 *
 * @example
 * ```ts
 * const server = await RawHttpServer.start(() => ({ bytes: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab' }));
 * // the client reads 2 of 5 promised bytes, then the connection closes
 * ```
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A request as the server read it (header names lower-cased). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The request head exactly as received (request line and header lines). */
  head: string;
}

/** What to send back, and what to do with the connection afterwards. */
export interface RawAnswer {
  bytes: string | Buffer;
  /** `close` (default): end the connection; `hang`: keep it open and silent; `reset`: RST it. */
  after?: 'close' | 'hang' | 'reset';
}

export class RawHttpServer {
  /** Every request, in arrival order. */
  readonly requests: RawRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(respond: (req: RawRequest) => RawAnswer | Promise<RawAnswer>) {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      let buffered = Buffer.alloc(0);
      let answered = false;
      socket.on('data', async (chunk: Buffer) => {
        if (answered) return;
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const [requestLine = '', ...lines] = head.split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buffered.length < end + 4 + length) return; // wait for the rest of the body
        answered = true;
        const [method = '', path = ''] = requestLine.split(' ');
        const req = { method, path, headers, body: buffered.subarray(end + 4, end + 4 + length), head };
        this.requests.push(req);
        const answer = await respond(req);
        if (socket.destroyed) return;
        socket.write(answer.bytes, () => {
          if (answer.after === 'hang') return;
          if (answer.after === 'reset') socket.resetAndDestroy();
          else socket.end();
        });
      });
    });
  }

  static async start(respond: (req: RawRequest) => RawAnswer | Promise<RawAnswer>): Promise<RawHttpServer> {
    const server = new RawHttpServer(respond);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, '127.0.0.1', resolve);
    });
    return server;
  }

  /** `http://127.0.0.1:PORT`. */
  get endpoint(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** An HTTP/1.1 response: status line, the given header lines as they are, blank line, body. */
export function rawResponse(
  status: number,
  headerLines: readonly string[],
  body: string | Buffer = '',
): Buffer {
  const head = [`HTTP/1.1 ${status} ${status < 400 ? 'OK' : 'Error'}`, ...headerLines, '', ''].join('\r\n');
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  ]);
}
