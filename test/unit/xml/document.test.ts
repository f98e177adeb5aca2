import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ResponseError } from '../../../src/errors.js';
import { resolveContext } from '../../../src/s3/xml/context.js';
import { parseXmlDocument, tryParseXmlDocument } from '../../../src/s3/xml/document.js';
import { decodeXmlText, escapeXmlText, findUnrepresentableChar } from '../../../src/s3/xml/entities.js';
import { parseTimestamp, unquoteEtag } from '../../../src/s3/xml/values.js';

const ctx = resolveContext('Test');
const textOf = (xml: string) => parseXmlDocument(xml, ctx).text;

describe('what fast-xml-parser 5 does on its own (why we configure it)', () => {
  it('leaves numeric references undecoded and deletes control-character references by default', () => {
    const out = new XMLParser({ trimValues: false, parseTagValue: false }).parse('<K>a&#13;b&#x1;c&amp;</K>');
    expect(out.K).toBe('a&#13;bc&');
  });

  it('with htmlEntities decodes numeric references but still deletes &#x1; and accepts &nbsp;', () => {
    const out = new XMLParser({ trimValues: false, parseTagValue: false, htmlEntities: true }).parse(
      '<K>a&#13;b&#x1;c&nbsp;</K>',
    );
    expect(out.K).toBe('a\rbc\u00a0');
  });

  it('coerces numbers and trims by default', () => {
    expect(new XMLParser().parse('<K> 007 </K>').K).toBe(7);
  });

  it('returns a partial tree for a truncated body instead of failing', () => {
    expect(() => new XMLParser().parse('<R><C><K>x</K></C><C><K>y')).not.toThrow();
  });
});

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
    ['a __proto__ element', '<R><__proto__><polluted>1</polluted></__proto__></R>', /prototype pollution/],
    ['deep nesting', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, /cannot parse|nest/i],
  ])('refuses %s', (_name, xml, message) => {
    expect(() => parseXmlDocument(xml, ctx)).toThrow(ResponseError);
    expect(tryParseXmlDocument(xml)).toMatch(message);
  });
});

describe('element names that are Object.prototype members', () => {
  it('are refused (__proto__, constructor, prototype) or kept apart (toString), polluting nothing', () => {
    expect(tryParseXmlDocument('<R><constructor>y</constructor></R>')).toMatch(/prototype pollution/);
    const root = parseXmlDocument('<R><toString>z</toString><Key>k</Key></R>', ctx);
    expect(root.children.map((c) => c.text)).toEqual(['z', 'k']);
    expect(root.children[1]?.name).toBe('Key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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
