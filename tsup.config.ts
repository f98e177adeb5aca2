import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' },
  define: { __S3FUNC_VERSION__: JSON.stringify(version) },
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: true,
  // no source maps: the output is not minified, and maps were two thirds of the installed size
  sourcemap: false,
  clean: true,
  splitting: false,
  treeshake: true,
  // nanoid 5 ships ESM only; bundling its few lines keeps the CJS build loadable on Node 20.18.
  noExternal: ['nanoid'],
});
