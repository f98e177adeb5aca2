// setupFiles of the `sim` project: lock ids come from the case's seeded stream (see lock-ids.ts).
import { vi } from 'vitest';

vi.mock('../../src/lock/names.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lock/names.js')>();
  const { nextLockId } = await import('./lock-ids.js');
  return { ...original, newLockId: () => nextLockId() };
});

// The S3 contenders' sessions load undici on their first request, by a dynamic import that real I/O
// resolves: loaded here, before any case runs, that first request is as deterministic as the rest.
const { loadUndici } = await import('../../src/http/undici-loader.js');
await loadUndici();
