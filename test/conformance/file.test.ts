import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSession } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract(
  'FileSession',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 's3func-file-contract-'));
    const session = new FileSession({ root });
    return {
      session,
      cleanup: async () => {
        await session.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { versioned: false },
);
