import { MemorySession } from '../../src/index.js';
import { describeLockContract } from './lock-contract.js';
import { describeStoreContract } from './store-contract.js';

for (const versioning of [false, true]) {
  describeStoreContract(
    `MemorySession${versioning ? ' with versioning' : ''}`,
    async () => {
      const session = new MemorySession({ versioning });
      return { session, cleanup: () => session.close() };
    },
    { versioned: versioning },
  );
}

describeLockContract(
  'MemorySession',
  async () => {
    const session = new MemorySession();
    return { session, cleanup: () => session.close() };
  },
  {
    strategies: ['ticket', 'conditional', 'auto'],
    timing: { settleDelayMs: 5, pollIntervalMs: 20 },
    autoResolvesTo: 'conditional',
  },
);
