// Acquires and releases a lock on a MemorySession many times and prints how much the heap (after
// forced GCs) grew per cycle. Run with --expose-gc; argv[2] is the number of measured cycles.
const { MemorySession } = await import(process.env.S3FUNC_DIST ?? '../../dist/index.js');

const cycles = Number(process.argv[2] ?? 3000);
const session = new MemorySession();
const options = { leaseMs: 15_000, settleDelayMs: 1, pollIntervalMs: 10 };
const cycle = async (i) => {
  if (i % 2 === 0) {
    const lock = session.lock('probe', options);
    await lock.acquire();
    await lock.release();
  } else {
    await session.withLock('probe', async () => {}, { ...options, mode: 'shared' });
  }
};
const settledHeap = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20)); // lets finalization callbacks run
  }
  return process.memoryUsage().heapUsed;
};
for (let i = 0; i < 300; i++) await cycle(i); // warm-up: JIT, inline caches
const before = await settledHeap();
for (let i = 0; i < cycles; i++) await cycle(i);
const after = await settledHeap();
process.stdout.write(`${JSON.stringify({ cycles, bytesPerCycle: Math.round((after - before) / cycles) })}\n`);
