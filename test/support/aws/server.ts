/**
 * The plumbing shared by the AWS test servers: a node:http server on a free loopback port that
 * records every request (with its body) and can be told to stall, and closes its sockets on close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One request as a test server received it (header names lower-cased). */
export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: Record<string, string>;
  /** The body as UTF-8 text. */
  body: string;
  /** The body's bytes. */
  raw: Buffer;
}

/** What a handler answers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A loopback HTTP server answering with `handle`, or never answering while `stalled`. */
export class TestServer {
  readonly requests: ReceivedRequest[] = [];
  /** While true, requests are read and then left unanswered (an endpoint that hangs). */
  stalled = false;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  protected constructor(handle: (req: ReceivedRequest) => Answer | Promise<Answer>) {
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const raw = Buffer.concat(chunks);
        const received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers,
          body: raw.toString('utf8'),
          raw,
        };
        this.requests.push(received);
        if (this.stalled) return;
        let answer: Answer;
        try {
          answer = await handle(received);
        } catch (error) {
          answer = { status: 500, body: String(error) };
        }
        const body = answer.body ?? '';
        res.writeHead(answer.status, {
          'content-length': String(Buffer.byteLength(body)),
          ...answer.headers,
        });
        res.end(body);
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
  }

  /** `http://127.0.0.1:PORT`. */
  get endpoint(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Requests whose path starts with `prefix`. */
  received(prefix = ''): ReceivedRequest[] {
    return this.requests.filter((r) => r.url.startsWith(prefix));
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
