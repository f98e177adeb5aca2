/**
 * ListObjectVersions response bodies (`<ListVersionsResult>`).
 *
 * @module
 */
import type { ListedVersion, ListPage } from '../../store/types.js';
import { malformed, type ResolvedContext, type ResponseContextInput, resolveContext } from './context.js';
import { optionalText, requiredText, type XmlElement } from './document.js';
import { readCommonPrefixes, readEncodingType, readKeyText } from './listing.js';
import { parseRootElement } from './response.js';
import {
  decodeUrlEncoded,
  parseBoolean,
  parseNonNegativeInteger,
  parseTimestamp,
  unquoteEtag,
} from './values.js';

/** One page of a ListObjectVersions listing. */
export interface ListObjectVersionsPage {
  /**
   * Versions and delete markers in document order (key order, newest version of a key first), keys
   * decoded. A delete marker has `isDeleteMarker: true`, `etag: ''` and `size: 0`.
   */
  page: ListPage<ListedVersion>;
  /** More results follow; ask for them with the two markers. */
  isTruncated: boolean;
  /** The `key-marker` for the next page, decoded; set when `isTruncated` is true. */
  nextKeyMarker?: string | undefined;
  /** The `version-id-marker` for the next page, when the store sent one (Ceph: `null` if unversioned). */
  nextVersionIdMarker?: string | undefined;
}

/** The two element kinds of a versions listing; they interleave and their order is kept. */
const VERSION = 'Version';
const DELETE_MARKER = 'DeleteMarker';

/**
 * Parses a ListObjectVersions response body.
 *
 * With `<EncodingType>url</EncodingType>`, keys and common prefixes are url-decoded. `<NextKeyMarker>`
 * needs care: AWS url-encodes it, Ceph 16.2.15 sends it unencoded (measured), so it is matched
 * against the last entry and the last common prefix of the page, raw and decoded, to tell which; only
 * when it matches neither is it decoded as AWS documents.
 *
 * @param context the operation name, or `{ method, status }`, for error messages.
 * @throws ResponseError when the body is not a well-formed `<ListVersionsResult>`, an entry lacks a
 *   required field, a value does not parse, or a truncated page has no `<NextKeyMarker>`.
 * @throws S3Error when the body is an `<Error>` document.
 *
 * @example
 * ```ts
 * const { page } = parseListObjectVersions(body, 'ListObjectVersions');
 * const live = page.items.filter((v) => v.isLatest && !v.isDeleteMarker);
 * ```
 */
export function parseListObjectVersions(
  body: string,
  context: ResponseContextInput = 'ListObjectVersions',
): ListObjectVersionsPage {
  const ctx = resolveContext(context);
  const root = parseRootElement(body, 'ListVersionsResult', ctx);
  const urlEncoded = readEncodingType(root, ctx);

  const items: ListedVersion[] = [];
  let lastKey: { raw: string; decoded: string } | undefined;
  for (const entry of root.children) {
    if (entry.name !== VERSION && entry.name !== DELETE_MARKER) continue;
    const version = readVersion(entry, items.length + 1, urlEncoded, ctx);
    items.push(version);
    lastKey = { raw: requiredText(entry, 'Key', ctx), decoded: version.key };
  }
  const commonPrefixes = readCommonPrefixes(root, urlEncoded, ctx);

  const isTruncated = parseBoolean(requiredText(root, 'IsTruncated', ctx), '<IsTruncated>', ctx);
  const result: ListObjectVersionsPage = { page: { items, commonPrefixes }, isTruncated };
  if (isTruncated) {
    const marker = optionalText(root, 'NextKeyMarker', ctx);
    if (marker === undefined || marker === '') {
      throw malformed(ctx, '<IsTruncated> is true but there is no <NextKeyMarker> to continue with');
    }
    const groups = root.children.filter((child) => child.name === 'CommonPrefixes');
    const lastGroup = groups[groups.length - 1];
    const lastPrefix =
      lastGroup === undefined
        ? undefined
        : {
            raw: requiredText(lastGroup, 'Prefix', ctx),
            decoded: commonPrefixes[commonPrefixes.length - 1] ?? '',
          };
    result.nextKeyMarker = resolveKeyMarker(marker, urlEncoded, [lastKey, lastPrefix], ctx);
    const versionIdMarker = optionalText(root, 'NextVersionIdMarker', ctx);
    if (versionIdMarker !== undefined && versionIdMarker !== '') result.nextVersionIdMarker = versionIdMarker;
  }
  return result;
}

function readVersion(
  entry: XmlElement,
  index: number,
  urlEncoded: boolean,
  ctx: ResolvedContext,
): ListedVersion {
  const where = `<${entry.name}> #${index}`;
  const key = readKeyText(entry, 'Key', urlEncoded, where, ctx);
  const at = `${where} (key ${JSON.stringify(key)})`;
  const versionId = requiredText(entry, 'VersionId', ctx, at);
  if (versionId === '') throw malformed(ctx, `${at} has an empty <VersionId>`);
  const isDeleteMarker = entry.name === DELETE_MARKER;
  return {
    key,
    versionId,
    isLatest: parseBoolean(requiredText(entry, 'IsLatest', ctx, at), `${at} <IsLatest>`, ctx),
    isDeleteMarker,
    size: isDeleteMarker
      ? 0
      : parseNonNegativeInteger(requiredText(entry, 'Size', ctx, at), `${at} <Size>`, ctx),
    etag: isDeleteMarker ? '' : unquoteEtag(requiredText(entry, 'ETag', ctx, at)),
    lastModified: parseTimestamp(requiredText(entry, 'LastModified', ctx, at), `${at} <LastModified>`, ctx),
  };
}

/**
 * Decides whether `<NextKeyMarker>` came url-encoded. S3 sets it to the last key (or common prefix)
 * of the page, so it equals that entry either as sent (encoded like the keys: AWS) or as decoded
 * (not encoded: Ceph 16). Matching the raw form first is sound: for a server that does not encode, the
 * raw forms can only be equal when encoding leaves the key unchanged, and then both readings agree.
 */
function resolveKeyMarker(
  marker: string,
  urlEncoded: boolean,
  candidates: readonly ({ raw: string; decoded: string } | undefined)[],
  ctx: ResolvedContext,
): string {
  if (!urlEncoded) return marker;
  for (const candidate of candidates) if (candidate?.raw === marker) return candidate.decoded;
  for (const candidate of candidates) if (candidate?.decoded === marker) return marker;
  return decodeUrlEncoded(marker, '<NextKeyMarker>', ctx);
}
