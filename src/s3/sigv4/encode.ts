/**
 * URI encoding the way SigV4 wants it: strict RFC 3986, uppercase hex, UTF-8 bytes.
 *
 * `encodeURIComponent` is close but not right: it leaves `! * ' ( )` alone, and SigV4 encodes them.
 * S3 object keys are encoded exactly once (S3 does not double-encode paths as other AWS services
 * do), `/` stays `/`, and nothing is normalised: `//`, a leading `/`, `.` and `..` segments are part
 * of the key and are sent and signed as given.
 *
 * @module
 */

/** 1 for the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`, the only ones left unencoded. */
const UNRESERVED = new Uint8Array(128);
/** `%XX` (uppercase hex) for every byte value. */
const PERCENT: string[] = [];
/** For each ASCII code: the character itself when unreserved, else its `%XX`. */
const ASCII: string[] = [];

for (let b = 0; b < 256; b++) PERCENT.push(`%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const unreserved =
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || '-._~'.includes(ch);
  UNRESERVED[c] = unreserved ? 1 : 0;
  ASCII.push(unreserved ? ch : PERCENT[c]!);
}

const SLASH = 0x2f;
/** UTF-8 of U+FFFD: what a lone UTF-16 surrogate becomes, as with `Buffer.from` and `TextEncoder`. */
const REPLACEMENT_CHARACTER = '%EF%BF%BD';

/**
 * Percent-encodes `str` as SigV4 requires: RFC 3986 unreserved characters are kept, every other
 * UTF-8 byte becomes `%XX` with uppercase hex (including `! * ' ( )`, which `encodeURIComponent`
 * leaves alone). A space is `%20`, never `+`.
 *
 * @param str - the text to encode
 * @param encodeSlash - encode `/` as `%2F` (query names and values) or keep it (paths)
 * @returns the encoded text; `str` itself when nothing needed encoding
 * @example
 * ```ts
 * uriEncode("it's a/b");        // "it%27s%20a%2Fb"
 * uriEncode("it's a/b", false); // "it%27s%20a/b"
 * ```
 */
export function uriEncode(str: string, encodeSlash = true): string {
  const n = str.length;
  let i = 0;
  // Fast path: most keys and query values need no encoding at all.
  for (; i < n; i++) {
    const c = str.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && (c !== SLASH || encodeSlash))) break;
  }
  if (i === n) return str;

  let out = str.slice(0, i);
  for (; i < n; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) {
      out += c === SLASH && !encodeSlash ? '/' : ASCII[c]!;
    } else if (c < 0x800) {
      out += PERCENT[0xc0 | (c >> 6)]! + PERCENT[0x80 | (c & 0x3f)]!;
    } else if (c < 0xd800 || c > 0xdfff) {
      out += PERCENT[0xe0 | (c >> 12)]! + PERCENT[0x80 | ((c >> 6) & 0x3f)]! + PERCENT[0x80 | (c & 0x3f)]!;
    } else {
      const d = c <= 0xdbff && i + 1 < n ? str.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out +=
          PERCENT[0xf0 | (cp >> 18)]! +
          PERCENT[0x80 | ((cp >> 12) & 0x3f)]! +
          PERCENT[0x80 | ((cp >> 6) & 0x3f)]! +
          PERCENT[0x80 | (cp & 0x3f)]!;
        i++;
      } else {
        out += REPLACEMENT_CHARACTER;
      }
    }
  }
  return out;
}

/**
 * Encodes an S3 object key for the request path, once, keeping `/`. The key is taken literally:
 * spaces, unicode, `+ ! * ' ( ) = & ? #`, `//`, a leading `/`, `.` and `..` segments all survive,
 * and the result is both what is sent and what is signed.
 *
 * @example
 * ```ts
 * encodeKeyPath('reports/2024 Q1/a+b.txt'); // "reports/2024%20Q1/a%2Bb.txt"
 * encodeKeyPath('../x');                    // "../x" (sent as is, never resolved)
 * ```
 */
export function encodeKeyPath(key: string): string {
  return uriEncode(key, false);
}

/**
 * The request path of an object: `/<bucket>/<encoded key>` for path-style addressing, or
 * `/<encoded key>` when the bucket is in the host name (virtual-hosted style) or absent.
 *
 * @param key - the object key, unencoded (may be empty for bucket-level requests)
 * @param bucket - the bucket, for path-style requests
 */
