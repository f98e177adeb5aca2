import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSession } from '../../src/index.js';
import { describeLockContract } from './lock-contract.js';
import { describeStoreContract } from './store-contract.js';

async function fileSession() {
  const root = await mkdtemp(join(tmpdir(), 's3func-file-contract-'));
  const session = new FileSession({ root });
  return {
    session,
    cleanup: async () => {
      await session.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

describeStoreContract('FileSession', fileSession, { versioned: false });

describeLockContract('FileSession', fileSession, {
  strategies: ['ticket', 'conditional', 'auto'],
  timing: { settleDelayMs: 20, pollIntervalMs: 20 },
  autoResolvesTo: 'conditional',
});
