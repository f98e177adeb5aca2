import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_TEMP_MS } from '../../../../src/embedded/file/layout.js';
import { ConfigError, DeleteObjectsError, FileSession } from '../../../../src/index.js';

let root: string;
let store: FileSession;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3func-file-'));
  store = new FileSession({ root });
});

afterEach(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

async function keys(session: FileSession): Promise<string[]> {
  const out: string[] = [];
  for await (const o of session.listObjects()) out.push(o.key);
  return out;
}

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('FileSession', () => {
  it('is the directory, not the session: other sessions see the writes, before and after close', async () => {
    const other = new FileSession({ root });
    await store.putObject('shared/a', 'from one');
    expect(await (await other.getObject('shared/a')).text()).toBe('from one');
    await other.putObject('shared/b', 'from two');
    await other.close();
    expect(await keys(new FileSession({ root }))).toEqual(['shared/a', 'shared/b']);
  });

  it('keeps objects under objects/ at encoded paths, and nothing in tmp/ once writes finish', async () => {
    await store.putObject('Logs/day 1.txt', 'x');
    await store.putObject('job.lock.0123456789abc-0', '1');
    expect(await files(join(root, 'objects'))).toEqual([
      '%4cogs%2f~/day%201.txt',
      'job.lock.0123456789abc-0',
    ]);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    const onDisk = await readFile(join(root, 'objects', 'job.lock.0123456789abc-0'));
    expect(onDisk.subarray(0, 1).toString()).toBe('1');
  });

  it('skips stray files and directories in listings; a stray file at a key reads as missing', async () => {
    await store.putObject('real', 'x');
    await writeFile(join(root, 'objects', 'notes.txt'), 'not an object');
    await writeFile(join(root, 'objects', 'UPPER'), 'not an encoding');
    await mkdir(join(root, 'objects', 'junk~'), { recursive: true });
    await writeFile(join(root, 'objects', 'junk~', 'x'), 'stray');
    expect(await keys(store)).toEqual(['real']);
    await expect(store.headObject('notes.txt')).rejects.toMatchObject({ status: 404 });
  });

  it('nests long keys in directories and removes the empty ones on delete', async () => {
    const long = `${'é'.repeat(300)}/x`;
    await store.putObject(long, 'deep');
    expect((await files(join(root, 'objects')))[0]?.split('/').length).toBeGreaterThan(5);
    expect(await keys(store)).toEqual([long]);
    await store.deleteObject(long);
    expect(await readdir(join(root, 'objects'))).toEqual([]);
  });

  it('removes stale temporary files on first use and keeps fresh ones', async () => {
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', 'old.tmp'), 'left by a crash');
    const past = new Date(Date.now() - STALE_TEMP_MS - 60_000);
    await utimes(join(root, 'tmp', 'old.tmp'), past, past);
    await writeFile(join(root, 'tmp', 'busy.tmp'), 'another writer');
    await keys(store);
    expect(await readdir(join(root, 'tmp'))).toEqual(['busy.tmp']);
  });

  it('a failed or refused upload leaves neither an object nor a temporary file', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('disk on fire'));
      },
    });
    await expect(store.putObject('k', failing)).rejects.toThrow('disk on fire');
    await expect(store.putObject('k', 'abc', { contentLength: 5 })).rejects.toBeInstanceOf(ConfigError);
    const controller = new AbortController();
    const slow = (async function* () {
      yield Buffer.from('a');
      controller.abort();
      yield Buffer.from('b');
    })();
    await expect(store.putObject('k', slow, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(store.headObject('k')).rejects.toMatchObject({ status: 404 });
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('stamps writes in milliseconds that never go backwards within the process, and sets mtime to match', async () => {
    let previous = 0;
    for (let i = 0; i < 60; i++) {
      const key = i % 3 === 0 ? 'a' : `k${i}`;
      await store.putObject(key, String(i));
      const { lastModified } = await store.headObject(key);
      expect(lastModified.getTime()).toBeGreaterThanOrEqual(previous);
      previous = lastModified.getTime();
    }
    const { mtimeMs } = await stat(join(root, 'objects', 'a'));
    // utimes goes through a float of seconds, so the nanoseconds may land just below the millisecond
    expect(Math.round(mtimeMs)).toBe((await store.headObject('a')).lastModified.getTime());
  });

  it('reports a key it cannot delete in a DeleteObjectsError, with the system error code', async () => {
    await store.putObject('ok', 'x');
    await mkdir(join(root, 'objects', 'blocked', 'inside'), { recursive: true });
    const error = await store.deleteObjects(['ok', 'blocked']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    expect(error).toMatchObject({ deleted: [{ key: 'ok' }], failures: [{ key: 'blocked' }] });
    expect((error as DeleteObjectsError).failures[0]?.code).toMatch(/^E[A-Z]+$/);
  });

  it.runIf(process.platform === 'linux')(
    'leaves no file open after reads, heads, ranges, dumps and misses (Linux: /proc)',
    async () => {
      const open = async () => (await readdir('/proc/self/fd')).length;
      await store.putObject('f', 'x'.repeat(100_000));
      await store.putObject('empty', '');
      const before = await open();
      for (let i = 0; i < 20; i++) {
        await (await store.getObject('f')).text();
        await (await store.getObject('f', { range: { start: 10, end: 20 } })).bytes();
        await (await store.getObject('empty')).text();
        await (await store.getObject('f')).dump();
        await store.headObject('f');
        await store.getObject('missing').catch(() => {});
        await store.copyObject('f', 'g');
        await keys(store);
      }
      expect(await open()).toBeLessThanOrEqual(before);
    },
  );

  it('checks its options', () => {
    expect(() => new FileSession({} as never)).toThrow(ConfigError);
    expect(() => new FileSession({ root: '' })).toThrow(/root must be a non-empty path/);
    expect(() => new FileSession({ root, versioning: true } as never)).toThrow(/unknown option "versioning"/);
    expect(new FileSession({ root: 'relative/dir' }).root).toBe(join(process.cwd(), 'relative/dir'));
  });

  it('holds locks (the lock core over the object API), leaving only the fencing counter', async () => {
    const order: string[] = [];
    const fast = { settleDelayMs: 5, pollIntervalMs: 5, cleanupOnExit: false };
    await Promise.all(
      ['a', 'b'].map((who) =>
        store.withLock(
          'job',
          async () => {
            order.push(`${who}:in`);
            await new Promise((r) => setTimeout(r, 20));
            order.push(`${who}:out`);
          },
          fast,
        ),
      ),
    );
    expect(order.map((e) => e.split(':')[1])).toEqual(['in', 'out', 'in', 'out']);
    expect((await keys(store)).filter((k) => !k.startsWith('job.fence.'))).toEqual([]);
  }, 30_000);
});
