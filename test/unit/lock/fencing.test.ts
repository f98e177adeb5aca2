import { describe, expect, it } from 'vitest';
import { MemorySession } from '../../../src/index.js';
import { FENCE_PRUNE_EVERY, FENCES_KEPT, nextToken, parseFenceTokens } from '../../../src/lock/fencing.js';
import { fenceKey, lockKeys } from '../../../src/lock/names.js';

describe('fencing tokens', () => {
  const keys = lockKeys('job');
  it('the next token follows the highest listed one, numerically', () => {
    const listed = [
      fenceKey(keys, 9),
      fenceKey(keys, 10),
      fenceKey(keys, 2),
      'job.fence.junk',
      'other.fence.0000000000000099',
    ];
    expect(parseFenceTokens(keys, listed)).toEqual([2, 9, 10]);
    expect(nextToken(parseFenceTokens(keys, listed))).toBe(11);
    expect(nextToken([])).toBe(1);
  });
  it('fence keys sort in numeric order', () => {
    const sorted = [1, 2, 10, 100, 99].map((t) => fenceKey(keys, t)).sort();
    expect(sorted.map((k) => Number(k.slice(keys.fencePrefix.length)))).toEqual([1, 2, 10, 99, 100]);
  });
});

describe('fence pruning', () => {
  it('keeps the fence objects bounded over many acquisitions, tokens still rising', async () => {
    const session = new MemorySession();
    const counts: number[] = [];
    let last = 0;
    for (let i = 0; i < 40; i++) {
      const lock = session.lock('job', { settleDelayMs: 1, pollIntervalMs: 1, cleanupOnExit: false });
      expect(await lock.acquire()).toBe(true);
      expect(lock.fencingToken).toBe(last + 1);
      last = lock.fencingToken as number;
      await lock.release();
      let fences = 0;
      for await (const o of session.listObjects({ prefix: 'job.fence.' })) fences += o.key ? 1 : 0;
      counts.push(fences);
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(FENCES_KEPT + FENCE_PRUNE_EVERY);
    // pruned right after each multiple of FENCE_PRUNE_EVERY: only the newest FENCES_KEPT are left
    expect(counts[4 * FENCE_PRUNE_EVERY - 1]).toBe(FENCES_KEPT);
    expect(counts.at(-1)).toBeLessThan(40);
  });
});
