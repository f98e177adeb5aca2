/**
 * The DeleteObjects request body (`<Delete>`).
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import { escapeXmlText, findUnrepresentableChar } from './entities.js';

/** S3 accepts at most this many keys in one DeleteObjects request. */
export const MAX_DELETE_OBJECTS = 1000;

/** The S3 namespace every request body is written in. */
const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A key to delete, and optionally the exact version. */
export interface DeleteRequestTarget {
  key: string;
  versionId?: string | undefined;
}

/**
 * Builds the XML body of a DeleteObjects request. Keys are escaped for XML (`& < > " '`), and tab,
 * line feed and carriage return are written as character references so the server reads them back
 * exactly.
 *
 * DeleteObjects has no `encoding-type` for requests, so a key holding a character XML 1.0 cannot
 * carry at all (a control character other than tab, line feed and carriage return, U+FFFE, U+FFFF,
 * or a lone surrogate) cannot be named in it: such keys must be deleted one by one with DeleteObject,
 * whose key travels in the URL. (Ceph 16 answers 400 to both `&#x1;` and a raw U+0001 here.)
 *
 * @param quiet ask the store to report only failures, not every deleted key.
 * @throws ConfigError naming the key (or version id) that cannot be written, for an empty key, or
 *   when there are no targets or more than {@link MAX_DELETE_OBJECTS}.
 *
 * @example
 * ```ts
 * buildDeleteRequest([{ key: 'a&b' }, { key: 'c', versionId: 'v1' }], true);
 * // '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="…"><Quiet>true</Quiet>
 * //  <Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object></Delete>'
 * ```
 */
export function buildDeleteRequest(targets: readonly DeleteRequestTarget[], quiet: boolean): string {
  if (targets.length === 0) throw new ConfigError('deleteObjects needs at least one key', 'keys');
  if (targets.length > MAX_DELETE_OBJECTS) {
    throw new ConfigError(
      `one DeleteObjects request takes at most ${MAX_DELETE_OBJECTS} keys, got ${targets.length}`,
      'keys',
    );
  }
  const parts = [`<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="${S3_XMLNS}"><Quiet>${quiet}</Quiet>`];
  for (const { key, versionId } of targets) {
    if (key === '') throw new ConfigError('deleteObjects: a key must not be empty', 'keys');
    parts.push('<Object><Key>', xmlText(key, 'key', key), '</Key>');
    if (versionId !== undefined)
      parts.push('<VersionId>', xmlText(versionId, 'versionId', key), '</VersionId>');
    parts.push('</Object>');
  }
  parts.push('</Delete>');
  return parts.join('');
}

function xmlText(value: string, what: 'key' | 'versionId', key: string): string {
  const bad = findUnrepresentableChar(value);
  if (bad !== undefined) {
    const codePoint = `U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    const subject =
      what === 'key' ? `key ${JSON.stringify(key)}` : `the version id of key ${JSON.stringify(key)}`;
    throw new ConfigError(
      `${subject} contains ${codePoint} at index ${bad.index}, which XML 1.0 cannot carry, so DeleteObjects ` +
        'cannot name it; delete it with deleteObject instead',
      'keys',
    );
  }
  return escapeXmlText(value);
}
