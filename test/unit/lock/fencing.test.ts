import { describe, expect, it } from 'vitest';
import { nextToken, parseFenceTokens } from '../../../src/lock/fencing.js';
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