export function objectPath(key: string, bucket?: string): string {
  return bucket === undefined ? `/${encodeKeyPath(key)}` : `/${bucket}/${encodeKeyPath(key)}`;
}

/**
 * Query parameters: a record (parameters whose value is `undefined` are left out) or name/value
 * pairs, which may repeat a name.
 */
export type QueryParams =
  | Readonly<Record<string, string | number | boolean | undefined>>
  | Iterable<readonly [string, string]>;

/**
 * Builds the canonical query string: names and values encoded with {@link uriEncode} (a space is
 * `%20`, `/` is `%2F`), sorted by encoded name and then by encoded value, joined with `&`. A
 * parameter without a value is written `name=` (`?lifecycle` signs as `lifecycle=`).
 *
 * The result is valid as the query of the URL too, so the same string is sent and signed.
 *
 * @example
 * ```ts
 * canonicalQuery({ prefix: 'a b', 'max-keys': 2 }); // "max-keys=2&prefix=a%20b"
 * ```
 */
export function canonicalQuery(params: QueryParams): string {
  const pairs: [string, string][] = [];
  if (isPairIterable(params)) {
    for (const [name, value] of params) pairs.push([uriEncode(name), uriEncode(value)]);
  } else {
    for (const name of Object.keys(params)) {
      const value = params[name];
      if (value !== undefined) pairs.push([uriEncode(name), uriEncode(String(value))]);
    }
  }
  return joinSortedPairs(pairs);
}

/**
 * Canonicalises the query of a URL (`url.search`, with or without the leading `?`): each name and
 * value is percent-decoded and encoded again the SigV4 way, then sorted. A `+` is taken literally;
 * write spaces as `%20`. Escapes are decoded to bytes, so `%E9` stays `%E9` and a `%` that starts no
 * escape becomes `%25`.
 */
export function canonicalQueryFromSearch(search: string): string {
  const raw = search.charCodeAt(0) === 0x3f ? search.slice(1) : search;
  if (raw.length === 0) return '';
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([reencode(name), reencode(value)]);
  }
  return joinSortedPairs(pairs);
}

/**
 * Canonicalises the path of a URL (`url.pathname`, percent-encoded the WHATWG way): each segment is
 * decoded and encoded again the SigV4 way, so `$` becomes `%24` and an encoded `%2F` stays one.
 * Note that `new URL()` has already resolved `.` and `..` segments: pass a path, not a `URL`, for
 * keys that contain them.
 */
export function canonicalPathFromUrl(pathname: string): string {
  if (pathname.length === 0) return '/';
  let out = '';
  let start = 0;
  for (;;) {
    const slash = pathname.indexOf('/', start);
    const segment = slash === -1 ? pathname.slice(start) : pathname.slice(start, slash);
    out += reencode(segment);
    if (slash === -1) return out;
    out += '/';
    start = slash + 1;
  }
}

/**
 * Sorts already-encoded name/value pairs by name, then value (code-unit order, which is byte order
 * for the ASCII output of {@link uriEncode}), and joins them. Sorting `name=value` strings instead
 * would be wrong: `a-b=1` sorts before `a=1`, but name `a` sorts before `a-b`.
 */
export function joinSortedPairs(pairs: [string, string][]): string {
  if (pairs.length > 1) pairs.sort(comparePairs);
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]!;
    out += i === 0 ? `${name}=${value}` : `&${name}=${value}`;
  }
  return out;
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function isPairIterable(params: QueryParams): params is Iterable<readonly [string, string]> {
  return typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/** Percent-decodes `text` to bytes and encodes those bytes again the SigV4 way (`/` included). */
function reencode(text: string): string {
  if (!text.includes('%')) return uriEncode(text);
  try {
    return uriEncode(decodeURIComponent(text));
  } catch {
    return reencodeBytes(text);
  }
}

/**
 * The slow path of {@link reencode}, for escapes that are not valid UTF-8 (`%E9`) or not escapes at
 * all (`%zz`, a lone `%`): work byte by byte, as the server does, so the canonical form still matches.
 */
function reencodeBytes(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (
      text.charCodeAt(i) === 0x25 &&
      isHexDigit(text.charCodeAt(i + 1)) &&
      isHexDigit(text.charCodeAt(i + 2))
    ) {
      const byte = Number.parseInt(text.slice(i + 1, i + 3), 16);
      out += byte < 0x80 ? ASCII[byte]! : PERCENT[byte]!;
      i += 3;
    } else {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      out += uriEncode(text.slice(i, i + width));
      i += width;
    }
  }
  return out;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
