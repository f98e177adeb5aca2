/**
 * Source mutants: a module of `src/` with a safeguard removed by exact text replacement, loaded in
 * place of the real one (`vi.mock(path, () => mutated(path, edits))`). Each edit must match exactly
 * once, so a mutant whose code moved fails loudly instead of silently testing the unmutated code.
 *
 * The mutated text is written under `test/sim/.mutants/` (ignored by git) with its relative imports
 * made absolute, so it shares every other module (and their state) with the code under test.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'test', 'sim', '.mutants');

/** One edit: `from` (which must occur exactly once) becomes `to`. */
export type Edit = readonly [from: string, to: string];

/**
 * Imports `src/<path>` with `edits` applied. `path` is relative to the repository root
 * (`src/lock/inspect.ts`).
 */
export async function mutated<T>(path: string, edits: readonly Edit[]): Promise<T> {
  const file = join(ROOT, path);
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new Error(`mutant of ${path}: expected exactly one ${JSON.stringify(from.slice(0, 80))}`);
    }
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  // relative imports point at the real modules, wherever the copy lives
  text = text.replace(/(from\s+|import\()'(\.{1,2}\/[^']+)'/g, (_m, head: string, rel: string) => {
    return `${head}'${resolve(dirname(file), rel)}'`;
  });
  mkdirSync(OUT, { recursive: true });
  const id = createHash('sha1').update(text).digest('hex').slice(0, 12);
  const copy = join(OUT, `${path.replace(/[/\\.]/g, '_')}-${id}.ts`);
  writeFileSync(copy, text);
  return (await import(copy)) as T;
}
