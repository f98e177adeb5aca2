/**
 * XML character rules, both ways: a strict decoder for entity and character references in S3
 * responses, and an escaper for the request bodies we build.
 *
 * Why our own decoder: fast-xml-parser 5 decodes the five XML entities by default but leaves numeric
 * references (`&#13;`, `&#x1F600;`) undecoded and silently deletes control-character references
 * (`&#x1;`); with `htmlEntities: true` it also accepts some 250 HTML names and still deletes those
 * control references. Ceph RGW writes a carriage return in a key as `&#x0d;` and a control character
 * as `&#x01;`, so both behaviours would hand back a different key than the one stored. Our parser
 * (`document.ts`) calls this decoder for text, not for CDATA.
 *
 * @module
 */

/** The five entities XML predefines. No others exist without a DTD, and S3 never sends one. */
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Longest reference we look for a `;` in: `&#x10FFFF;` plus leeway for leading zeros. */
const MAX_REFERENCE_LENGTH = 16;

/** Thrown by {@link decodeXmlText} for a reference it will not guess at. */
export class XmlReferenceError extends Error {
  override name = 'XmlReferenceError';
}

/**
 * Replaces the five predefined entities and all numeric character references in `text`.
 *
 * Numeric references to control characters (`&#x1;`) are decoded although XML 1.0 forbids them: Ceph
 * writes keys that contain them this way, and the decoded string is the key that was stored.
 * `&#0;`, surrogates and code points beyond U+10FFFF cannot be part of any key and are refused.
 *
 * @throws XmlReferenceError for an unknown entity name, a bad reference, or a bare `&`.
 */
export function decodeXmlText(text: string): string {
  let at = text.indexOf('&');
  if (at === -1) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const end = text.indexOf(';', at + 1);
    if (end === -1 || end - at > MAX_REFERENCE_LENGTH) {
      throw new XmlReferenceError(`unterminated reference at ${JSON.stringify(text.slice(at, at + 12))}`);
    }
    out += text.slice(from, at) + resolveReference(text.slice(at + 1, end));
    from = end + 1;
    at = text.indexOf('&', from);
  }
  return out + text.slice(from);
}

function resolveReference(name: string): string {
  if (name.startsWith('#')) {
    const hex = name[1] === 'x' || name[1] === 'X';
    const digits = name.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) {
      throw new XmlReferenceError(`malformed character reference &${name};`);
    }
    const codePoint = Number.parseInt(digits, hex ? 16 : 10);
    if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw new XmlReferenceError(`character reference &${name}; names no usable character`);
    }
    return String.fromCodePoint(codePoint);
  }
  const value = PREDEFINED_ENTITIES[name];
  if (value === undefined) throw new XmlReferenceError(`unknown entity &${name}; (XML predefines only five)`);
  return value;
}

/**
 * The first character of `text` that XML 1.0 cannot carry at all, not even as a character reference:
 * C0 controls other than tab, line feed and carriage return, U+FFFE, U+FFFF and lone surrogates.
 * Returns its index and code point, or `undefined` when every character can be sent.
 */
export function findUnrepresentableChar(text: string): { index: number; codePoint: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return { index: i, codePoint: c };
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return { index: i, codePoint: c };
      i++;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      return { index: i, codePoint: c };
    }
  }
  return undefined;
}

/**
 * How each special character is written in element text. Tab, line feed and carriage return become
 * character references: a literal carriage return would be turned into a line feed by the server's
 * XML parser (XML end-of-line handling), and references keep all three exact on every parser.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escapes `text` for use as XML element content. The caller must first make sure
 * {@link findUnrepresentableChar} finds nothing: those characters are passed through unchanged.
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}
