import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const ERRORS = resolve('src/errors.ts');
/** Modules the default credentials chain imports on demand; all of them live in dist/credentials.*. */
const LAZY_CREDENTIALS = new Set(
  [
    'chain-run.ts',
    'ini/files.ts',
    'sources/container.ts',
    'sources/imds.ts',
    'sources/profile.ts',
    'sources/web-identity.ts',
  ].map((p) => resolve('src/s3/credentials', p)),
);

/**
 * Three files instead of one: the credentials sources past the environment (about 80 KB) go to
 * dist/credentials.*, loaded on first use, since parsing them on every import cost 2–5 ms of cold
 * start (measured: `npm run bench`'s import ratio against the SDK is a target). The error classes go
 * to dist/errors.*, shared by the entry points and the credentials file, so `instanceof
 * CredentialsError` holds whichever file threw. Esbuild's own code splitting was measured slower:
 * it made a dozen chunks of the shared code.
 */
const separateFiles: EsbuildPlugin = {
  name: 's3func-separate-files',
  setup(build) {
    // tsup builds both formats as ESM and converts for CJS afterwards; it names the format here
    const ext = build.initialOptions.define?.TSUP_FORMAT === '"cjs"' ? '.cjs' : '.js';
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (target === ERRORS && args.kind !== 'entry-point') return { path: `./errors${ext}`, external: true };
      if (LAZY_CREDENTIALS.has(target) && args.kind === 'dynamic-import') {
        return { path: `./credentials${ext}`, external: true };
      }
      return undefined;
    });
  },
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/bin.ts',
    errors: 'src/errors.ts',
    credentials: 'src/s3/credentials/lazy.ts',
  },
  define: { __S3FUNC_VERSION__: JSON.stringify(version) },
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' } },
  // no source maps: the output is not minified, and maps were two thirds of the installed size
  sourcemap: false,
  clean: true,
  splitting: false,
  treeshake: true,
  // nanoid 5 ships ESM only; bundling its few lines keeps the CJS build loadable on Node 20.18.
  noExternal: ['nanoid'],
  esbuildPlugins: [separateFiles],
});
