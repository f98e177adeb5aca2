import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // B2Session against the B2 native-API test server (test/support/b2-server), one server per file
      { extends: true, test: { name: 'b2', include: ['test/b2/**/*.test.ts'], testTimeout: 60_000 } },
      // the store contract on the embedded stores (MemorySession, FileSession); S3 runs it in `integration`.
      // Its properties run dozens of cases of real file I/O per test: outcomes are asserted, not speed
      // (a busy machine took FileSession's 40 key round-trips past vitest's default 5 s)
      {
        extends: true,
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 60_000 },
      },
      // fast-check simulations of the lock core on virtual time (test/sim/README.md)
      {
        extends: true,
        test: {
          name: 'sim',
          include: ['test/sim/**/*.test.ts'],
          setupFiles: ['test/sim/setup.ts'],
          globalSetup: ['test/sim/global-setup.ts'],
          // pure CPU and independent files: use both cores (the default leaves one idle on 2)
          maxWorkers: 2,
          // `npm run sim` (SIM_RUNS) runs for many minutes per property
          testTimeout: process.env.SIM_RUNS ? 0 : 600_000,
        },
      },
      // the built CLI and the examples as processes; examples also run on S3 when the env names one
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // one real server: files run one after the other so timing-sensitive tests are not starved
          fileParallelism: false,
        },
      },
      // faults, crashes, load, bad input and secrets against Ceph (test/reliability/README.md);
      // short here, long under `npm run soak` (SOAK_MINUTES)
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: process.env.SOAK_MINUTES ? 0 : 120_000,
          hookTimeout: 60_000,
          // one real server and timing-sensitive process tests: one file at a time
          fileParallelism: false,
        },
      },
    ],
  },
});
