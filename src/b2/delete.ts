/**
 * Deleting on B2: one file version, or a hide marker; and `deleteObjects`, which B2 has no bulk
 * call for: one call per key or version, a bounded number in flight, every target accounted for.
 *
 * @module
 */
import { B2Error, DeleteObjectsError, type DeleteObjectsFailure, S3funcError } from '../errors.js';
import type { DeleteObjectsResult, DeleteTarget } from '../store/types.js';
import { deleteTargets } from '../store/validate.js';
import { throwIfAborted } from '../util/abort.js';
import type { B2Client } from './client.js';
import { isB2Code } from './error-response.js';
import { validateFileName } from './names.js';

/** One target, normalised. */
export interface DeleteRef {
  key: string;
  versionId?: string | undefined;
}

/**
 * Deletes every target with `deleteOne`, at most `concurrency` at a time, in input order of start.
 * Throws `DeleteObjectsError` listing each failure (with B2's code) after trying all of them; an
 * abort stops at once and rejects with the signal's reason.
 */
export async function deleteMany(
  targets: Iterable<DeleteTarget>,
  concurrency: number,
  deleteOne: (ref: DeleteRef) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<DeleteObjectsResult> {
  const refs: DeleteRef[] = deleteTargets(targets);
  for (const r of refs) validateFileName(r.key, 'deleteObjects key');
  const outcomes: ({ ok: true } | { ok: false; error: unknown } | undefined)[] = new Array(refs.length);
  let next = 0;
  const worker = async () => {
    while (next < refs.length) {
      if (signal?.aborted) return;
      const i = next++;
      try {
        await deleteOne(refs[i] as DeleteRef);
        outcomes[i] = { ok: true };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, refs.length) }, worker));
  throwIfAborted(signal);
  const deleted: DeleteObjectsResult['deleted'] = [];
  const failures: DeleteObjectsFailure[] = [];
  refs.forEach((ref, i) => {
    const outcome = outcomes[i];
    const entry = ref.versionId === undefined ? { key: ref.key } : { key: ref.key, versionId: ref.versionId };
    if (outcome?.ok) deleted.push(entry);
    else failures.push({ ...entry, ...describeFailure(outcome?.error) });
  });
  if (failures.length > 0) throw new DeleteObjectsError(deleted, failures);
  return { deleted };
}

function describeFailure(error: unknown): { code: string; message: string } {
  const code = error instanceof B2Error ? error.b2Code : error instanceof S3funcError ? error.code : 'Error';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Deletes one version (`versionId`: `b2_delete_file_version`) or hides the file (`b2_hide_file`).
 * What is already gone or hidden counts as deleted, as S3 treats deleting a missing key.
 */
export async function deleteFile(
  client: B2Client,
  key: string,
  versionId: string | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    if (versionId !== undefined) {
      // idempotent: a repeat finds nothing (file_not_present), which counts as done
      await client.callApi({
        api: 'b2_delete_file_version',
        body: { fileName: key, fileId: versionId },
        key,
        safety: 'idempotent',
        signal,
      });
    } else {
      // not resent blindly: a repeat after someone else's new upload would hide their version
      await client.callApi({
        api: 'b2_hide_file',
        body: { bucketId: await client.bucketId(signal), fileName: key },
        key,
        safety: 'unsafe',
        signal,
      });
    }
  } catch (error) {
    if (!ALREADY_GONE.some(([status, code]) => isB2Code(error, status, code))) throw error;
  }
}

/**
 * Answers meaning there is nothing (left) to delete: `b2_delete_file_version` says
 * `file_not_present`, `b2_hide_file` says `no_such_file` or `already_hidden` (all 400).
 */
const ALREADY_GONE: readonly [number, string][] = [
  [400, 'file_not_present'],
  [400, 'no_such_file'],
  [400, 'already_hidden'],
];
