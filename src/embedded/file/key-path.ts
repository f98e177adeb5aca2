/**
 * Where `FileSession` keeps a key: a relative path whose every component is a safe, reversible
 * encoding of part of the key.
 *
 * - Each character is kept when it is one of `a-z 0-9 - _` (or `.` not first in a component), and
 *   otherwise written as its UTF-8 bytes in lower-case `%xx`. Names are therefore plain ASCII
 *   without upper case (no clashes on case-insensitive or normalising file systems such as macOS),
 *   never `.`, `..` or hidden, and never contain a path separator: no key can name a path outside
 *   the store, and distinct keys get distinct paths.
 * - A component ends after each `/` of the key, and before it would exceed {@link MAX_COMPONENT_CHARS}
 *   (file names are limited to 255 bytes; keys may be 1024 UTF-8 bytes, or 3072 characters encoded).
 *   All components but the last are directories and carry the suffix `~` (which encoded text never
 *   contains), so the key `a/` (file `a%2f`) and the key `a/b` (directory `a%2f~`) cannot collide.
 * - The split is decided left to right, so a key's path starts with the path of each of its
 *   prefixes' complete components: a listing under `logs/` reads only the directory `logs%2f~`.
 *
 * @module
 */

/** Longest component written, in bytes (ASCII), leaving room for the suffix under NAME_MAX (255). */
export const MAX_COMPONENT_CHARS = 200;
/** Suffix of directories that continue keys; `~` is always escaped in encoded text. */
export const DIR_SUFFIX = '~';

const KEPT = /^[a-z0-9_-]$/;
/** Encodings of the ASCII characters, computed once. */
const ASCII_ENCODING = Array.from({ length: 128 }, (_, code) => {
  const ch = String.fromCharCode(code);
  return KEPT.test(ch) ? ch : `%${code.toString(16).padStart(2, '0')}`;
});

function encodeChar(ch: string, atStart: boolean): string {
  const code = ch.charCodeAt(0);
  if (code === 0x2e && !atStart) return '.';
  if (code < 128) return ASCII_ENCODING[code] as string;
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * The path components of `key`, directories (with their suffix) first, the object file last.
 *
 * @example
 * ```ts
 * keyToPath('logs/Day 1.txt'); // ['logs%2f~', '%44ay%201.txt']
 * ```
 */
export function keyToPath(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const ch of key) {
    let encoded = encodeChar(ch, current === '');
    if (current.length + encoded.length > MAX_COMPONENT_CHARS) {
      parts.push(current);
      current = '';
      encoded = encodeChar(ch, true);
    }
    current += encoded;
    if (ch === '/') {
      parts.push(current);
      current = '';
    }
  }
  if (current !== '') parts.push(current);
  return parts.map((part, i) => (i < parts.length - 1 ? part + DIR_SUFFIX : part));
}

/**
 * The part of a key one component stands for (directory suffix removed by the caller), or
 * undefined when the name is not an encoding at all (a stray file).
 */
export function decodeComponent(name: string): string | undefined {
  if (name === '' || name.includes(DIR_SUFFIX)) return undefined;
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}

/** True when `parts` is exactly the path {@link keyToPath} gives `key` (rejects stray and foreign names). */
export function isPathOf(key: string, parts: readonly string[]): boolean {
  const expected = keyToPath(key);
  return expected.length === parts.length && expected.every((part, i) => part === parts[i]);
}
