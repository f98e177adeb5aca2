/**
 * Giving back what one contender wrote when a write of it may still be on its way (findings K24 and
 * K27 of issue 14): a PUT the client gave up on, or one that needed a retry, can land after the
 * first delete; the key is deleted again once such a write can no longer arrive (`settleDelayMs`).
 */
import { describe, expect, it } from 'vitest';
import { MemorySession } from '../../../src/index.js';
import { OwnObjects } from '../../../src/lock/own-objects.js';
import { realRuntime } from '../../../src/lock/runtime.js';
import { sleep } from '../../../src/util/abort.js';

const KEY = 'late.lock.0123456789abc-1';
const SETTLE_MS = 120;

/** Deletes our objects while a late landing of `KEY` arrives `lateMs` after the clean-up began. */
async function cleanUpWithLateLanding(store: MemorySession, own: OwnObjects, lateMs: number) {
  const late = sleep(lateMs).then(() => store.putObject(KEY, '1'));
  await own.deleteUnder(store, 'late.lock.', { runtime: realRuntime, settleDelayMs: SETTLE_MS });
  await late;
  const left = [];
  for await (const v of store.listObjectVersions({ prefix: 'late.' })) left.push(v.key);
  return left;
}

describe('own objects with a write that may land late', () => {
  it('no versions kept: a key whose write failed is deleted again after the settle delay', async () => {
    const store = new MemorySession();
    const own = new OwnObjects();
    own.attempt(KEY);
    own.wrote(KEY, (await store.putObject(KEY, '1')).versionId);
    own.failed(KEY); // a later write of it failed: it may still land
    expect(await cleanUpWithLateLanding(store, own, 40)).toEqual([]);
  });

  it('no versions kept: a write answered after a retry counts as uncertain too', async () => {
    const store = new MemorySession();
    const own = new OwnObjects();
    own.attempt(KEY);
    own.wrote(KEY, (await store.putObject(KEY, '1')).versionId, 2);
    expect(await cleanUpWithLateLanding(store, own, 40)).toEqual([]);
  });

  it('versions kept: a write answered after a retry makes release list again after the settle delay', async () => {
    const store = new MemorySession({ versioning: true });
    const own = new OwnObjects();
    own.attempt(KEY);
    own.wrote(KEY, (await store.putObject(KEY, '1')).versionId, 2);
    expect(await cleanUpWithLateLanding(store, own, 40)).toEqual([]);
  });

  it('a write that landed on its first attempt costs no second pass', async () => {
    const store = new MemorySession();
    const own = new OwnObjects();
    own.attempt(KEY);
    own.wrote(KEY, (await store.putObject(KEY, '1')).versionId, 1);
    const started = performance.now();
    await own.deleteUnder(store, 'late.lock.', { runtime: realRuntime, settleDelayMs: 5_000 });
    expect(performance.now() - started).toBeLessThan(2_000);
    const left = [];
    for await (const v of store.listObjectVersions({ prefix: 'late.' })) left.push(v.key);
    expect(left).toEqual([]);
  });
});
