/**
 * Turns an S3 response body into a small element tree, with a strict parser of our own.
 *
 * S3 answers in a small subset of XML: a declaration, elements, text with the five entities and
 * numeric references, sometimes CDATA, never a DTD. Why not a library (DESIGN §1 asks for the
 * measured reason): fast-xml-parser 5, configured to be this strict (validator pass plus ordered
 * mode), took 106 ms per 1000-key listing page against 6.5 ms for this parser, measured side by
 * side on this project's 2-core machine, and its ESM build added 60–110 ms to the package's cold
 * import (`npm run bench`). Listings are the hot path of every lock. It stays a dev dependency, as
 * an independent oracle in the tests. What this parser accepts:
 * - the body must be well-formed: every tag closed in order, one root, nothing but whitespace,
 *   comments and processing instructions outside it; a listing cut short never passes for a
 *   shorter listing;
 * - DOCTYPE is refused outright (no entity definitions, so no expansion bombs or external entities);
 * - text stays a string with its whitespace (keys may begin or end with spaces, `"0012"` stays as
 *   is), entity and character references go through our strict decoder (see `entities.ts`), CDATA
 *   is taken as is, and line ends are normalised as XML requires (`\r\n` and `\r` read as `\n`);
 * - children keep document order (`<Version>` and `<DeleteMarker>` interleave, and order matters);
 * - element names never become object keys, so no name can pollute a prototype; attributes are
 *   checked for syntax and ignored (S3 puts nothing in them that we use).
 *
 * @module
 */
import { excerpt, malformed, type ResolvedContext } from './context.js';
import { decodeXmlText, XmlReferenceError } from './entities.js';

/** One XML element: its name, its child elements in document order, and its own text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** The element's direct text content (CDATA included), entities decoded, whitespace kept. */
  readonly text: string;
}

/** S3 documents nest four levels deep at most (`ListVersionsResult/Version/Owner/ID`); leave room. */
const MAX_NESTING = 32;

/** A DOCTYPE (any case) or entity declaration anywhere in the body. */
const DTD_MARKUP = /<!(DOCTYPE|ENTITY)/i;
/** An XML name (sticky: matched at `lastIndex`). Non-ASCII letters are accepted wholesale. */
const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;
/** An attribute: whitespace, name, `=`, quoted value without `<` (sticky). */
const ATTRIBUTE =
  /[ \t\n]+[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*[ \t\n]*=[ \t\n]*(?:"[^<"]*"|'[^<']*')/y;
/** The end of a start tag: optional whitespace, then `>` or `/>` (sticky). */
const TAG_END = /[ \t\n]*(\/?)>/y;
/** The rest of an end tag after its name (sticky). */
const END_TAG_END = /[ \t\n]*>/y;
const WHITESPACE_ONLY = /^[ \t\n]*$/;

interface OpenElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Why a body is not the XML we accept, at `offset`. */
class NotWellFormed extends Error {
  constructor(
    reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

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
  let text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.trim() === '') return 'the body is empty';
  if (DTD_MARKUP.test(text)) return `DOCTYPE and entity declarations are not accepted: ${excerpt(text)}`;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  try {
    return parseElements(text);
  } catch (error) {
    if (error instanceof NotWellFormed)
      return `not well-formed XML (${error.message} at offset ${error.offset}): ${excerpt(text)}`;
    if (error instanceof XmlReferenceError) return `not well-formed XML (${error.message}): ${excerpt(text)}`;
    throw error;
  }
}

function parseElements(text: string): XmlElement {
  const open: OpenElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf('<', at);
    const textEnd = lt === -1 ? text.length : lt;
    if (textEnd > at) {
      const piece = text.slice(at, textEnd);
      const parent = open[open.length - 1];
      if (parent) parent.text += decodeXmlText(piece);
      else if (!WHITESPACE_ONLY.test(piece))
        throw new NotWellFormed(root ? 'text after the root element' : 'text before the root element', at);
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x2f /* </ */) at = closeElement(text, lt, open, (done) => (root = done));
    else if (next === 0x3f /* <? */) at = skipPast(text, lt + 2, '?>', 'processing instruction');
    else if (text.startsWith('<!--', lt)) at = skipPast(text, lt + 4, '-->', 'comment');
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const parent = open[open.length - 1];
      if (end === -1) throw new NotWellFormed('unterminated CDATA section', lt);
      if (!parent) throw new NotWellFormed('CDATA outside the root element', lt);
      parent.text += text.slice(lt + 9, end);
      at = end + 3;
    } else {
      if (root !== undefined && open.length === 0)
        throw new NotWellFormed('expected one root element, found a second', lt);
      at = openElement(text, lt, open, (done) => (root = done));
    }
  }
  const unclosed = open[open.length - 1];
  if (unclosed) throw new NotWellFormed(`<${unclosed.name}> is not closed`, text.length);
  if (root === undefined) throw new NotWellFormed('expected one root element, found none', 0);
  return root;
}

/** Reads the start tag at `lt`; returns the offset after it. */
function openElement(
  text: string,
  lt: number,
  open: OpenElement[],
  setRoot: (root: XmlElement) => void,
): number {
  NAME.lastIndex = lt + 1;
  const name = NAME.exec(text)?.[0];
  if (name === undefined) throw new NotWellFormed('"<" starts no tag', lt);
  let at = NAME.lastIndex;
  for (;;) {
    ATTRIBUTE.lastIndex = at;
    if (!ATTRIBUTE.test(text)) break;
    at = ATTRIBUTE.lastIndex;
  }
  TAG_END.lastIndex = at;
  const end = TAG_END.exec(text);
  if (end === null) throw new NotWellFormed(`malformed start tag <${name}>`, lt);
  if (open.length >= MAX_NESTING) throw new NotWellFormed(`elements nest more than ${MAX_NESTING} deep`, lt);
  const element: OpenElement = { name, children: [], text: '' };
  if (end[1] === '/') attach(element, open, setRoot);
  else open.push(element);
  return TAG_END.lastIndex;
}

/** Reads the end tag at `lt`, which must close the innermost open element; returns the offset after it. */
function closeElement(
  text: string,
  lt: number,
  open: OpenElement[],
  setRoot: (root: XmlElement) => void,
): number {
  NAME.lastIndex = lt + 2;
  const name = NAME.exec(text)?.[0];
  END_TAG_END.lastIndex = NAME.lastIndex;
  if (name === undefined || !END_TAG_END.test(text)) throw new NotWellFormed('malformed end tag', lt);
  const element = open.pop();
  if (element?.name !== name)
    throw new NotWellFormed(`</${name}> does not close ${element ? `<${element.name}>` : 'any element'}`, lt);
  attach(element, open, setRoot);
  return END_TAG_END.lastIndex;
}

function attach(element: OpenElement, open: OpenElement[], setRoot: (root: XmlElement) => void): void {
  const parent = open[open.length - 1];
  if (parent) parent.children.push(element);
  else setRoot(element);
}

function skipPast(text: string, from: number, terminator: string, what: string): number {
  const end = text.indexOf(terminator, from);
  if (end === -1) throw new NotWellFormed(`unterminated ${what}`, from);
  return end + terminator.length;
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
