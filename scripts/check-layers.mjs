#!/usr/bin/env node
// `node scripts/check-layers.mjs`: checks that src/ is layered (ARCHITECTURE.md): every relative
// import (static, `export … from` and dynamic `import()`) goes to the same layer or one below, and
// no module imports itself through others (no import cycle). Exits 1 with the offending imports.
//
// Known exceptions are listed below with their reason; one that no longer occurs fails the check
// too, so the list only shrinks.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layers from the bottom; a module may import its own layer and those below. Prefixes of src/ paths. */
export const LAYERS = [
  { name: 'util', paths: ['util/'] },
  { name: 'errors', paths: ['errors.ts'] },
  { name: 'store contract', paths: ['store/'] },
  { name: 'http', paths: ['http/'] },
  // the clients and the embedded stores: siblings, none imports another
  { name: 's3', paths: ['s3/'], siblings: 'clients' },
  { name: 'b2', paths: ['b2/'], siblings: 'clients' },
  { name: 'embedded stores', paths: ['embedded/'], siblings: 'clients' },
  { name: 'probe', paths: ['probe/'] },
  { name: 'lock', paths: ['lock/'] },
  { name: 'election', paths: ['election/'] },
  { name: 'session', paths: ['lock/session-base.ts'] },
  { name: 'cli', paths: ['cli/'] },
  { name: 'package entry', paths: ['index.ts'] },
];

/** Imports that break the layering today, each with why; to be removed, never added to. */
export const KNOWN = [
  {
    from: 's3/session.ts',
    to: 'lock/session-base.ts',
    why: 'the client sessions extend CoordinationSession (issue 15: invert)',
  },
  {
    from: 'b2/session.ts',
    to: 'lock/session-base.ts',
    why: 'the client sessions extend CoordinationSession (issue 15: invert)',
  },
  {
    from: 'embedded/session.ts',
    to: 'lock/session-base.ts',
    why: 'the client sessions extend CoordinationSession (issue 15: invert)',
  },
];

const SPECIFIER =
  /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The layer index of a path relative to src/ (the most specific prefix wins), or -1. */
function layerOf(path, layers) {
  let best = -1;
  let bestLength = -1;
  layers.forEach((layer, i) => {
    for (const prefix of layer.paths) {
      if ((path === prefix || path.startsWith(prefix)) && prefix.length > bestLength) {
        best = i;
        bestLength = prefix.length;
      }
    }
  });
  return best;
}

/** Relative imports of every module under `root`: a map from module to the modules it imports. */
export function importGraph(root) {
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const targets = new Set();
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), m[1] ?? m[2]).replace(/\.js$/, '.ts');
      targets.add(relative(root, target));
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

/** Import cycles (strongly connected components of more than one module, or a self-import). */
export function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Every problem of the tree under `root`, as lines to print; empty when it is layered. */
export function checkLayers(root, { layers = LAYERS, known = KNOWN } = {}) {
  const graph = importGraph(root);
  const problems = [];
  const seenKnown = new Set();
  for (const [from, targets] of graph) {
    const a = layerOf(from, layers);
    if (a < 0) problems.push(`${from}: in no layer (add its folder to LAYERS in scripts/check-layers.mjs)`);
    for (const to of targets) {
      const b = layerOf(to, layers);
      if (a < 0 || b < 0 || a === b) continue;
      const sideways = layers[a].siblings !== undefined && layers[a].siblings === layers[b].siblings;
      if (b < a && !sideways) continue;
      const exception = known.find((k) => k.from === from && k.to === to);
      if (exception) {
        seenKnown.add(exception);
        continue;
      }
      problems.push(
        `${from} (${layers[a].name}) imports ${to} (${layers[b].name}): ${sideways ? 'a sibling layer' : 'a layer above'}`,
      );
    }
  }
  for (const k of known) {
    if (!seenKnown.has(k))
      problems.push(`known exception ${k.from} → ${k.to} no longer occurs: remove it from KNOWN`);
  }
  for (const c of cycles(graph)) problems.push(`import cycle: ${c.join(' → ')}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const problems = checkLayers(root);
  if (problems.length > 0) {
    console.error(
      `layers: ${problems.length} problem(s) in src/ (see ARCHITECTURE.md)\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(
    `layers: ${importGraph(root).size} modules, layered, no import cycle (${KNOWN.length} known exceptions)`,
  );
}
