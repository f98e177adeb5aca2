import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalPathFromUrl,
  canonicalQuery,
  canonicalQueryFromSearch,
  encodeKeyPath,
  uriEncode,
} from '../../../../src/s3/sigv4/sign.js';

/** Only unreserved characters, `%XX` with uppercase hex, and `/`. */
const ENCODED_PATH = /^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})*$/;
const ENCODED_COMPONENT = /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/;

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** What SigV4 asks for, written the obvious (slow) way, as an independent oracle. */
function referenceEncode(text: string, encodeSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (UNRESERVED.includes(ch) || (ch === '/' && !encodeSlash)) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

describe('uriEncode', () => {
  it('keeps the unreserved characters and encodes every other ASCII character', () => {
    expect(uriEncode(UNRESERVED)).toBe(UNRESERVED);
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      if (!UNRESERVED.includes(ch))
        expect(uriEncode(ch)).toBe(`%${c.toString(16).toUpperCase().padStart(2, '0')}`);
    }
  });

  it("encodes ! * ' ( ), which encodeURIComponent leaves alone", () => {
    expect(encodeURIComponent("!*'()")).toBe("!*'()");
    expect(uriEncode("!*'()")).toBe('%21%2A%27%28%29');
  });

  it('encodes a space as %20, never +, and + as %2B', () => {
    expect(uriEncode('a b')).toBe('a%20b');
    expect(uriEncode('a+b')).toBe('a%2Bb');
  });

  it('encodes / unless told to keep it', () => {
    expect(uriEncode('a/b')).toBe('a%2Fb');
    expect(uriEncode('a/b', false)).toBe('a/b');
  });

  it('encodes UTF-8 bytes with uppercase hex: 2, 3 and 4 byte sequences', () => {
    expect(uriEncode('é')).toBe('%C3%A9');
    expect(uriEncode('ключ')).toBe('%D0%BA%D0%BB%D1%8E%D1%87');
    expect(uriEncode('€')).toBe('%E2%82%AC');
    expect(uriEncode('😀')).toBe('%F0%9F%98%80');
    expect(uriEncode('\u0000\u007f\u0080\u07ff\u0800\uffff')).toBe('%00%7F%C2%80%DF%BF%E0%A0%80%EF%BF%BF');
  });

  it('encodes a lone surrogate as U+FFFD, like Buffer.from does', () => {
    expect(uriEncode('a\ud800b')).toBe('a%EF%BF%BDb');
    expect(uriEncode('\udc00')).toBe('%EF%BF%BD');
    expect(uriEncode('x\ud83d')).toBe(referenceEncode('x\ud83d', true));
  });

  it('agrees with a byte-by-byte reference for arbitrary strings, lone surrogates included', () => {
    const anyUnits = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), anyUnits), fc.boolean(), (text, encodeSlash) => {
        expect(uriEncode(text, encodeSlash)).toBe(referenceEncode(text, encodeSlash));
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeKeyPath: S3 keys are encoded once and never normalised', () => {
  const cases: [string, string][] = [
    ['a b', 'a%20b'],
    ['a+b', 'a%2Bb'],
    ["!*'()", '%21%2A%27%28%29'],
    ['=&?#', '%3D%26%3F%23'],
    ['//x', '//x'],
    ['/lead', '/lead'],
    ['./..', './..'],
    ['a/./b/../c', 'a/./b/../c'],
    ['dir/', 'dir/'],
    ['100%', '100%25'],
    ['a%20b', 'a%2520b'],
    ['emoji 😀/ünï', 'emoji%20%F0%9F%98%80/%C3%BCn%C3%AF'],
    ['test$file.text', 'test%24file.text'],
  ];
  it.each(cases)('%j → %j', (key, encoded) => {
    expect(encodeKeyPath(key)).toBe(encoded);
  });

  it('(property) uses only unreserved characters, %XX and /, and decodes back to the key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        const encoded = encodeKeyPath(key);
        expect(encoded).toMatch(ENCODED_PATH);
        expect(encoded.split('/').map(decodeURIComponent).join('/')).toBe(key);
        expect(encoded.split('/').length).toBe(key.split('/').length);
      }),
      { numRuns: 1000 },
    );
  });

  it('(property) also for keys built from the awkward characters', () => {
    const awkward = fc.constantFrom(
      '/',
      '.',
      '..',
      ' ',
      '+',
      '!',
      '*',
      "'",
      '(',
      ')',
      '=',
      '&',
      '?',
      '#',
      '%',
      '~',
      'é',
      '😀',
    );
    fc.assert(
      fc.property(fc.array(awkward, { maxLength: 20 }), (parts) => {
        const key = parts.join('');
        const encoded = encodeKeyPath(key);
        expect(encoded).toMatch(ENCODED_PATH);
        expect(encoded.split('/').map(decodeURIComponent).join('/')).toBe(key);
      }),
    );
  });
});

