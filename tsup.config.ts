import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: false,
  treeshake: true,
  // nanoid 5 ships ESM only; bundling its few lines keeps the CJS build loadable on Node 20.18.
  noExternal: ['nanoid'],
});
