/**
 * ListObjectsV2 response bodies (`<ListBucketResult>`).
 *
 * @module
 */
import type { ListedObject, ListPage } from '../../store/types.js';
import { malformed, type ResponseContextInput, resolveContext } from './context.js';
import { childrenNamed, optionalText, requiredText } from './document.js';
import { readCommonPrefixes, readEncodingType, readKeyText } from './listing.js';
import { parseRootElement } from './response.js';
import { parseBoolean, parseNonNegativeInteger, parseTimestamp, unquoteEtag } from './values.js';

/** One page of a ListObjectsV2 listing. */
export interface ListObjectsV2Page {
  /** The objects and common prefixes, keys decoded, in the order the store sent them (key order). */
  page: ListPage<ListedObject>;
  /** More results follow; ask for them with {@link nextContinuationToken}. */
  isTruncated: boolean;
  /** Opaque token for the next page; set exactly when `isTruncated` is true. */
  nextContinuationToken?: string | undefined;
  /** Objects plus common prefixes on this page, as the store counted them (counted here if it did not say). */
  keyCount: number;
}

/**
 * Parses a ListObjectsV2 response body.
 *
 * When the body has `<EncodingType>url</EncodingType>`, `<Key>` and `<CommonPrefixes><Prefix>` are
 * url-decoded (see `decodeUrlEncoded` for what AWS, Ceph and MinIO send). The echoed `<Prefix>`,
 * `<Delimiter>` and `<StartAfter>` are not returned: Ceph 16 sends them unencoded even under
 * `encoding-type=url` while AWS encodes them, so their meaning depends on the server, and the caller
 * knows what it sent. The continuation token is opaque and never url-encoded.
 *
 * @param context the operation name, or `{ method, status }`, for error messages.
 * @throws ResponseError when the body is not a well-formed `<ListBucketResult>`, an entry lacks its
 *   key, date, ETag or size, a value does not parse, or a truncated page has no continuation token.
 * @throws S3Error when the body is an `<Error>` document.
 *
 * @example
 * ```ts
 * const { page, isTruncated, nextContinuationToken } = parseListObjectsV2(body, 'ListObjectsV2');
 * for (const o of page.items) console.log(o.key, o.size, o.etag, o.lastModified);
 * ```
 */
export function parseListObjectsV2(
  body: string,
  context: ResponseContextInput = 'ListObjectsV2',
): ListObjectsV2Page {
  const ctx = resolveContext(context);
  const root = parseRootElement(body, 'ListBucketResult', ctx);
  const urlEncoded = readEncodingType(root, ctx);

  const items = childrenNamed(root, 'Contents').map((entry, i): ListedObject => {
    const where = `<Contents> #${i + 1}`;
    const key = readKeyText(entry, 'Key', urlEncoded, where, ctx);
    const at = `${where} (key ${JSON.stringify(key)})`;
    const object: ListedObject = {
      key,
      size: parseNonNegativeInteger(requiredText(entry, 'Size', ctx, at), `${at} <Size>`, ctx),
      etag: unquoteEtag(requiredText(entry, 'ETag', ctx, at)),
      lastModified: parseTimestamp(requiredText(entry, 'LastModified', ctx, at), `${at} <LastModified>`, ctx),
    };
    const storageClass = optionalText(entry, 'StorageClass', ctx)?.trim();
    if (storageClass) object.storageClass = storageClass;
    return object;
  });
  const commonPrefixes = readCommonPrefixes(root, urlEncoded, ctx);

  const isTruncated = parseBoolean(requiredText(root, 'IsTruncated', ctx), '<IsTruncated>', ctx);
  const keyCountText = optionalText(root, 'KeyCount', ctx);
  const keyCount =
    keyCountText === undefined
      ? items.length + commonPrefixes.length
      : parseNonNegativeInteger(keyCountText, '<KeyCount>', ctx);

  const result: ListObjectsV2Page = { page: { items, commonPrefixes }, isTruncated, keyCount };
  if (isTruncated) {
    const token = optionalText(root, 'NextContinuationToken', ctx);
    if (token === undefined || token === '') {
      throw malformed(ctx, '<IsTruncated> is true but there is no <NextContinuationToken> to continue with');
    }
    result.nextContinuationToken = token;
  }
  return result;
}
