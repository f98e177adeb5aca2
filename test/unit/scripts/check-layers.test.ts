/**
 * The layer check (scripts/check-layers.mjs) that `npm test` runs over src/: it passes on the tree
 * as it is, and it catches an import from a layer above, one between sibling layers, an import
 * cycle, a module in no layer and a known exception that no longer occurs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkLayers } from '../../../scripts/check-layers.mjs';

const check = checkLayers as (root: string, options?: object) => string[];
let root: string | undefined;

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('the layer check', () => {
  it('passes on src/ as it is', () => {
    expect(check(join(import.meta.dirname, '../../../src'))).toEqual([]);
  });

  it('catches an import from a layer above, a sibling, a cycle and a stray module', () => {
    const problems = check(
      tree({
        'util/clock.ts': "import { lock } from '../lock/lock.js';\n",
        'lock/lock.ts': "export const lock = 1;\nexport { x } from './a.js';\n",
        'lock/a.ts': "export { lock as x } from './lock.js';\n",
        's3/session.ts': "const b2 = await import('../b2/client.js');\n",
        'b2/client.ts': 'export {};\n',
        'stray/thing.ts': 'export {};\n',
      }),
      { known: [] },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'util/clock.ts (util) imports lock/lock.ts (lock): a layer above',
        's3/session.ts (s3) imports b2/client.ts (b2): a sibling layer',
        'import cycle: lock/a.ts → lock/lock.ts',
        'stray/thing.ts: in no layer (add its folder to LAYERS in scripts/check-layers.mjs)',
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('fails when a known exception no longer occurs, so the list only shrinks', () => {
    const problems = check(tree({ 'util/a.ts': 'export {};\n' }), {
      known: [{ from: 's3/session.ts', to: 'lock/session-base.ts', why: 'test' }],
    });
    expect(problems).toEqual([
      'known exception s3/session.ts → lock/session-base.ts no longer occurs: remove it from KNOWN',
    ]);
  });
});
