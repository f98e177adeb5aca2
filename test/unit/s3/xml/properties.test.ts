import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import { findUnrepresentableChar } from '../../../../src/s3/xml/entities.js';
import {
  buildDeleteRequest,
  parseListObjectsV2,
  parseListObjectVersions,
} from '../../../../src/s3/xml/index.js';

/** Any string of whole code points (no lone surrogates: keys are UTF-8). */
const anyKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
/** Keys biased towards the characters that break naive encoders and parsers. */
const awkwardKey = fc.string({
  unit: fc.constantFrom(
    ' ',
    '+',
    '%',
    '/',
    '&',
    '<',
    '>',
    '"',
    "'",
    '\r',
    '\n',
    '\t',
    '\u0001',
    'é',
    '😀',
    'a',
    '~',
    '*',
  ),
  minLength: 1,
  maxLength: 20,
});
const key = fc.oneof(anyKey, awkwardKey);

/** AWS: form encoding, space as `+`, `/` literal, UTF-8 bytes as %XX. */
function awsUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Ceph RGW 16 in `<Key>`: space as `%20`, `/` as `%2F`, `'` `(` `)` `*` `!` `~` left literal. */
function cephUrlEncode(text: string): string {
  return encodeURIComponent(text);
}

/** How a store escapes element text; control characters (CR included) as references, like Ceph does. */
const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
function xmlEscape(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (XML_ESCAPES[c] !== undefined) out += XML_ESCAPES[c];
    else if (code < 0x20 && c !== '\t' && c !== '\n') out += `&#x${code.toString(16)};`;
    else out += c;
  }
  return out;
}

function listingOf(encodedKeys: string[], encodingType: boolean): string {
  const contents = encodedKeys
    .map(
      (k, i) =>
        `<Contents><Key>${xmlEscape(k)}</Key><LastModified>2026-11-25T10:00:${String(i % 60).padStart(2, '0')}.000Z</LastModified><ETag>&quot;c4ca4238a0b923820dcc509a6f75849b&quot;</ETag><Size>${i}</Size></Contents>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${encodingType ? '<EncodingType>url</EncodingType>' : ''}<IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
}

describe('properties', () => {
  it('parseListObjectsV2 returns the original keys, whichever way the store url-encodes them', () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 20 }),
        fc.constantFrom(awsUrlEncode, cephUrlEncode),
        (keys, encode) => {
          const { page } = parseListObjectsV2(listingOf(keys.map(encode), true));
          expect(page.items.map((o) => o.key)).toEqual(keys);
          expect(page.items.map((o) => o.size)).toEqual(keys.map((_, i) => i));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parseListObjectsV2 returns the original keys of an unencoded listing (XML escaping only)', () => {
    // U+0000 has no form at all in XML, not even a reference: only a url-encoded listing can carry it.
    const xmlKey = key.filter((k) => !k.includes('\u0000'));
    fc.assert(
      fc.property(fc.array(xmlKey, { maxLength: 20 }), (keys) => {
        const { page } = parseListObjectsV2(listingOf(keys, false));
        expect(page.items.map((o) => o.key)).toEqual(keys);
      }),
      { numRuns: 500 },
    );
  });

  it('parseListObjectVersions keeps any interleaving of versions and delete markers in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.boolean()), { maxLength: 30 }), (entries) => {
        const inner = entries
          .map(([k, marker], i) => {
            const common = `<Key>${xmlEscape(awsUrlEncode(k))}</Key><VersionId>v${i}</VersionId><IsLatest>${i % 2 === 0}</IsLatest><LastModified>2026-11-25T10:00:00Z</LastModified>`;
            return marker
              ? `<DeleteMarker>${common}</DeleteMarker>`
              : `<Version>${common}<ETag>"e${i}"</ETag><Size>${i}</Size></Version>`;
          })
          .join('');
        const body = `<ListVersionsResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>${inner}</ListVersionsResult>`;
        const { page } = parseListObjectVersions(body);
        expect(page.items.map((v) => [v.key, v.versionId, v.isDeleteMarker])).toEqual(
          entries.map(([k, marker], i) => [k, `v${i}`, marker]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('parseListObjectVersions reads NextKeyMarker right whether the store encodes it (AWS) or not (Ceph 16)', () => {
    const markerKey = key.filter((k) => !k.includes('\u0000'));
    fc.assert(
      fc.property(
        fc.array(markerKey, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('aws', 'ceph'),
        fc.boolean(),
        (keys, store, asPrefixes) => {
          const encode = store === 'aws' ? awsUrlEncode : cephUrlEncode;
          const last = keys[keys.length - 1] as string;
          const entries = keys
            .map((k, i) =>
              asPrefixes
                ? `<CommonPrefixes><Prefix>${xmlEscape(encode(k))}</Prefix></CommonPrefixes>`
                : `<Version><Key>${xmlEscape(encode(k))}</Key><VersionId>v${i}</VersionId><IsLatest>true</IsLatest><LastModified>2026-11-25T10:00:00Z</LastModified><ETag>"e"</ETag><Size>1</Size></Version>`,
            )
            .join('');
          const marker = store === 'aws' ? awsUrlEncode(last) : last;
          const body = `<ListVersionsResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextKeyMarker>${xmlEscape(marker)}</NextKeyMarker>${entries}</ListVersionsResult>`;
          expect(parseListObjectVersions(body).nextKeyMarker).toBe(last);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('buildDeleteRequest reads back through fast-xml-parser as the same keys and version ids', () => {
    const reader = new XMLParser({
      trimValues: false,
      parseTagValue: false,
      htmlEntities: true, // fast-xml-parser decodes &#13; only with this on
      isArray: (name) => name === 'Object',
    });
    const sendable = key.filter((k) => findUnrepresentableChar(k) === undefined);
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: sendable, versionId: fc.option(sendable, { nil: undefined }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.boolean(),
        (targets, quiet) => {
          const parsed = reader.parse(buildDeleteRequest(targets, quiet));
          const objects = parsed.Delete.Object as { Key: string; VersionId?: string }[];
          expect(objects.map((o) => o.Key)).toEqual(targets.map((t) => t.key));
          expect(objects.map((o) => o.VersionId)).toEqual(targets.map((t) => t.versionId));
          expect(parsed.Delete.Quiet).toBe(String(quiet));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('buildDeleteRequest refuses exactly the keys XML 1.0 cannot carry', () => {
    fc.assert(
      fc.property(key, (k) => {
        const unsendable = findUnrepresentableChar(k) !== undefined;
        let error: unknown;
        try {
          buildDeleteRequest([{ key: k }], true);
        } catch (e) {
          error = e;
        }
        expect(error instanceof ConfigError).toBe(unsendable);
      }),
      { numRuns: 500 },
    );
  });
});
