/**
 * FileSession across OS processes: create-only puts race to exactly one winner per key, and
 * readers never see a body with another write's metadata while writers replace it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSession } from '../../../../src/index.js';

const run = promisify(execFile);
/** Processes per race: more than the cores of a small CI machine, so they truly interleave. */
const PROCESSES = 8;
/** Time for every child to start before the common start instant. */
const START_DELAY_MS = 1500;

let dir: string;
let child: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3func-file-race-'));
  child = join(dir, 'race-child.mjs');
  // plain node cannot run TypeScript (Node 20): bundle the child with the library's source
  await build({
    entryPoints: [join(import.meta.dirname, 'race-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function children(args: (i: number) => string[]): Promise<Record<string, unknown>[]> {
  const startAt = String(Date.now() + START_DELAY_MS);
  const outputs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => {
      const [mode, root, ...rest] = args(i);
      return run(process.execPath, [child, mode as string, root as string, startAt, String(i), ...rest]);
    }),
  );
  return outputs.map(({ stdout }) => JSON.parse(stdout) as Record<string, unknown>);
}

describe('FileSession across processes', () => {
  it(`create-only puts: of ${PROCESSES} processes racing for each key exactly one wins`, async () => {
    const root = join(dir, 'create');
    const keys = Array.from({ length: 20 }, (_, i) => `fence/${i}`);
    const results = await children((i) => ['create', root, ...(i % 2 ? [...keys].reverse() : keys)]);
    const store = new FileSession({ root });
    for (const key of keys) {
      const winners = results.filter((r) => (r.won as string[]).includes(key));
      expect(winners, key).toHaveLength(1);
      expect(await (await store.getObject(key)).text()).toBe(String(winners[0]?.id));
    }
  }, 60_000);

  it('readers never see a torn object while writers in other processes replace it', async () => {
    const root = join(dir, 'rewrite');
    const store = new FileSession({ root });
    await store.putObject('hot', 'seed', {
      metadata: { sum: createHash('md5').update('seed').digest('hex') },
    });
    const results = await children((i) => [i % 2 ? 'read' : 'rewrite', root, 'hot', '150']);
    const readers = results.filter((r) => 'read' in r);
    expect(readers.reduce((n, r) => n + (r.read as number), 0)).toBeGreaterThan(0);
    for (const r of readers) expect(r.torn).toBe(0);
    const final = await store.getObject('hot');
    expect(final.metadata.sum).toBe(final.etag);
  }, 60_000);
});
