import { describe, expect, it } from 'vitest';
import { NetworkError, TimeoutError } from '../../../src/errors.js';
import { toTransportError } from '../../../src/http/transport.js';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toTransportError', () => {
  it('marks failures to connect as not sent, so even unsafe requests may be resent', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      const error = toTransportError(withCode(code), 'PutObject', 'k');
      expect(error, code).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ sent: false, method: 'PutObject', key: 'k', retryable: true });
    }
  });

  it('marks a connect timeout as a TimeoutError that was not sent', () => {
    const error = toTransportError(withCode('UND_ERR_CONNECT_TIMEOUT'), 'GetObject');
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ sent: false, code: 'ERR_TIMEOUT' });
  });

  it('marks header and body timeouts as TimeoutErrors that may have been sent', () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      const error = toTransportError(withCode(code), 'GetObject', 'k');
      expect(error, code).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ sent: true });
      expect(error.message).toContain(code);
    }
  });

  it('marks resets and closed sockets as NetworkErrors that may have been sent', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', '']) {
      const error = toTransportError(withCode(code, 'other side closed'), 'PutObject', 'k');
      expect(error, code).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ sent: true, code: 'ERR_NETWORK' });
    }
  });

  it('classifies by code, never by message', () => {
    const error = toTransportError(new Error('ECONNREFUSED connect failed'), 'GetObject');
    expect(error).toMatchObject({ sent: true });
  });

  it('keeps the original as cause and passes typed errors through', () => {
    const original = withCode('ECONNRESET');
    expect(toTransportError(original, 'GetObject').cause).toBe(original);
    const typed = new NetworkError('x', { method: 'm', sent: false });
    expect(toTransportError(typed, 'other')).toBe(typed);
    expect(toTransportError('a string', 'GetObject')).toBeInstanceOf(NetworkError);
  });
});
