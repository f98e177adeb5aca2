/**
 * Pieces shared by the two listing documents (`ListBucketResult`, `ListVersionsResult`).
 *
 * @module
 */
import { malformed, type ResolvedContext } from './context.js';
import { childrenNamed, optionalText, requiredText, type XmlElement } from './document.js';
import { decodeUrlEncoded } from './values.js';

/**
 * Whether the listing's keys are url-encoded. Only the response says so (`<EncodingType>url`):
 * a store that ignores the request parameter sends raw keys and no such element, and those keys
 * must then not be decoded.
 */
export function readEncodingType(root: XmlElement, context: ResolvedContext): boolean {
  const encoding = optionalText(root, 'EncodingType', context)?.trim().toLowerCase();
  if (encoding === undefined || encoding === '') return false;
  if (encoding === 'url') return true;
  throw malformed(context, `unsupported <EncodingType> ${JSON.stringify(encoding)}`);
}

/** A key or prefix as stored: decoded when the listing is url-encoded; an empty one is malformed. */
export function readKeyText(
  element: XmlElement,
  name: string,
  urlEncoded: boolean,
  where: string,
  context: ResolvedContext,
): string {
  const raw = requiredText(element, name, context, where);
  const key = urlEncoded ? decodeUrlEncoded(raw, `${where} <${name}>`, context) : raw;
  if (key === '') throw malformed(context, `${where} has an empty <${name}>`);
  return key;
}

/** The `<CommonPrefixes><Prefix>` values, in document order. */
export function readCommonPrefixes(
  root: XmlElement,
  urlEncoded: boolean,
  context: ResolvedContext,
): string[] {
  return childrenNamed(root, 'CommonPrefixes').map((group, i) =>
    readKeyText(group, 'Prefix', urlEncoded, `<CommonPrefixes> #${i + 1}`, context),
  );
}
