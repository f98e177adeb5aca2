import { MemorySession } from '../../src/index.js';
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
