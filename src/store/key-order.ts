/**
 * S3 key order: keys sort by their UTF-8 bytes, which is Unicode code point order. JavaScript's
 * `<` compares UTF-16 code units instead, and the two disagree whenever a character above U+FFFF
 * (a surrogate pair, such as an emoji) meets one in U+E000–U+FFFF: `'\uFFFF' < '😀'` in code points
 * but not in code units.
 *
 * @module
 */

const SURROGATE_START = 0xd800;
const SURROGATE_END = 0xdfff;
/** First code unit above the surrogates; private-use and the rest of the BMP start here. */
const AFTER_SURROGATES = 0xe000;
/** How far surrogates must move up, and U+E000–U+FFFF down, for code units to sort as code points. */
const SURROGATE_SHIFT = 0x2000;
const BMP_TAIL_SHIFT = 0x800;

/** Maps a UTF-16 code unit to a rank that orders like the code point it starts or continues. */
function rank(unit: number): number {
  if (unit >= AFTER_SURROGATES) return unit - BMP_TAIL_SHIFT;
  if (unit >= SURROGATE_START && unit <= SURROGATE_END) return unit + SURROGATE_SHIFT;
  return unit;
}

/**
 * Compares two keys in S3 order (UTF-8 byte order): negative when `a` sorts first, 0 when equal.
 * Linear in the common prefix, no allocation.
 *
 * @example
 * ```ts
 * ['\uFFFF', '😀', 'a'].sort(compareKeys); // ['a', '\uFFFF', '😀']
 * ```
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
