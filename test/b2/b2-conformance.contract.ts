// The store contract (test/conformance) on B2Session against the B2 test server: a fresh bucket
// per test on one server. B2 keeps versions (hide markers stand for delete markers) and has no
// conditional writes, which the contract skips with that reason.
import { afterAll, beforeAll } from 'vitest';
import { B2Session } from '../../src/index.js';
import { describeStoreContract } from '../conformance/store-contract.js';
import { B2TestServer } from '../support/b2-server/server.js';
import { FAST_RETRY } from './b2-fixture.js';

const server = new B2TestServer();
let buckets = 0;

beforeAll(async () => {
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

const NO_CONDITIONAL_WRITES =
  "B2's native API has no conditional writes; putObject refuses them with a ConfigError";

describeStoreContract(
  'B2Session',
  async () => {
    const bucket = server.createBucket(`contract-${++buckets}`);
    const session = new B2Session({ ...server.key, bucket, endpoint: server.endpoint, retry: FAST_RETRY });
    return { session, cleanup: () => session.close() };
  },
  {
    versioned: true,
    unsupported: {
      createOnlyPut: NO_CONDITIONAL_WRITES,
      ifMatchPut: NO_CONDITIONAL_WRITES,
      ifNoneMatchEtagPut: NO_CONDITIONAL_WRITES,
      nulInKeys: 'B2 file names may not contain characters below U+0020',
    },
    propertyRuns: 15,
  },
);
