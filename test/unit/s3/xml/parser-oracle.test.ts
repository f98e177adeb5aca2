/**
 * Our S3 XML parser against an independent one: on random well-formed documents (nesting, text
 * with entities, CDATA, comments, attributes, declarations), `tryParseXmlDocument` must build the
 * same tree fast-xml-parser does. fast-xml-parser is a dev dependency kept for exactly this.
 */
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { tryParseXmlDocument, type XmlElement } from '../../../../src/s3/xml/document.js';

interface Tree {
  name: string;
  parts: Part[];
}
type Part =
  | { kind: 'text'; value: string }
  | { kind: 'cdata'; value: string }
  | { kind: 'comment'; value: string }
  | { kind: 'element'; tree: Tree };

const name = fc.constantFrom('Key', 'Contents', 'a', 'B-1', 'x.y', 'ns:Tag', '_u', 'Version');
/** Text as S3 writes it: any of these characters, the special ones escaped. */
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '\n', '\t', '&', '<', '>', '"', "'", 'é', '😀', '/', '='),
  minLength: 1,
  maxLength: 12,
});
const cdata = fc
  .string({ unit: fc.constantFrom('a', '<', '>', '&', ' ', ']', '"'), maxLength: 10 })
  .filter((s) => !s.includes(']]>') && !s.endsWith(']'));
const comment = fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '&'), maxLength: 8 });
const attribute = fc.tuple(
  fc.constantFrom('a', 'xmlns', 'b-c'),
  fc.string({ unit: fc.constantFrom('x', ' ', '>', '/'), maxLength: 5 }),
);

const { tree } = fc.letrec<{ tree: Tree; part: Part }>((tie) => ({
  tree: fc.record({
    name,
    parts: fc.array(tie('part'), { maxLength: 4, depthIdentifier: 'tree' }),
  }),
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('text' as const), value: text }),
    fc.record({ kind: fc.constant('cdata' as const), value: cdata }),
    fc.record({ kind: fc.constant('comment' as const), value: comment }),
    fc.record({ kind: fc.constant('element' as const), tree: tie('tree') as fc.Arbitrary<Tree> }),
  ),
}));

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function serialise(t: Tree, attributes: [string, string][]): string {
  const attrs = attributes.map(([k, v]) => ` ${k}="${v}"`).join('');
  if (t.parts.length === 0) return `<${t.name}${attrs}/>`;
  const inner = t.parts
    .map((p) => {
      if (p.kind === 'text') return escapeText(p.value);
      if (p.kind === 'cdata') return `<![CDATA[${p.value}]]>`;
      if (p.kind === 'comment') return `<!--${p.value.replace(/-/g, '')}-->`;
      return serialise(p.tree, []);
    })
    .join('');
  return `<${t.name}${attrs}>${inner}</${t.name} >`;
}

/** What our parser should say: element names, children in order, direct text with CDATA. */
interface Plain {
  name: string;
  text: string;
  children: Plain[];
}
const plainOurs = (e: XmlElement): Plain => ({
  name: e.name,
  text: e.text,
  children: e.children.map(plainOurs),
});

/** fast-xml-parser's ordered output in the same shape. */
function plainOracle(nodes: Record<string, unknown>[], name = ''): Plain {
  const out: Plain = { name, text: '', children: [] };
  for (const node of nodes) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '#text') out.text += String(v);
      else if (k !== ':@' && Array.isArray(v))
        out.children.push(plainOracle(v as Record<string, unknown>[], k));
    }
  }
  return out;
}

const oracle = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

describe('the parser agrees with fast-xml-parser', () => {
  it('on random well-formed documents', () => {
    fc.assert(
      fc.property(tree, fc.array(attribute, { maxLength: 2 }), fc.boolean(), (t, attributes, declared) => {
        const unique = [...new Map(attributes).entries()];
        const xml = `${declared ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${serialise(t, unique)}`;
        const ours = tryParseXmlDocument(xml);
        if (typeof ours === 'string') throw new Error(`refused ${JSON.stringify(xml)}: ${ours}`);
        const theirs = plainOracle(oracle.parse(xml) as Record<string, unknown>[]).children;
        expect(theirs).toHaveLength(1);
        expect(plainOurs(ours)).toEqual(theirs[0]);
      }),
      { numRuns: 500 },
    );
  });
});
