/**
 * One small HTTP exchange with a credentials service (STS, the SSO portal, the container endpoint,
 * the EC2 instance metadata service): its own short-lived connection, bounded in time and size.
 *
 * @module
 */
import { TimeoutError } from '../../errors.js';
import { HttpTransport, toTransportError } from '../../http/transport.js';

/** A request to a credentials service. */
export interface CredentialHttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly headers?: Record<string, string> | undefined;
  readonly body?: Uint8Array | undefined;
  /** Limit on the whole exchange: connecting, sending, and reading the answer. */
  readonly timeoutMs: number;
  /** Named by errors: `AssumeRole`, `IMDS token`, … */
  readonly operation: string;
}

/** The answer, body read as text. */
export interface CredentialHttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Credential answers are small; anything longer is not one and is not read further. */
export const MAX_CREDENTIAL_BODY_BYTES = 256 * 1024;

/**
 * Sends one request on a connection of its own and reads the answer (at most 256 KiB), all within
 * `timeoutMs` (kept by a timer of our own: undici's timeouts tick in whole seconds). Rejects with
 * `NetworkError` or `TimeoutError` (`sent` false only when the connection certainly failed).
 */
export async function credentialRequest(req: CredentialHttpRequest): Promise<CredentialHttpResponse> {
  const transport = new HttpTransport(req.url.origin, {
    maxConnections: 1,
    connectTimeoutMs: req.timeoutMs,
    idleTimeoutMs: req.timeoutMs,
    keepAliveTimeoutMs: 1_000,
  });
  const deadline = new AbortController();
  const timedOut = new TimeoutError(`${req.operation} timed out after ${req.timeoutMs} ms`, {
    method: req.operation,
    sent: true,
  });
  const timer = setTimeout(() => deadline.abort(timedOut), req.timeoutMs);
  try {
    const res = await transport.request({
      method: req.method,
      path: `${req.url.pathname}${req.url.search}`,
      headers: { host: req.url.host, ...req.headers },
      body: req.body,
      operation: req.operation,
      signal: deadline.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > MAX_CREDENTIAL_BODY_BYTES) {
          res.body.destroy();
          break;
        }
        chunks.push(buf);
      }
    } catch (error) {
      throw deadline.signal.aborted ? timedOut : toTransportError(error, req.operation);
    }
    return { status: res.status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
  } finally {
    clearTimeout(timer);
    await transport.close();
  }
}
