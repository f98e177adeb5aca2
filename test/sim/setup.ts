// setupFiles of the `sim` project: lock ids come from the case's seeded stream (see lock-ids.ts).
import { vi } from 'vitest';

vi.mock('../../src/lock/names.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lock/names.js')>();
  const { nextLockId } = await import('./lock-ids.js');
  return { ...original, newLockId: () => nextLockId() };
});
