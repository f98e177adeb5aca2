import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIR_SUFFIX,
  decodeComponent,
  isPathOf,
  keyToPath,
  MAX_COMPONENT_CHARS,
} from '../../../../src/embedded/file/key-path.js';

/** Valid keys: whole code points, up to S3's 1024 UTF-8 bytes, biased to path and case trouble. */
const key = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('/', '.', '..', '%', '~', 'A', 'a', '\\', ' ', '\u0000', 'é', '😀', '-', '_'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength: 400,
  })
  .filter((k) => Buffer.byteLength(k) <= 1024);

const decode = (parts: string[]) =>
  parts.map((p, i) => decodeComponent(i < parts.length - 1 ? p.slice(0, -DIR_SUFFIX.length) : p)).join('');

describe('keyToPath (FileSession key → file path)', () => {
  it('is reversible: the components decode back to the key', () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(decode(keyToPath(k))).toBe(k);
        expect(isPathOf(k, keyToPath(k))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes only safe names: lower-case ASCII, no separators, never . or .. or hidden, within NAME_MAX', () => {
    fc.assert(
      fc.property(key, (k) => {
        const parts = keyToPath(k);
        parts.forEach((part, i) => {
          const last = i === parts.length - 1;
          expect(part).toMatch(last ? /^[a-z0-9._%-]+$/ : /^[a-z0-9._%-]+~$/);
          expect(part.startsWith('.')).toBe(false);
          expect(part.length).toBeLessThanOrEqual(MAX_COMPONENT_CHARS + DIR_SUFFIX.length);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives two keys the same path, nor a file the path of a directory', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        fc.pre(a !== b);
        const pa = keyToPath(a).join('/');
        const pb = keyToPath(b).join('/');
        expect(pa).not.toBe(pb);
        // a file may not sit where the other key needs a directory
        expect(pb.startsWith(`${pa}/`)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('splits after each slash, so a prefix ending in / names a directory listings can descend into', () => {
    expect(keyToPath('logs/2024/Day 1.txt')).toEqual(['logs%2f~', '2024%2f~', '%44ay%201.txt']);
    expect(keyToPath('a/')).toEqual(['a%2f']);
    expect(keyToPath('a/b')).toEqual(['a%2f~', 'b']);
    expect(keyToPath('//')).toEqual(['%2f~', '%2f']);
    expect(keyToPath('..')).toEqual(['%2e.']);
    expect(keyToPath('../x')).toEqual(['%2e.%2f~', 'x']);
    expect(keyToPath('job.lock.0123456789abc-0')).toEqual(['job.lock.0123456789abc-0']);
  });

  it('keeps each prefix’s full components as the start of the key’s path', () => {
    fc.assert(
      fc.property(key, fc.nat(), (k, cut) => {
        const chars = [...k];
        const prefix = chars.slice(0, cut % chars.length).join('');
        fc.pre(prefix.length > 0);
        const full = keyToPath(k);
        const dirs = keyToPath(prefix).slice(0, -1);
        expect(full.slice(0, dirs.length)).toEqual(dirs);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits long keys into components of at most 200 characters', () => {
    const parts = keyToPath('é'.repeat(512));
    expect(parts.length).toBe(16);
    expect(decode(parts)).toBe('é'.repeat(512));
  });

  it('refuses names that are not encodings', () => {
    expect(decodeComponent('')).toBeUndefined();
    expect(decodeComponent('%zz')).toBeUndefined();
    expect(decodeComponent('%ff')).toBeUndefined(); // not UTF-8
    expect(isPathOf('A', ['A'])).toBe(false); // upper case is always escaped
    expect(isPathOf('a', ['%61'])).toBe(false); // kept characters are never escaped
  });
});
