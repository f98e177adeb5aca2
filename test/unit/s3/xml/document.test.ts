import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseError } from '../../../../src/errors.js';
import { resolveContext } from '../../../../src/s3/xml/context.js';
import { parseXmlDocument, tryParseXmlDocument } from '../../../../src/s3/xml/document.js';
import { decodeXmlText, escapeXmlText, findUnrepresentableChar } from '../../../../src/s3/xml/entities.js';
import { parseTimestamp, unquoteEtag } from '../../../../src/s3/xml/values.js';

const ctx = resolveContext('Test');
const textOf = (xml: string) => parseXmlDocument(xml, ctx).text;

describe('parseXmlDocument', () => {
  it('decodes the five entities and numeric references, hex and decimal', () => {
    expect(textOf('<K>&amp;&lt;&gt;&quot;&apos;&#13;&#x0d;&#10;&#9;&#x1F600;&#128512;&#xe9;</K>')).toBe(
      '&<>"\'\r\r\n\t😀😀é',
    );
  });

  it('decodes control-character references as Ceph writes them', () => {
    expect(textOf('<K>ctl&#x01;x</K>')).toBe('ctl\u0001x');
  });

  it('keeps whitespace and digits exactly', () => {
    expect(textOf('<K>  0012  </K>')).toBe('  0012  ');
    expect(textOf('<K>\n</K>')).toBe('\n');
  });

  it('applies XML end-of-line handling to literal CRs (so keys need &#13;)', () => {
    expect(textOf('<K>a\r\nb\rc</K>')).toBe('a\nb\nc');
  });

  it('does not decode inside CDATA', () => {
    expect(textOf('<K>a<![CDATA[&amp;<x>]]>b</K>')).toBe('a&amp;<x>b');
  });

  it('skips the declaration, comments, processing instructions, attributes and a BOM', () => {
    const root = parseXmlDocument(
      '\ufeff<?xml version="1.0"?><!-- hi --><R a="1"><?pi x?><K>v</K><!-- c --></R>',
      ctx,
    );
    expect(root.name).toBe('R');
    expect(root.children.map((c) => [c.name, c.text])).toEqual([['K', 'v']]);
  });

  it.each([
    ['an unknown entity', '<K>&nbsp;</K>', /unknown entity/],
    ['&#0;', '<K>&#0;</K>', /no usable character/],
    ['a surrogate reference', '<K>&#xD800;</K>', /no usable character/],
    ['a reference beyond Unicode', '<K>&#x110000;</K>', /no usable character/],
    ['a malformed reference', '<K>&#xZZ;</K>', /not well-formed|malformed character reference/],
    ['mismatched tags', '<R><K>x</J></R>', /not well-formed/],
    ['two roots', '<A/><B/>', /not well-formed|root/],
    ['text after the root', '<A/>junk', /text after the root/],
    ['a DOCTYPE with an entity bomb', '<!DOCTYPE r [<!ENTITY a "aaaaaaaa">]><r>&a;</r>', /DOCTYPE/],
    ['a lower-case doctype', '<!doctype html><html></html>', /DOCTYPE/],
    ['an external entity', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', /DOCTYPE/],
    ['deep nesting', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, /nest more than 32/],
    ['a body cut inside an end tag', '<R><K>x</K', /malformed end tag/],
    ['a body cut after a start tag', '<R><K>x</K><K>', /<K> is not closed/],
    ['a body cut inside a start tag', '<R><K a="1"', /malformed start tag/],
    ['an unterminated comment', '<R><!-- x </R>', /unterminated comment/],
    ['an unterminated CDATA section', '<R><![CDATA[x</R>', /unterminated CDATA/],
    ['an attribute value with "<"', '<R a="<"/>', /malformed start tag/],
    ['an unquoted attribute', '<R a=1/>', /malformed start tag/],
    ['text before the root', 'Service Unavailable<R/>', /text before the root/],
    ['a lone "<"', '<R>a < b</R>', /starts no tag/],
    ['a stray end tag', '</R>', /does not close any element/],
    ['only a declaration', '<?xml version="1.0"?>', /no root|found none/],
  ])('refuses %s', (_name, xml, message) => {
    expect(() => parseXmlDocument(xml, ctx)).toThrow(ResponseError);
    expect(tryParseXmlDocument(xml)).toMatch(message);
  });
});

describe('element names that are Object.prototype members', () => {
  it('are ordinary names: element names never become object keys, so nothing is polluted', () => {
    const root = parseXmlDocument(
      '<R><__proto__><polluted>1</polluted></__proto__><constructor>y</constructor><toString>z</toString><Key>k</Key></R>',
      ctx,
    );
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['__proto__', ''],
      ['constructor', 'y'],
      ['toString', 'z'],
      ['Key', 'k'],
    ]);
    expect(root.children[0]?.children[0]?.text).toBe('1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the parts of XML S3 bodies use', () => {
  it('reads self-closing elements, attributes in both quotes, spaces in end tags and mixed content', () => {
    const root = parseXmlDocument(
      '<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><E/><F a=\'1\' b = "x>y" /><K >v</K ><M>a<N>b</N>c</M></R>',
      ctx,
    );
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['E', ''],
      ['F', ''],
      ['K', 'v'],
      ['M', 'ac'],
    ]);
    expect(root.children[3]?.children[0]?.text).toBe('b');
  });

  it('reads a CDATA section that holds markup and "]]" text', () => {
    expect(textOf('<K><![CDATA[<a>]]]]><![CDATA[>]]></K>')).toBe('<a>]]>');
  });
});

describe('decodeXmlText and escapeXmlText', () => {
  it('round-trip every representable character', () => {
    const all = ' \t\n\r&<>"\'abc😀\u0085\u00a0\ud7ff\ue000\ufffd';
    expect(decodeXmlText(escapeXmlText(all))).toBe(all);
  });

  it('refuses a bare ampersand', () => {
    expect(() => decodeXmlText('a & b')).toThrow(/unterminated/);
  });

  it('finds the first character XML 1.0 cannot carry', () => {
    expect(findUnrepresentableChar('ok\t\n\r😀')).toBeUndefined();
    expect(findUnrepresentableChar('ab\u0008')).toEqual({ index: 2, codePoint: 8 });
    expect(findUnrepresentableChar('\ud83d')).toEqual({ index: 0, codePoint: 0xd83d });
  });
});

describe('values', () => {
  it.each([
    ['2009-10-12T17:50:30.000Z', '2009-10-12T17:50:30.000Z'],
    ['2009-10-12T17:50:30Z', '2009-10-12T17:50:30.000Z'],
    ['2009-10-12T17:50:30', '2009-10-12T17:50:30.000Z'],
    ['2009-10-12T17:50:30.1Z', '2009-10-12T17:50:30.100Z'],
    ['2009-10-12T17:50:30.123456Z', '2009-10-12T17:50:30.123Z'],
    ['2009-10-12T19:50:30.000+02:00', '2009-10-12T17:50:30.000Z'],
    ['2009-10-12T12:50:30-0500', '2009-10-12T17:50:30.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('parses the timestamp %s', (text, iso) => {
    expect(parseTimestamp(text, 'f', ctx).toISOString()).toBe(iso);
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2009-10-12T24:00:00Z',
    '2009-10-12 17:50:30Z',
    'Mon, 12 Oct 2009 17:50:30 GMT',
    '',
  ])('rejects the timestamp %j', (text) => {
    expect(() => parseTimestamp(text, 'f', ctx)).toThrow(ResponseError);
  });

  it('strips ETag quotes, and only a matching pair', () => {
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('abc')).toBe('abc');
    expect(unquoteEtag('"abc-2"')).toBe('abc-2');
    expect(unquoteEtag('"')).toBe('"');
  });
});

describe('a body cut short', () => {
  it('is refused wherever it is cut, never read as a shorter listing', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>${Array.from(
      { length: 5 },
      (_, i) =>
        `<Contents><Key>k${i} &amp; &#x0d;</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e${i}&quot;</ETag><Size>${i}</Size></Contents>`,
    ).join('')}<IsTruncated>false</IsTruncated></ListBucketResult>\n`;
    expect(parseXmlDocument(body, ctx).children).toHaveLength(7);
    const end = body.lastIndexOf('>') + 1;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: end - 1 }), (cut) => {
        expect(tryParseXmlDocument(body.slice(0, cut))).toBeTypeOf('string');
      }),
      { numRuns: 400 },
    );
  });
});
