/** Contract: putting and getting objects (bodies, metadata, ranges, conditions on reads, responses). */
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { describe, expect } from 'vitest';
import { isNotFound, PreconditionFailedError } from '../../../src/index.js';
import { type ContractContext, collect, etagOf } from './harness.js';

/** Stores may stamp a write a little before or after the client's clock reads (servers, clock skew). */
const CLOCK_TOLERANCE_MS = 60_000;

export function objectContract({ storeTest, digestName, requestError }: ContractContext): void {
  const { name: errorName, errorClass, missingKey } = requestError;
  describe('objects', () => {
    storeTest(
      `put then get returns the body, size, ${digestName} ETag, default content type and no metadata`,
      async (s) => {
        const put = await s.putObject('greeting.txt', 'Hello, world');
        expect(put.etag).toBe(etagOf(s, 'Hello, world'));
        const got = await s.getObject('greeting.txt');
        expect(await got.text()).toBe('Hello, world');
        expect(got).toMatchObject({ key: 'greeting.txt', size: 12, contentLength: 12, etag: put.etag });
        expect(got.contentType).toBe('application/octet-stream');
        expect(got.metadata).toEqual({});
        expect(Math.abs(got.lastModified.getTime() - Date.now())).toBeLessThan(CLOCK_TOLERANCE_MS);
      },
    );

    storeTest(
      'accepts every body kind: string, bytes, Readable, web stream, async iterable, stream factory',
      async (s) => {
        const chunks = () => [Buffer.from('ab'), Buffer.from('c'), Buffer.from('de')];
        const bodies = {
          string: 'abcde',
          bytes: new Uint8Array(Buffer.from('abcde')),
          readable: Readable.from(chunks()),
          web: new ReadableStream<Uint8Array>({
            start(controller) {
              for (const chunk of chunks()) controller.enqueue(new Uint8Array(chunk));
              controller.close();
            },
          }),
          iterable: (async function* () {
            yield* chunks();
          })(),
          factory: () => Readable.from(chunks()),
        };
        for (const [kind, body] of Object.entries(bodies)) {
          const put = await s.putObject(`body-${kind}`, body);
          expect(put.etag, kind).toBe(etagOf(s, 'abcde'));
          expect(await (await s.getObject(`body-${kind}`)).text(), kind).toBe('abcde');
        }
      },
    );

    storeTest('stores empty and binary bodies byte for byte', async (s) => {
      const binary = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
      await s.putObject('empty', new Uint8Array(0));
      await s.putObject('binary', binary);
      const empty = await s.getObject('empty');
      expect(empty.size).toBe(0);
      expect(empty.etag).toBe(etagOf(s, ''));
      expect((await empty.bytes()).length).toBe(0);
      const got = await s.getObject('binary');
      expect(Buffer.from(await got.bytes()).equals(Buffer.from(binary))).toBe(true);
      expect(got.etag).toBe(etagOf(s, binary));
    });

    storeTest('round-trips metadata and content type through head and get', async (s) => {
      const metadata = { owner: 'team-a', 'x-count': '3', 'dotted.name-1': 'a b/c=d;e' };
      await s.putObject('doc.json', '{"a":1}', { metadata, contentType: 'application/json' });
      const head = await s.headObject('doc.json');
      expect(head).toMatchObject({
        key: 'doc.json',
        size: 7,
        etag: etagOf(s, '{"a":1}'),
        contentType: 'application/json',
      });
      expect(head.metadata).toEqual(metadata);
      const got = await s.getObject('doc.json');
      expect(got.metadata).toEqual(metadata);
      expect(await got.json()).toEqual({ a: 1 });
    });

    storeTest('a second put replaces body, ETag, content type and metadata', async (s) => {
      await s.putObject('k', 'first', { metadata: { a: '1' }, contentType: 'text/plain' });
      await s.putObject('k', 'second!', { metadata: { b: '2' } });
      const got = await s.getObject('k');
      expect(await got.text()).toBe('second!');
      expect(got).toMatchObject({
        size: 7,
        etag: etagOf(s, 'second!'),
        contentType: 'application/octet-stream',
      });
      expect(got.metadata).toEqual({ b: '2' });
    });

    storeTest(
      `a missing key is a 404 ${errorName}: ${Object.values(missingKey).join()} for get, isNotFound for both`,
      async (s) => {
        const get = await s.getObject('nope').catch((e: unknown) => e);
        expect(get).toBeInstanceOf(errorClass);
        expect(get).toMatchObject({ status: 404, ...missingKey, key: 'nope' });
        expect(isNotFound(get)).toBe(true);
        const head = await s.headObject('nope').catch((e: unknown) => e);
        expect(head).toBeInstanceOf(errorClass);
        expect(isNotFound(head)).toBe(true);
      },
    );

    storeTest(
      'ranges return part of the body with the whole size; a start past the end is a 416',
      async (s) => {
        await s.putObject('r', '0123456789');
        const middle = await s.getObject('r', { range: { start: 2, end: 4 } });
        expect(await middle.text()).toBe('234');
        expect(middle).toMatchObject({ size: 10, contentLength: 3 });
        const tail = await s.getObject('r', { range: { start: 7 } });
        expect(await tail.text()).toBe('789');
        const clipped = await s.getObject('r', { range: { start: 8, end: 100 } });
        expect(await clipped.text()).toBe('89');
        const past = await s.getObject('r', { range: { start: 10 } }).catch((e: unknown) => e);
        expect(past).toBeInstanceOf(errorClass);
        expect(past).toMatchObject({ status: 416 });
      },
    );

    storeTest(
      'get and head with ifMatch: served on the ETag, 412 PreconditionFailedError on another',
      async (s) => {
        const { etag } = await s.putObject('m', 'body');
        expect(await (await s.getObject('m', { ifMatch: etag })).text()).toBe('body');
        expect((await s.headObject('m', { ifMatch: `"${etag}"` })).etag).toBe(etag);
        await expect(s.getObject('m', { ifMatch: etagOf(s, 'other') })).rejects.toBeInstanceOf(
          PreconditionFailedError,
        );
        await expect(s.headObject('m', { ifMatch: etagOf(s, 'other') })).rejects.toMatchObject({
          status: 412,
        });
      },
    );

    storeTest('a response body is read once: as a stream, or dumped', async (s) => {
      await s.putObject('stream', 'abc'.repeat(1000));
      const got = await s.getObject('stream');
      const chunks = await collect(got.body as AsyncIterable<Buffer>);
      expect(Buffer.concat(chunks).toString()).toBe('abc'.repeat(1000));
      await expect(got.text()).rejects.toThrow();
      const dumped = await s.getObject('stream');
      await dumped.dump();
      await dumped.dump();
    });

    storeTest('a write never lists as older than an earlier write of the same client', async (s) => {
      await s.putObject('t/1', 'a');
      await s.putObject('t/2', 'b');
      await s.putObject('t/1', 'c');
      const [first, second] = await collect(s.listObjects({ prefix: 't/' }));
      expect(first?.key).toBe('t/1');
      expect(first?.lastModified.getTime()).toBeGreaterThanOrEqual(
        second?.lastModified.getTime() ?? Infinity,
      );
    });
  });
}
