// The lock contract (test/conformance/lock-contract.ts) on B2Session against the B2 test server at
// B2's whole-second listing granularity: tickets, the one strategy B2 runs (it has no create-only
// writes; 'auto' resolving to tickets there is b2-locks.test.ts's). One server per test.
import { describeLockContract } from '../conformance/lock-contract.js';
import { startB2 } from './b2-fixture.js';

describeLockContract(
  'B2Session',
  async () => {
    const fx = await startB2({ timestampGranularityMs: 1000 });
    return { session: fx.b2, cleanup: () => fx.close() };
  },
  // whole-second timestamps: the settle delay must cover them; the test server has one clock
  { strategies: ['ticket'], timing: { settleDelayMs: 1000, pollIntervalMs: 100 } },
);
