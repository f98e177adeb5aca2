import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { prepareBody, readParts } from '../../../src/store/request-body.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const chunks = () => [Buffer.from('ab'), Buffer.from('cde'), Buffer.from('f')];

describe('prepareBody', () => {
  it('turns a string into its UTF-8 bytes', () => {
    expect(prepareBody('héllo 😀')).toEqual({ kind: 'bytes', bytes: Buffer.from('héllo 😀', 'utf8') });
    expect(prepareBody('')).toEqual({ kind: 'bytes', bytes: Buffer.alloc(0) });
  });

  it('keeps a Uint8Array (or a Buffer, or a view) as it is, without copying', () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5]);
    const view = backing.subarray(1, 4);
    const prepared = prepareBody(view);
    expect(prepared.kind).toBe('bytes');
    expect(prepared.kind === 'bytes' && prepared.bytes).toBe(view);
    const buffer = Buffer.from('x');
    expect(prepareBody(buffer)).toEqual({ kind: 'bytes', bytes: buffer });
  });

  it('wraps a Node Readable as a one-shot stream that reports when it was consumed', async () => {
    const source = Readable.from(chunks());
    const prepared = prepareBody(source);
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    expect(prepared.replayable).toBe(false);
    expect(prepared.consumed()).toBe(false);
    const opened = prepared.open();
    expect(opened).toBe(source);
    expect(prepared.consumed()).toBe(false); // opened, nothing read yet
    expect((await readAll(opened)).toString()).toBe('abcdef');
    expect(prepared.consumed()).toBe(true);
    // a second open gives the same, spent stream: there is nothing to resend
    expect(prepared.open()).toBe(source);
  });

  it('counts a destroyed one-shot stream as consumed', () => {
    const source = Readable.from(chunks());
    const prepared = prepareBody(source);
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    prepared.open();
    source.destroy();
    expect(prepared.consumed()).toBe(true);
  });

  it('does not count a stream nobody opened as consumed, even if read elsewhere', async () => {
    const source = Readable.from(chunks());
    const prepared = prepareBody(source);
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    await readAll(source);
    expect(prepared.consumed()).toBe(false);
  });

  it('wraps a web ReadableStream', async () => {
    const parts = chunks();
    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const prepared = prepareBody(web);
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    expect(prepared.replayable).toBe(false);
    expect((await readAll(prepared.open())).toString()).toBe('abcdef');
    expect(prepared.consumed()).toBe(true);
  });

  it('wraps an async iterable (a generator, a custom iterable)', async () => {
    async function* gen() {
      yield new Uint8Array([104, 105]);
      yield Buffer.from('!');
    }
    const prepared = prepareBody(gen());
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    expect(prepared.replayable).toBe(false);
    expect((await readAll(prepared.open())).toString()).toBe('hi!');

    const custom = {
      async *[Symbol.asyncIterator]() {
        yield Buffer.from('custom');
      },
    };
    const other = prepareBody(custom);
    if (other.kind !== 'stream') throw new Error('expected a stream');
    expect((await readAll(other.open())).toString()).toBe('custom');
  });

  it('calls a stream factory once per open, so it is replayable and never "consumed"', async () => {
    let calls = 0;
    const prepared = prepareBody(() => {
      calls++;
      return Readable.from(chunks());
    });
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    expect(prepared.replayable).toBe(true);
    expect(calls).toBe(0);
    expect((await readAll(prepared.open())).toString()).toBe('abcdef');
    expect(prepared.consumed()).toBe(false);
    expect((await readAll(prepared.open())).toString()).toBe('abcdef');
    expect(calls).toBe(2);
  });

  it('accepts a factory returning a web stream or an async iterable', async () => {
    const web = prepareBody(
      () =>
        new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array([65]));
            c.close();
          },
        }),
    );
    if (web.kind !== 'stream') throw new Error('expected a stream');
    expect((await readAll(web.open())).toString()).toBe('A');
    const iter = prepareBody(() =>
      (async function* () {
        yield Buffer.from('B');
      })(),
    );
    if (iter.kind !== 'stream') throw new Error('expected a stream');
    expect((await readAll(iter.open())).toString()).toBe('B');
  });

  it('refuses anything else with ConfigError naming the option', () => {
    for (const bad of [42, null, undefined, {}, [1, 2], { length: 1 }, true, Symbol('x')]) {
      let error: unknown;
      try {
        prepareBody(bad as never, 'body');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe('body');
    }
  });

  it('refuses a factory that returns something else only when it is opened', () => {
    const prepared = prepareBody((() => 'not a stream') as never);
    if (prepared.kind !== 'stream') throw new Error('expected a stream');
    expect(() => prepared.open()).toThrow(ConfigError);
  });
});

