// The lock contract (test/conformance/lock-contract.ts) on S3Session against the integration run's
// S3 server (Ceph RGW), one bucket per test, without versioning: it qualifies for the conditional
// strategy, so 'auto' runs it.
import { describeLockContract } from '../conformance/lock-contract.js';
import { createTestBucket, destroyTestBucket } from '../support/s3-bucket.js';

describeLockContract(
  'S3Session',
  async () => {
    const session = await createTestBucket('lock-contract');
    return { session, cleanup: () => destroyTestBucket(session) };
  },
  // Ceph RGW stamps milliseconds: a short settle delay covers it on loopback
  {
    strategies: ['ticket', 'conditional', 'auto'],
    timing: { settleDelayMs: 30, pollIntervalMs: 40 },
    autoResolvesTo: 'conditional',
  },
);
