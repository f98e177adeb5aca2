// Every single-object method of B2Session against the B2 test server: put with each body type,
// get (whole, ranges, text/bytes/json, versions), head, metadata as X-Bz-Info-*, names that need
// percent-encoding, copy.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2Error, ConfigError, isNotFound, PreconditionFailedError } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
});

afterAll(async () => {
  await fx.close();
});

const sha1 = (data: Uint8Array | string) => createHash('sha1').update(data).digest('hex');

/** A deterministic body of `size` bytes that differs at every offset modulo 251. */
function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + seed) % 251;
  return out;
}

async function readAll(key: string): Promise<Buffer> {
  return Buffer.from(await (await fx.b2.getObject(key)).bytes());
}

/** Byte equality without vitest's element-by-element diff, which takes seconds on large buffers. */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
}

describe('putObject bodies', () => {
  const data = pattern(300_000, 3);
  const chunks = () => [data.subarray(0, 1), data.subarray(1, 70_000), data.subarray(70_000)];

  it('stores a string as UTF-8 and returns its SHA-1 as etag and the file id as versionId', async () => {
    const text = 'héllo wörld 😀';
    const res = await fx.b2.putObject('body/string', text);
    expect(res.etag).toBe(sha1(text));
    expect(res.versionId).toMatch(/^4_z/);
    expect(await (await fx.b2.getObject('body/string')).text()).toBe(text);
  });

  it('stores a Uint8Array view into a larger buffer, and an empty body', async () => {
    const view = pattern(1000, 9).subarray(100, 600);
    expect((await fx.b2.putObject('body/bytes', view)).etag).toBe(sha1(view));
    expectBytes(await readAll('body/bytes'), view);
    await fx.b2.putObject('body/empty', new Uint8Array(0));
    const empty = await fx.b2.getObject('body/empty');
    expect(empty.size).toBe(0);
    expect((await empty.bytes()).byteLength).toBe(0);
  });

  it('stores a Node Readable with contentLength, hashed while sent (hex_digits_at_end)', async () => {
    const before = fx.server.uploads.length;
    const res = await fx.b2.putObject('body/readable-len', Readable.from(chunks()), {
      contentLength: data.length,
    });
    expect(res.etag).toBe(sha1(data));
    expectBytes(await readAll('body/readable-len'), data);
    expect(fx.server.uploads.slice(before).map((u) => u.sha1Header)).toEqual(['hex_digits_at_end']);
  });

  it('stores a Readable, a web ReadableStream, an async iterable and a stream factory without a length', async () => {
    await fx.b2.putObject('body/readable', Readable.from(chunks()));
    await fx.b2.putObject('body/web', Readable.toWeb(Readable.from(chunks())) as ReadableStream<Uint8Array>);
    await fx.b2.putObject(
      'body/iterable',
      (async function* () {
        yield* chunks();
      })(),
    );
    await fx.b2.putObject('body/factory', () => Readable.from(chunks()));
    for (const key of ['body/readable', 'body/web', 'body/iterable', 'body/factory']) {
      expectBytes(await readAll(key), data);
    }
  });

  it('refuses a stream that does not match its contentLength, with a ConfigError', async () => {
    const err = await fx.b2
      .putObject('body/short', Readable.from([Buffer.from('abc')]), { contentLength: 10 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/contentLength is 10 but the stream ended after 3 bytes/);
    await expect(fx.b2.headObject('body/short')).rejects.toSatisfy(isNotFound);
  });

  it('sends a verified 40-digit SHA-1 with every in-memory upload', async () => {
    const before = fx.server.uploads.length;
    await fx.b2.putObject('body/sha', 'checked');
    const [record] = fx.server.uploads.slice(before);
    expect(record?.sha1Header).toBe(sha1('checked'));
    expect(record?.verified).toBe(true);
  });
});

describe('getObject and headObject', () => {
  const data = pattern(10_000, 5);

  beforeAll(async () => {
    await fx.b2.putObject('get/data', data, {
      contentType: 'application/x-test',
      metadata: { colour: 'blue' },
    });
    await fx.b2.putObject('get/doc.json', JSON.stringify({ a: [1, 2] }), { contentType: 'application/json' });
  });

  it('returns the facts B2 sends: size, SHA-1, file id, upload timestamp, content type, metadata', async () => {
    const obj = await fx.b2.getObject('get/data');
    expect(obj.size).toBe(10_000);
    expect(obj.contentLength).toBe(10_000);
    expect(obj.etag).toBe(sha1(data));
    expect(obj.contentType).toBe('application/x-test');
    expect(obj.metadata).toEqual({ colour: 'blue' });
    expect(obj.versionId).toMatch(/^4_z/);
    // B2 fills in whole seconds
    expect(obj.lastModified.getTime() % 1000).toBe(0);
    expect(Math.abs(obj.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    await obj.dump();
    const head = await fx.b2.headObject('get/data');
    expect({ ...head }).toEqual({
      key: 'get/data',
      size: 10_000,
      etag: obj.etag,
      lastModified: obj.lastModified,
      contentType: 'application/x-test',
      versionId: obj.versionId,
      metadata: { colour: 'blue' },
    });
  });

  it('reads ranges: a middle slice, an open end, a range past the end', async () => {
    const mid = await fx.b2.getObject('get/data', { range: { start: 100, end: 199 } });
    expect(mid.contentLength).toBe(100);
    expect(mid.size).toBe(10_000);
    expectBytes(await mid.bytes(), data.subarray(100, 200));
    const tail = await fx.b2.getObject('get/data', { range: { start: 9_990 } });
    expectBytes(await tail.bytes(), data.subarray(9_990));
    const err = await fx.b2.getObject('get/data', { range: { start: 20_000 } }).catch((e) => e);
    expect(err).toBeInstanceOf(B2Error);
    expect(err).toMatchObject({ status: 416, b2Code: 'range_not_satisfiable' });
  });

  it('streams the body and parses JSON', async () => {
    const obj = await fx.b2.getObject('get/data');
    let total = 0;
    for await (const chunk of obj.body) total += (chunk as Buffer).length;
    expect(total).toBe(10_000);
    expect(await (await fx.b2.getObject('get/doc.json')).json()).toEqual({ a: [1, 2] });
  });

  it('reads an older version by file id, and refuses another key’s version with 404', async () => {
    const v1 = await fx.b2.putObject('get/versioned', 'one');
    await fx.b2.putObject('get/versioned', 'two');
    expect(await (await fx.b2.getObject('get/versioned')).text()).toBe('two');
    expect(await (await fx.b2.getObject('get/versioned', { versionId: v1.versionId })).text()).toBe('one');
    const head = await fx.b2.headObject('get/versioned', { versionId: v1.versionId });
    expect(head).toMatchObject({ size: 3, etag: sha1('one'), versionId: v1.versionId });
    await expect(fx.b2.getObject('get/data', { versionId: v1.versionId })).rejects.toSatisfy(isNotFound);
    await expect(fx.b2.headObject('get/data', { versionId: v1.versionId })).rejects.toSatisfy(isNotFound);
  });

  it('emulates ifMatch on reads against the SHA-1', async () => {
    const etag = sha1(data);
    await expect(fx.b2.headObject('get/data', { ifMatch: etag })).resolves.toMatchObject({ etag });
    await expect(fx.b2.getObject('get/data', { ifMatch: sha1('other') })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('reports a missing key as a 404 B2Error, for GET (not_found body) and HEAD (no body)', async () => {
    const get = await fx.b2.getObject('get/missing').catch((e) => e);
    expect(get).toBeInstanceOf(B2Error);
    expect(get).toMatchObject({ status: 404, b2Code: 'not_found', key: 'get/missing' });
    const head = await fx.b2.headObject('get/missing').catch((e) => e);
    expect(head).toMatchObject({ status: 404, b2Code: 'not_found' });
  });
});

describe('names and metadata', () => {
  const names = [
    'with space/and+plus.txt',
    'unicode/自由/😀 ünïcödé',
    "punctuation/!$&'()*,;=:@~%25?#[]",
    'percent/%2F is not a slash',
    'deep/a/b/c/d/e/f',
  ];

  it.each(names)('round-trips the name %j through upload, download, head and listing', async (key) => {
    await fx.b2.putObject(key, `body of ${key}`);
    expect(await (await fx.b2.getObject(key)).text()).toBe(`body of ${key}`);
    expect((await fx.b2.headObject(key)).key).toBe(key);
    const listed = [];
    for await (const o of fx.b2.listObjects({ prefix: key })) listed.push(o.key);
    expect(listed).toEqual([key]);
  });

  it('round-trips metadata through X-Bz-Info-* headers, percent-encoded values included', async () => {
    const metadata = { plain: 'value', spaced: 'a b  c', encoded: '100%25 sure', 'dash-name.x': 'ok' };
    await fx.b2.putObject('meta/obj', 'x', { metadata });
    expect((await fx.b2.headObject('meta/obj')).metadata).toEqual(metadata);
    const info = fx.server.versions().find((v) => v.fileName === 'meta/obj')?.fileInfo;
    expect(info).toEqual(metadata);
  });
});

describe('copyObject', () => {
  it('copies with the source metadata, or replaces it', async () => {
    await fx.b2.putObject('copy/src', 'copied body', { contentType: 'text/plain', metadata: { k: 'v' } });
    const kept = await fx.b2.copyObject('copy/src', 'copy/kept');
    expect(kept.etag).toBe(sha1('copied body'));
    expect(await fx.b2.headObject('copy/kept')).toMatchObject({
      contentType: 'text/plain',
      metadata: { k: 'v' },
    });
    const replaced = await fx.b2.copyObject('copy/src', 'copy/replaced', { metadata: { new: '1' } });
    expect(replaced.versionId).not.toBe(kept.versionId);
    expect(await fx.b2.headObject('copy/replaced')).toMatchObject({
      contentType: 'application/octet-stream',
      metadata: { new: '1' },
    });
    expect(await (await fx.b2.getObject('copy/replaced')).text()).toBe('copied body');
  });

  it('copies a given source version, and reports a missing source as 404', async () => {
    const v1 = await fx.b2.putObject('copy/multi', 'first');
    await fx.b2.putObject('copy/multi', 'second');
    await fx.b2.copyObject('copy/multi', 'copy/from-v1', { sourceVersionId: v1.versionId });
    expect(await (await fx.b2.getObject('copy/from-v1')).text()).toBe('first');
    await expect(fx.b2.copyObject('copy/none', 'copy/x')).rejects.toSatisfy(isNotFound);
  });
});
