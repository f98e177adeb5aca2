import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NetworkError, ResponseError } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/http/transport.js';
import { objectInfoFromHeaders, objectResponse, unquoteEtag } from '../../../src/s3/object-response.js';

const headers = {
  'last-modified': 'Wed, 25 Nov 2026 12:00:00 GMT',
  etag: '"0cc175b9c0f1b6a831c399e269772661"',
  'content-length': '1',
  'content-type': 'text/plain',
  'x-amz-version-id': 'v1',
  'x-amz-meta-owner': 'alice',
  'x-amz-meta-empty': '',
  'x-amz-request-id': 'r',
};

describe('unquoteEtag', () => {
  it('strips quotes and a weak prefix, and keeps multipart suffixes', () => {
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('W/"abc"')).toBe('abc');
    expect(unquoteEtag(' "abc-3" ')).toBe('abc-3');
    expect(unquoteEtag('abc')).toBe('abc');
    expect(unquoteEtag('"')).toBe('"');
    expect(unquoteEtag(undefined)).toBe('');
    expect(unquoteEtag('')).toBe('');
  });
});

describe('objectInfoFromHeaders', () => {
  it('reads size, ETag, dates, type, version and user metadata', () => {
    expect(objectInfoFromHeaders('k', headers, 'HeadObject', 200)).toEqual({
      key: 'k',
      size: 1,
      etag: '0cc175b9c0f1b6a831c399e269772661',
      lastModified: new Date('2026-11-25T12:00:00Z'),
      contentType: 'text/plain',
      versionId: 'v1',
      metadata: { owner: 'alice', empty: '' },
    });
  });

  it('takes the whole size from Content-Range for a partial answer', () => {
    const info = objectInfoFromHeaders(
      'k',
      { ...headers, 'content-length': '10', 'content-range': 'bytes 0-9/12345' },
      'GetObject',
      206,
    );
    expect(info.size).toBe(12_345);
  });

  it('refuses answers without a usable size or date with a ResponseError', () => {
    const { 'content-length': _, ...noLength } = headers;
    expect(() => objectInfoFromHeaders('k', noLength, 'HeadObject', 200)).toThrow(ResponseError);
    expect(() =>
      objectInfoFromHeaders('k', { ...headers, 'content-length': '-1' }, 'HeadObject', 200),
    ).toThrow(ResponseError);
    expect(() =>
      objectInfoFromHeaders('k', { ...headers, 'content-range': 'bytes 0-9/*' }, 'GetObject', 206),
    ).toThrow(ResponseError);
    expect(() =>
      objectInfoFromHeaders('k', { ...headers, 'last-modified': 'yesterday' }, 'HeadObject', 200),
    ).toThrow(ResponseError);
  });
});

describe('objectResponse', () => {
  const make = (body: Readable, extra: Record<string, string> = {}) =>
    objectResponse(
      'k',
      { status: 200, headers: { ...headers, ...extra }, body: body as unknown as HttpResponse['body'] },
      'GetObject',
      undefined,
      30_000,
    );
  /** A Readable with undici's consuming helpers, as the transport hands it over. */
  const bodyOf = (text: string | Error) => {
    const stream = new Readable({
      read() {
        if (text instanceof Error) this.destroy(Object.assign(text, { code: 'UND_ERR_SOCKET' }));
        else {
          this.push(Buffer.from(text));
          this.push(null);
        }
      },
    });
    const read = async () => {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    return Object.assign(stream, {
      text: async () => (await read()).toString('utf8'),
      json: async () => JSON.parse((await read()).toString('utf8')),
      arrayBuffer: async () => {
        const b = await read();
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      },
      dump: async () => {
        stream.resume();
      },
    });
  };

  it('reads the body as text, bytes or JSON', async () => {
    expect(await make(bodyOf('hé')).text()).toBe('hé');
    expect(Buffer.from(await make(bodyOf('ab')).bytes()).toString()).toBe('ab');
    expect(await make(bodyOf('{"a":[1]}')).json()).toEqual({ a: [1] });
  });

  it('reports invalid JSON as a ResponseError and a broken body as a NetworkError', async () => {
    await expect(make(bodyOf('{not json')).json()).rejects.toBeInstanceOf(ResponseError);
    await expect(make(bodyOf(new Error('other side closed'))).text()).rejects.toBeInstanceOf(NetworkError);
  });

  it('reports the delivered length apart from the object size for a range', () => {
    const res = make(bodyOf('ab'), { 'content-length': '2', 'content-range': 'bytes 3-4/10' });
    expect(res.contentLength).toBe(2);
    expect(res.size).toBe(10);
  });
});