describe('canonicalQuery', () => {
  it('encodes a b as a%20b, not a+b, and / as %2F', () => {
    expect(canonicalQuery({ prefix: 'a b' })).toBe('prefix=a%20b');
    expect(canonicalQuery({ prefix: 'logs/2024/' })).toBe('prefix=logs%2F2024%2F');
  });

  it('sorts by encoded name, then by value, and writes empty values as name=', () => {
    expect(
      canonicalQuery([
        ['b', '2'],
        ['a', 'y'],
        ['a', 'x'],
        ['uploads', ''],
      ]),
    ).toBe('a=x&a=y&b=2&uploads=');
  });

  it('sorts by name, not by the joined name=value string', () => {
    // '-' (0x2D) sorts before '=' (0x3D), so joined strings would put a-b first
    expect(canonicalQuery({ 'a-b': '1', a: '2' })).toBe('a=2&a-b=1');
  });

  it('sorts by byte order: uppercase before lowercase', () => {
    expect(canonicalQuery({ b: '1', B: '2', a: '3' })).toBe('B=2&a=3&b=1');
  });

  it('leaves out undefined values and stringifies numbers and booleans', () => {
    expect(canonicalQuery({ 'max-keys': 2, 'fetch-owner': false, marker: undefined })).toBe(
      'fetch-owner=false&max-keys=2',
    );
    expect(canonicalQuery({})).toBe('');
  });

  it('(property) every name and value is fully encoded, and the pairs come out sorted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }))),
        (pairs) => {
          const query = canonicalQuery(pairs);
          if (pairs.length === 0) {
            expect(query).toBe('');
            return;
          }
          const parsed = query.split('&').map((p) => p.split('='));
          expect(parsed).toHaveLength(pairs.length);
          for (const [name, value, ...rest] of parsed) {
            expect(rest).toEqual([]);
            expect(name).toMatch(ENCODED_COMPONENT);
            expect(value).toMatch(ENCODED_COMPONENT);
          }
          const decoded = parsed.map(([n, v]) => [decodeURIComponent(n!), decodeURIComponent(v!)]);
          expect(decoded.map((p) => p.join('\0')).sort()).toEqual(pairs.map((p) => p.join('\0')).sort());
          for (let i = 1; i < parsed.length; i++) {
            const [pn, pv] = parsed[i - 1]!;
            const [n, v] = parsed[i]!;
            expect(pn! < n! || (pn === n && pv! <= v!)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('canonicalising URL parts', () => {
  it('re-encodes a WHATWG search string the SigV4 way', () => {
    expect(canonicalQueryFromSearch('?prefix=J&max-keys=2')).toBe('max-keys=2&prefix=J');
    expect(canonicalQueryFromSearch('?lifecycle')).toBe('lifecycle=');
    expect(canonicalQueryFromSearch(new URL('https://h/?p=a b&q=(x)').search)).toBe('p=a%20b&q=%28x%29');
    expect(canonicalQueryFromSearch('?k=a%2fb')).toBe('k=a%2Fb');
    expect(canonicalQueryFromSearch('')).toBe('');
    expect(canonicalQueryFromSearch('?&&a=1&')).toBe('a=1');
  });

  it('takes + literally and survives escapes that are not UTF-8 or not escapes', () => {
    expect(canonicalQueryFromSearch('?q=a+b')).toBe('q=a%2Bb');
    expect(canonicalQueryFromSearch('?q=100%')).toBe('q=100%25');
    expect(canonicalQueryFromSearch('?q=%E9t%C3%A9')).toBe('q=%E9t%C3%A9');
    expect(canonicalQueryFromSearch('?q=%zz%41')).toBe('q=%25zzA');
  });

  it('re-encodes a URL path segment by segment, keeping encoded slashes', () => {
    expect(canonicalPathFromUrl(new URL('https://h/test$file.text').pathname)).toBe('/test%24file.text');
    expect(canonicalPathFromUrl(new URL("https://h/b/a b/it's").pathname)).toBe('/b/a%20b/it%27s');
    expect(canonicalPathFromUrl('/b/a%2Fb')).toBe('/b/a%2Fb');
    expect(canonicalPathFromUrl('/b//x/')).toBe('/b//x/');
    expect(canonicalPathFromUrl('')).toBe('/');
  });

  it('(property) canonicalising a canonical query string changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }))),
        (pairs) => {
          const query = canonicalQuery(pairs);
          expect(canonicalQueryFromSearch(query)).toBe(query);
          expect(canonicalQueryFromSearch(`?${query}`)).toBe(query);
        },
      ),
    );
  });

  it('(property) a URL built from encodeKeyPath canonicalises back to the same path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        const path = `/bucket/${encodeKeyPath(key)}`;
        // new URL() resolves dot segments, so only compare when the key has none
        fc.pre(!/(^|\/)\.\.?(\/|$)/.test(key));
        expect(canonicalPathFromUrl(new URL(`https://h${path}`).pathname)).toBe(path);
      }),
    );
  });
});
