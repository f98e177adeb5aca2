/**
 * The store contract (test/conformance/store-contract.ts) on `B2Session` against the B2 test server:
 * a fresh bucket per test on one server. B2 keeps versions (hide markers stand for delete markers),
 * reports SHA-1 digests and throws `B2Error`; what it cannot do is skipped, visibly, with the reason.
 */
import { afterAll, beforeAll } from 'vitest';
import { B2Session } from '../../src/index.js';
import { describeStoreContract } from '../conformance/store-contract.js';
import { B2TestServer } from '../support/b2-server/server.js';
import { FAST_RETRY } from './b2-fixture.js';

/** `B2Session.putObject` refuses `ifNoneMatch`/`ifMatch` with a `ConfigError` (checked by the contract). */
const NO_CONDITIONAL_WRITES =
  "B2's native API has no conditional writes; putObject refuses them with a ConfigError";
/** Backblaze "Files", section "File Names": no character codes below 32, no DEL. */
const NO_CONTROL_CHARS = 'B2 file names may not contain characters below U+0020 or DEL';
/** `b2_hide_file` answers 400 no_such_file for a name without versions, so nothing is left behind. */
const NO_HIDE_WITHOUT_FILE = 'b2_hide_file cannot hide a name that has no file (400 no_such_file)';
/** Each case is a few dozen requests to the test server, so the property tests run fewer. */
const B2_PROPERTY_RUNS = 15;

const server = new B2TestServer();
let buckets = 0;

beforeAll(async () => {
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

describeStoreContract(
  'B2Session',
  async () => {
    const bucket = server.createBucket(`contract-${++buckets}`);
    const session = new B2Session({ ...server.key, bucket, endpoint: server.endpoint, retry: FAST_RETRY });
    return { session, cleanup: () => session.close() };
  },
  {
    versioned: true,
    listingDigest: 'sha1',
    requestError: 'B2Error',
    unsupported: {
      createOnlyPut: NO_CONDITIONAL_WRITES,
      ifMatchPut: NO_CONDITIONAL_WRITES,
      ifNoneMatchEtagPut: NO_CONDITIONAL_WRITES,
      nulInKeys: NO_CONTROL_CHARS,
      controlCharsInKeys: NO_CONTROL_CHARS,
      deleteMarkerForMissingKey: NO_HIDE_WITHOUT_FILE,
    },
    propertyRuns: B2_PROPERTY_RUNS,
  },
);