describe('readParts', () => {
  async function parts(input: Uint8Array[], partSize: number, spare?: Buffer[]): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for await (const part of readParts(Readable.from(input, { objectMode: false }), partSize, spare)) {
      out.push(Buffer.from(part)); // a copy: with `spare`, the buffer itself is refilled later
      spare?.push(part);
    }
    return out;
  }

  it('cuts parts of exactly partSize, the last one shorter', async () => {
    const result = await parts([Buffer.from('abcdefghij')], 4);
    expect(result.map(String)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('joins small chunks and splits large ones', async () => {
    const result = await parts(
      [Buffer.from('a'), Buffer.from('bc'), Buffer.from('defghijklmn'), Buffer.from('o')],
      5,
    );
    expect(result.map(String)).toEqual(['abcde', 'fghij', 'klmno']);
  });

  it('yields nothing for an empty stream and no empty last part', async () => {
    expect(await parts([], 4)).toEqual([]);
    expect((await parts([Buffer.from('abcd'), Buffer.from('efgh')], 4)).map(String)).toEqual([
      'abcd',
      'efgh',
    ]);
  });

  it('accepts string chunks', async () => {
    const stream = Readable.from(['ab', 'cd', 'e'], { objectMode: true });
    const out: string[] = [];
    for await (const part of readParts(stream, 2)) out.push(part.toString());
    expect(out).toEqual(['ab', 'cd', 'e']);
  });

  it('reads views into larger buffers at their offset', async () => {
    const backing = Buffer.from('XXabcdefYY');
    expect((await parts([new Uint8Array(backing.buffer, backing.byteOffset + 2, 6)], 4)).map(String)).toEqual(
      ['abcd', 'ef'],
    );
  });

  it('gives each part its own buffer when nothing is handed back', async () => {
    const seen: Buffer[] = [];
    for await (const part of readParts(Readable.from([Buffer.alloc(12, 1)]), 4)) seen.push(part);
    expect(new Set(seen.map((b) => b.buffer)).size).toBe(3);
    expect(seen.every((b) => b.equals(Buffer.alloc(4, 1)))).toBe(true);
  });

  it('refills part buffers handed back through spare instead of allocating', async () => {
    const spare: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const contents: string[] = [];
    for await (const part of readParts(Readable.from([Buffer.from('aaaabbbbccccdddd')]), 4, spare)) {
      buffers.add(part.buffer);
      contents.push(part.toString());
      spare.push(part);
    }
    expect(contents).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd']);
    expect(buffers.size).toBe(1);
  });

  it('ignores handed-back buffers of the wrong size', async () => {
    const spare = [Buffer.alloc(3)];
    const out: Buffer[] = [];
    for await (const part of readParts(Readable.from([Buffer.from('abcd')]), 4, spare)) out.push(part);
    expect(out.map(String)).toEqual(['abcd']);
    expect(out[0]?.length).toBe(4);
  });

  it('reassembles exactly the input for any chunking and part size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (input, partSize, recycle) => {
          const result = await parts(input, partSize, recycle ? [] : undefined);
          const whole = Buffer.concat(input);
          expect(Buffer.concat(result).equals(whole)).toBe(true);
          expect(result.length).toBe(Math.ceil(whole.length / partSize));
          // every part but the last is exactly partSize; the last is 1..partSize
          for (const p of result.slice(0, -1)) expect(p.length).toBe(partSize);
          const last = result.at(-1);
          if (last) {
            expect(last.length).toBeGreaterThan(0);
            expect(last.length).toBeLessThanOrEqual(partSize);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds at most one part plus one chunk: it yields a part before reading past it', async () => {
    let pulled = 0;
    const source = new Readable({
      read() {
        pulled++;
        this.push(pulled <= 10 ? Buffer.alloc(3, pulled) : null);
      },
      highWaterMark: 1,
    });
    const iterator = readParts(source, 6)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.length).toBe(6);
    // two chunks make the first part; the stream may have read ahead by its own small buffer only
    expect(pulled).toBeLessThanOrEqual(4);
    await iterator.return?.(undefined);
  });
});
