// Deleting on B2: deleteObject hides (B2's delete marker) or deletes one version for good; deleting
// what is gone succeeds; deleteObjects has no bulk API, so it runs one call per target and reports
// every failure with B2's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteObjectsError, isNotFound } from '../../src/index.js';
import { type B2Fixture, startB2 } from './b2-fixture.js';

let fx: B2Fixture;

beforeAll(async () => {
  fx = await startB2();
});

afterAll(async () => {
  await fx.close();
});

const actions = (name: string) =>
  fx.server
    .versions()
    .filter((v) => v.fileName === name)
    .map((v) => v.action);

describe('deleteObject', () => {
  it('without a version: hides the file, keeping its versions, like a delete marker', async () => {
    await fx.b2.putObject('del/hide', 'data');
    await fx.b2.deleteObject('del/hide');
    await expect(fx.b2.headObject('del/hide')).rejects.toSatisfy(isNotFound);
    expect(actions('del/hide')).toEqual(['hide', 'upload']);
    expect(fx.server.calls('b2_hide_file')).toBeGreaterThan(0);
  });

  it('hiding a hidden or missing file succeeds without adding a marker', async () => {
    const before = fx.server.versions().length;
    await fx.b2.deleteObject('del/hide'); // already_hidden
    await fx.b2.deleteObject('del/never-was'); // no_such_file
    expect(fx.server.versions().length).toBe(before);
  });

  it('with a version: deletes exactly that version, and the previous one becomes current', async () => {
    const v1 = await fx.b2.putObject('del/ver', 'one');
    const v2 = await fx.b2.putObject('del/ver', 'two');
    await fx.b2.deleteObject('del/ver', { versionId: v2.versionId });
    expect(await (await fx.b2.getObject('del/ver')).text()).toBe('one');
    expect(
      fx.server
        .versions()
        .filter((v) => v.fileName === 'del/ver')
        .map((v) => v.fileId),
    ).toEqual([v1.versionId]);
    // deleting it again (a retry after a lost answer) is not an error
    await fx.b2.deleteObject('del/ver', { versionId: v2.versionId });
  });

  it('deletes a hide marker by version, which un-hides the file', async () => {
    await fx.b2.putObject('del/unhide', 'back');
    await fx.b2.deleteObject('del/unhide');
    const marker = fx.server.versions().find((v) => v.fileName === 'del/unhide' && v.action === 'hide');
    await fx.b2.deleteObject('del/unhide', { versionId: marker?.fileId });
    expect(await (await fx.b2.getObject('del/unhide')).text()).toBe('back');
  });
});

describe('deleteObjects', () => {
  it('deletes keys and versions, bounded in flight, reporting each', async () => {
    const refs = [];
    for (let i = 0; i < 40; i++)
      refs.push({ key: `many/${i}`, ...(await fx.b2.putObject(`many/${i}`, `${i}`)) });
    const result = await fx.b2.deleteObjects([
      ...refs.slice(0, 20).map((r) => r.key),
      ...refs.slice(20).map((r) => ({ key: r.key, versionId: r.versionId })),
    ]);
    expect(result.deleted).toHaveLength(40);
    expect(result.deleted[25]).toEqual({ key: 'many/25', versionId: refs[25]?.versionId });
    const left = fx.server.versions().filter((v) => v.fileName.startsWith('many/'));
    // keys were hidden (20 uploads + 20 markers), versions removed
    expect(left.filter((v) => v.action === 'hide')).toHaveLength(20);
    expect(left.filter((v) => v.action === 'upload')).toHaveLength(20);
  });

  it('reports per-target failures with B2’s code and keeps going', async () => {
    await fx.b2.putObject('partial/a', 'a');
    const b = await fx.b2.putObject('partial/b', 'b');
    // one hide fails for good (403), one delete names a file id of another key
    fx.server.failNext('b2_hide_file', { status: 403, code: 'access_denied' });
    const err = await fx.b2
      .deleteObjects([
        'partial/a',
        { key: 'partial/b', versionId: b.versionId },
        { key: 'partial/a', versionId: b.versionId },
      ])
      .catch((e) => e);
    expect(err).toBeInstanceOf(DeleteObjectsError);
    const failures = (err as DeleteObjectsError).failures;
    expect(failures).toEqual([
      { key: 'partial/a', code: 'access_denied', message: expect.stringContaining('403') },
    ]);
    // deleting b's version under a's name is "file_not_present": nothing to delete, so not a failure
    expect((err as DeleteObjectsError).deleted).toHaveLength(2);
    expect(actions('partial/b')).toEqual([]);
  });

  it('keeps at most deleteConcurrency calls in flight', async () => {
    const b2 = fx.session({ deleteConcurrency: 3 });
    const keys = [];
    for (let i = 0; i < 12; i++)
      keys.push({ key: `bounded/${i}`, versionId: (await b2.putObject(`bounded/${i}`, 'x')).versionId });
    fx.server.setLatency(15);
    try {
      await b2.deleteObjects(keys);
    } finally {
      fx.server.setLatency(0);
    }
    expect(fx.server.maxInFlight('b2_delete_file_version')).toBe(3);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(fx.b2.deleteObjects(['x/1', 'x/2'], { signal: controller.signal })).rejects.toThrow('stop');
  });
});
