import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../../../src/store/key-order.js';

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
/** Strings of whole code points, biased to the ranges where UTF-16 and UTF-8 order disagree. */
const key = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'z', '\uD7FF', '\uE000', '\uFFFD', '\uFFFF', '😀', '\u{10FFFF}', '\u0000'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 8,
});

describe('compareKeys (S3 key order)', () => {
  it('orders as UTF-8 bytes do, for any two strings', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8Order(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts characters above U+FFFF after U+E000–U+FFFF, unlike JavaScript string order', () => {
    expect('😀' < '\uFFFF').toBe(true);
    expect(compareKeys('😀', '\uFFFF')).toBeGreaterThan(0);
    expect(compareKeys('\uE000', '😀')).toBeLessThan(0);
    expect(['b', '😀', '\uFFFF', 'B', 'a/b', 'a'].sort(compareKeys)).toEqual([
      'B',
      'a',
      'a/b',
      'b',
      '\uFFFF',
      '😀',
    ]);
  });

  it('sorts a prefix before its extensions and equal keys as equal', () => {
    expect(compareKeys('abc', 'abcd')).toBeLessThan(0);
    expect(compareKeys('abcd', 'abc')).toBeGreaterThan(0);
    expect(compareKeys('😀x', '😀x')).toBe(0);
  });
});
