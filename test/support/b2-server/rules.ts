/**
 * B2's input rules as the test server enforces them: file names, file info, content types, SHA-1
 * headers. Each violation is the 400 `bad_request` B2 answers with.
 */
import { badRequest } from './http.js';

/** Names: UTF-8, 1 to 1024 bytes, no codes below 32, no DEL (Backblaze "Files", "File Names"). */
const MAX_NAME_BYTES = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Info names: up to 50 bytes of letters, digits and `-_.\`~!#$%^&*'|+`, `b2-` reserved. */
const INFO_NAME = /^[A-Za-z0-9\-_.`~!#$%^&*'|+]{1,50}$/;
/** File name plus file info headers: at most 7000 bytes (`b2_upload_file`). */
const MAX_NAME_AND_INFO_BYTES = 7000;

export function checkFileName(name: string): void {
  if (name.length === 0) throw badRequest('file name must not be empty');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw badRequest(`file name is longer than ${MAX_NAME_BYTES} bytes`);
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 32 || code === 127)
      throw badRequest(`file names must not contain control characters (${code})`);
  }
  if (LONE_SURROGATE.test(name)) throw badRequest('file name is not valid UTF-8');
}

/** Checks file info (names already lower case) together with the file name's size. */
export function checkFileInfo(fileName: string, info: Record<string, unknown>): Record<string, string> {
  let bytes = Buffer.byteLength(encodeURIComponent(fileName));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(info)) {
    if (!INFO_NAME.test(name)) throw badRequest(`invalid file info name: ${name}`);
    if (name.toLowerCase().startsWith('b2-'))
      throw badRequest(`file info names starting with b2- are reserved: ${name}`);
    if (typeof value !== 'string') throw badRequest(`file info value of ${name} must be a string`);
    bytes += 'X-Bz-Info-'.length + name.length + Buffer.byteLength(encodeURIComponent(value));
    out[name.toLowerCase()] = value;
  }
  if (bytes > MAX_NAME_AND_INFO_BYTES) throw badRequest('file name and file info exceed 7000 bytes');
  return out;
}

/** `b2/x-auto`: B2 picks the type from the name's extension. A small table is enough for tests. */
const AUTO_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  json: 'application/json',
  html: 'text/html',
  jpg: 'image/jpeg',
  png: 'image/png',
};

export function checkContentType(contentType: string | undefined, fileName: string): string {
  if (!contentType) throw badRequest('Content-Type is required');
  if (contentType === 'b2/x-auto') {
    const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
    return AUTO_TYPES[ext] ?? 'application/octet-stream';
  }
  if (!/^[^/\s]+\/[^/\s]+/.test(contentType)) throw badRequest(`invalid content type: ${contentType}`);
  return contentType;
}

/** `X-Bz-Content-Sha1` values B2 accepts besides 40 hex digits (Backblaze "Uploading", "SHA1 Checksums"). */
export const SHA1_AT_END = 'hex_digits_at_end';
export const SHA1_NOT_VERIFIED = 'do_not_verify';

/** Splits an upload body by its SHA-1 header; throws B2's 400 when the header or the checksum is wrong. */
export function verifySha1(
  header: string | undefined,
  body: Buffer,
  sha1Of: (b: Buffer) => string,
): {
  data: Buffer;
  sha1: string;
  verified: boolean;
} {
  if (header === undefined) throw badRequest('Missing header: X-Bz-Content-Sha1');
  if (header === SHA1_NOT_VERIFIED)
    return { data: body, sha1: `unverified:${sha1Of(body)}`, verified: false };
  let data = body;
  let claimed = header.toLowerCase();
  if (header === SHA1_AT_END) {
    if (body.length < 40) throw badRequest('body is too short to hold hex_digits_at_end');
    data = body.subarray(0, body.length - 40);
    claimed = body
      .subarray(body.length - 40)
      .toString('latin1')
      .toLowerCase();
  }
  if (!/^[0-9a-f]{40}$/.test(claimed)) throw badRequest(`Not a valid hex SHA1: ${claimed}`);
  if (sha1Of(data) !== claimed) throw badRequest('Sha1 did not match data received');
  return { data, sha1: claimed, verified: true };
}
