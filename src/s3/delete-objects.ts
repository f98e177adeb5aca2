/**
 * `deleteObjects`: many keys per request, 1000 at a time, with every key accounted for.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { DeleteObjectsError, type DeleteObjectsFailure, S3funcError } from '../errors.js';
import type { DeleteObjectsResult, DeleteTarget } from '../store/types.js';
import { deleteTargets, validateKey } from '../store/validate.js';
import { validateVersionId } from './options.js';
import type { S3Requester } from './requester.js';
import { buildDeleteRequest, parseDeleteResult } from './xml/index.js';

/** S3 deletes at most this many keys per DeleteObjects request. */
export const DELETE_BATCH_LIMIT = 1000;

/**
 * Deletes `targets` in batches. A batch whose request fails counts each of its keys as a failure with
 * the request's error code; per-key errors reported by the store are kept as they are. Throws
 * `DeleteObjectsError` when anything was not deleted, after trying every batch. An abort stops at once.
 */
export async function deleteInBatches(
  requester: S3Requester,
  targets: Iterable<DeleteTarget>,
  signal: AbortSignal | undefined,
): Promise<DeleteObjectsResult> {
  const all = deleteTargets(targets);
  for (const t of all) {
    validateKey(t.key, 'deleteObjects key');
    validateVersionId(t.versionId, 'deleteObjects versionId');
  }
  const deleted: DeleteObjectsResult['deleted'] = [];
  const failures: DeleteObjectsFailure[] = [];
  for (let i = 0; i < all.length; i += DELETE_BATCH_LIMIT) {
    const batch = all.slice(i, i + DELETE_BATCH_LIMIT);
    const bytes = Buffer.from(buildDeleteRequest(batch, false), 'utf8');
    try {
      const result = await requester.send(
        {
          operation: 'DeleteObjects',
          method: 'POST',
          query: { delete: '' },
          // S3 refuses DeleteObjects without an integrity header
          headers: {
            'content-md5': createHash('md5').update(bytes).digest('base64'),
            'content-type': 'application/xml',
          },
          body: { kind: 'bytes', bytes },
          // a key-only delete sent twice can add a second delete marker on a versioned bucket
          safety: batch.every((t) => t.versionId !== undefined) ? 'idempotent' : 'unsafe',
          signal,
        },
        async (res) => parseDeleteResult(await res.body.text(), 'DeleteObjects'),
      );
      deleted.push(...result.deleted);
      failures.push(...result.errors);
      const answered = result.deleted.length + result.errors.length;
      if (answered < batch.length) failures.push(...unanswered(batch, result));
    } catch (error) {
      if (signal?.aborted) throw error;
      const code =
        error instanceof S3funcError ? ('s3Code' in error ? String(error.s3Code) : error.code) : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      for (const t of batch) failures.push({ key: t.key, versionId: t.versionId, code, message });
    }
  }
  const order = requestOrder(all);
  if (failures.length > 0)
    throw new DeleteObjectsError(inRequestOrder(deleted, order), inRequestOrder(failures, order));
  return { deleted: inRequestOrder(deleted, order) };
}

const refId = (key: string, versionId: string | undefined) => `${key}\u0000${versionId ?? ''}`;

/** Where each target (by key and version, and by key alone) first appears in the request. */
function requestOrder(all: readonly { key: string; versionId: string | undefined }[]): Map<string, number> {
  const order = new Map<string, number>();
  all.forEach((t, i) => {
    if (!order.has(refId(t.key, t.versionId))) order.set(refId(t.key, t.versionId), i);
    if (!order.has(refId(t.key, undefined))) order.set(refId(t.key, undefined), i);
  });
  return order;
}

/**
 * The store's answers in the order the targets were given: S3 answers a batch in any order (Ceph
 * RGW varies from run to run), and callers match results to their input.
 */
function inRequestOrder<T extends { key: string; versionId?: string | undefined }>(
  items: readonly T[],
  order: Map<string, number>,
): T[] {
  const rank = (t: T) =>
    order.get(refId(t.key, t.versionId)) ?? order.get(refId(t.key, undefined)) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((item, at) => ({ item, at, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at)
    .map((x) => x.item);
}

/** Keys the store's answer did not mention at all: reported, never assumed deleted. */
function unanswered(
  batch: { key: string; versionId?: string | undefined }[],
  result: { deleted: { key: string }[]; errors: { key: string }[] },
): DeleteObjectsFailure[] {
  const seen = new Set([...result.deleted, ...result.errors].map((e) => e.key));
  return batch
    .filter((t) => !seen.has(t.key))
    .map((t) => ({
      key: t.key,
      versionId: t.versionId,
      code: 'NotReported',
      message: 'the store did not report this key',
    }));
}
