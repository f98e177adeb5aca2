/**
 * The object file format of `FileSession`: one file holds the body and, after it, the object's
 * facts, so replacing the file (by rename) replaces body and metadata together and a reader holding
 * the file open sees one consistent object however many writes follow.
 *
 * ```
 * [body bytes][header: UTF-8 JSON][header length: uint32 big-endian][magic "s3f1"]
 * ```
 *
 * The header trails the body so a body can be streamed to disk while its MD5 (the ETag) is computed.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import type { Metadata } from '../../store/types.js';

/** Marks (and versions) the format; files without it are not objects and are ignored. */
const MAGIC = Buffer.from('s3f1', 'latin1');
/** Header length (4 bytes) and magic (4 bytes). */
const FOOTER_BYTES = 8;
/** Bytes read from a file's end in one go: the whole header, almost always (metadata is at most 2 KiB). */
const TAIL_READ_BYTES = 4096;

/** What the file records beside the body. */
export interface ObjectHeader {
  etag: string;
  size: number;
  lastModifiedMs: number;
  contentType: string;
  metadata: Metadata;
}

/** The trailer to append after a body of `header.size` bytes. */
export function encodeTrailer(header: ObjectHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeUInt32BE(json.length, 0);
  MAGIC.copy(footer, 4);
  return Buffer.concat([json, footer]);
}

/** Writes all of `bytes` at `position` (a single write may be short). */
export async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

async function readFully(handle: FileHandle, length: number, position: number): Promise<Buffer | undefined> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) return undefined;
    done += bytesRead;
  }
  return buffer;
}

/**
 * Reads the header of an open object file; undefined when the file is not a complete object in
 * this format (a stray file, or one cut short).
 */
export async function readHeader(handle: FileHandle): Promise<ObjectHeader | undefined> {
  const { size: fileSize } = await handle.stat();
  if (fileSize < FOOTER_BYTES) return undefined;
  const tailBytes = Math.min(fileSize, TAIL_READ_BYTES);
  const tail = await readFully(handle, tailBytes, fileSize - tailBytes);
  if (!tail?.subarray(tailBytes - MAGIC.length).equals(MAGIC)) return undefined;
  const jsonBytes = tail.readUInt32BE(tailBytes - FOOTER_BYTES);
  const bodySize = fileSize - FOOTER_BYTES - jsonBytes;
  if (bodySize < 0) return undefined;
  const json =
    jsonBytes + FOOTER_BYTES <= tailBytes
      ? tail.subarray(tailBytes - FOOTER_BYTES - jsonBytes, tailBytes - FOOTER_BYTES)
      : await readFully(handle, jsonBytes, bodySize);
  if (!json) return undefined;
  const header = parseHeader(json.toString('utf8'));
  return header?.size === bodySize ? header : undefined;
}

function parseHeader(text: string): ObjectHeader | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const h = value as Record<string, unknown>;
  const metadata = h.metadata;
  const valid =
    typeof h.etag === 'string' &&
    Number.isSafeInteger(h.size) &&
    Number.isSafeInteger(h.lastModifiedMs) &&
    typeof h.contentType === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    Object.values(metadata).every((v) => typeof v === 'string');
  if (!valid) return undefined;
  return {
    etag: h.etag as string,
    size: h.size as number,
    lastModifiedMs: h.lastModifiedMs as number,
    contentType: h.contentType as string,
    metadata: { ...(metadata as Metadata) },
  };
}
