/**
 * `deleteObjects` for the embedded stores: each key in turn, every failure reported, nothing dropped.
 *
 * @module
 */
import { DeleteObjectsError, type DeleteObjectsFailure, S3Error } from '../errors.js';
import type { DeleteObjectsResult, DeleteTarget } from '../store/types.js';
import { deleteTargets, validateKey } from '../store/validate.js';
import { checkOptionalString } from './call-checks.js';

/**
 * Checks every target first (a bad key fails the call before anything is deleted), then deletes
 * them one by one with `remove`. Resolves when all were deleted; otherwise rejects with a
 * `DeleteObjectsError` naming each failure (its S3 code, or the system error's code). An abort stops at once.
 */
export async function deleteEach(
  targets: Iterable<DeleteTarget>,
  remove: (key: string, versionId: string | undefined) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<DeleteObjectsResult> {
  const all = deleteTargets(targets);
  for (const t of all) {
    validateKey(t.key, 'deleteObjects key');
    checkOptionalString(t.versionId, 'deleteObjects versionId');
  }
  const deleted: DeleteObjectsResult['deleted'] = [];
  const failures: DeleteObjectsFailure[] = [];
  for (const { key, versionId } of all) {
    try {
      await remove(key, versionId);
      deleted.push(versionId === undefined ? { key } : { key, versionId });
    } catch (error) {
      if (signal?.aborted) throw error;
      const code =
        error instanceof S3Error ? error.s3Code : String((error as { code?: unknown })?.code ?? 'Error');
      const message = error instanceof Error ? error.message : String(error);
      failures.push(versionId === undefined ? { key, code, message } : { key, versionId, code, message });
    }
  }
  if (failures.length > 0) throw new DeleteObjectsError(deleted, failures);
  return { deleted };
}
