/**
 * Turns an S3 response body into a small element tree, with fast-xml-parser doing the parsing.
 *
 * The parser is configured explicitly rather than left on its defaults:
 * - the body is first checked for well-formedness (`XMLValidator`): the parser itself is lenient and
 *   returns a partial tree for a truncated body or mismatched tags, and a listing cut short must never
 *   pass for a shorter listing;
 * - DOCTYPE is refused outright (no entity definitions, so no expansion bombs or external entities);
 * - values stay strings (`parseTagValue: false`) with their whitespace (`trimValues: false`): keys
 *   may begin or end with spaces, and `"0012"` must not become `12`;
 * - `preserveOrder: true`, because `<Version>` and `<DeleteMarker>` interleave and their order matters;
 *   it also means every element comes as a list, so one `<Contents>` is not special;
 * - entity references go through our strict decoder (see `entities.ts`); attributes are ignored
 *   (S3 puts nothing in them that we use).
 *
 * @module
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { excerpt, malformed, type ResolvedContext } from './context.js';
import { decodeXmlText } from './entities.js';

/** One XML element: its name, its child elements in document order, and its own text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** The element's direct text content (CDATA included), entities decoded, whitespace kept. */
  readonly text: string;
}

/** S3 documents nest four levels deep at most (`ListVersionsResult/Version/Owner/ID`); leave room. */
const MAX_NESTING = 32;

/** The `entityDecoder` contract of fast-xml-parser, backed by our strict decoder. */
const STRICT_ENTITY_DECODER = {
  decode: decodeXmlText,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  setExternalEntities: () => undefined,
  addInputEntities: (entities: Record<string, string>) => {
    // Unreachable while DOCTYPE is refused before parsing; kept as a second lock on the door.
    if (Object.keys(entities).length > 0) throw new Error('entity declarations are not accepted');
  },
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: false,
  commentPropName: false,
  alwaysCreateTextNode: false,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: STRICT_ENTITY_DECODER,
  stopNodes: [],
  unpairedTags: [],
  maxNestedTags: MAX_NESTING,
  strictReservedNames: true,
  // Callbacks get the path matcher instead of a path string built for every tag (we use no callbacks).
  jPath: false,
});

/** A DOCTYPE (any case) or entity declaration anywhere in the body. */
const DTD_MARKUP = /<!(DOCTYPE|ENTITY)/i;
const TEXT_KEY = '#text';
const ATTRIBUTES_KEY = ':@';

/** What fast-xml-parser's `preserveOrder` output looks like: `[{ Tag: [...children] }, { '#text': 'x' }]`. */
type OrderedNode = Record<string, unknown>;

/**
 * Parses `body` into its root element. Throws a `ResponseError` (via `context`) when the body is empty,
 * not well-formed XML, carries a DOCTYPE, or uses an entity we do not know.
 */
export function parseXmlDocument(body: string, context: ResolvedContext): XmlElement {
  const root = tryParseXmlDocument(body);
  if (typeof root === 'string') throw malformed(context, root);
  return root;
}

/**
 * Like {@link parseXmlDocument}, but returns the reason as a string instead of throwing; for callers
 * that must never throw (error bodies).
 */
export function tryParseXmlDocument(body: string): XmlElement | string {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.trim() === '') return 'the body is empty';
  if (DTD_MARKUP.test(text)) return `DOCTYPE and entity declarations are not accepted: ${excerpt(text)}`;
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return `not well-formed XML (${msg} at line ${line}, column ${col}): ${excerpt(text)}`;
  }
  // The validator lets text after the root element pass; a complete body ends with its root's end tag.
  if (text.slice(text.lastIndexOf('>') + 1).trim() !== '')
    return `text after the root element: ${excerpt(text)}`;
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (error) {
    return `cannot parse XML (${error instanceof Error ? error.message : String(error)}): ${excerpt(text)}`;
  }
  const roots = Array.isArray(nodes) ? toElements(nodes as OrderedNode[]).children : [];
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) {
    return `expected one root element, found ${roots.length}: ${excerpt(text)}`;
  }
  return root;
}

function toElements(nodes: readonly OrderedNode[], name = ''): XmlElement {
  const children: XmlElement[] = [];
  let text = '';
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === TEXT_KEY) text += String(value);
      else if (key !== ATTRIBUTES_KEY && Array.isArray(value)) children.push(toElements(value, key));
    }
  }
  return { name, children, text };
}

/** All children of `element` named `name`, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The one child named `name`, or `undefined`; more than one is malformed. */
export function optionalChild(
  element: XmlElement,
  name: string,
  context: ResolvedContext,
): XmlElement | undefined {
  let found: XmlElement | undefined;
  for (const child of element.children) {
    if (child.name !== name) continue;
    if (found !== undefined) throw malformed(context, `<${element.name}> has more than one <${name}>`);
    found = child;
  }
  return found;
}

/** The text of the one child named `name`, or `undefined` when there is none. */
export function optionalText(
  element: XmlElement,
  name: string,
  context: ResolvedContext,
): string | undefined {
  return optionalChild(element, name, context)?.text;
}

/** The text of the one child named `name`; throws a `ResponseError` when it is missing. */
export function requiredText(
  element: XmlElement,
  name: string,
  context: ResolvedContext,
  where?: string,
): string {
  const child = optionalChild(element, name, context);
  if (child === undefined) throw malformed(context, `${where ?? `<${element.name}>`} has no <${name}>`);
  return child.text;
}
