import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DeleteObjectsError, NetworkError, S3Error } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/http/transport.js';
import { DELETE_BATCH_LIMIT, deleteInBatches } from '../../../src/s3/delete-objects.js';
import type { S3Call, S3Requester } from '../../../src/s3/requester.js';

interface Target {
  key: string;
  versionId?: string;
}

/**
 * A requester that answers DeleteObjects like a store would: every key deleted, except those `refuse`
 * names (an <Error> entry) or `omit` drops from the answer; `fail` makes a whole request fail.
 */
function fakeStore(
  options: {
    refuse?: (t: Target) => string | undefined;
    omit?: (t: Target) => boolean;
    fail?: (batch: number) => unknown;
    /** answer each batch in reverse order, as a store may */
    reverse?: boolean;
  } = {},
) {
  const calls: { call: S3Call; targets: Target[] }[] = [];
  const requester = {
    async send<T>(call: S3Call, read: (res: HttpResponse) => Promise<T>): Promise<T> {
      const xml = call.body?.kind === 'bytes' ? Buffer.from(call.body.bytes).toString('utf8') : '';
      const targets = [
        ...xml.matchAll(/<Object><Key>(.*?)<\/Key>(?:<VersionId>(.*?)<\/VersionId>)?<\/Object>/g),
      ].map(([, key, versionId]) =>
        versionId === undefined ? { key: key as string } : { key: key as string, versionId },
      );
      calls.push({ call, targets });
      const failure = options.fail?.(calls.length);
      if (failure !== undefined) throw failure;
      const entries = targets
        .filter((t) => !options.omit?.(t))
        .map((t) => {
          const version = t.versionId === undefined ? '' : `<VersionId>${t.versionId}</VersionId>`;
          const code = options.refuse?.(t);
          return code === undefined
            ? `<Deleted><Key>${t.key}</Key>${version}</Deleted>`
            : `<Error><Key>${t.key}</Key>${version}<Code>${code}</Code><Message>no</Message></Error>`;
        });
      if (options.reverse) entries.reverse();
      const body = `<?xml version="1.0" encoding="UTF-8"?><DeleteResult>${entries.join('')}</DeleteResult>`;
      return read({
        status: 200,
        headers: {},
        body: { text: async () => body } as unknown as HttpResponse['body'],
      });
    },
  };
  return { requester: requester as unknown as S3Requester, calls };
}

const keys = (n: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);

describe('deleteInBatches', () => {
  it('reports results in the order the targets were given, whatever order the store answers in', async () => {
    const { requester } = fakeStore({
      reverse: true,
      refuse: (t) => (t.key === 'k00003' ? 'AccessDenied' : undefined),
    });
    const targets = [...keys(3), 'k00003', { key: 'k00004', versionId: 'v1' }];
    const error = await deleteInBatches(requester, targets, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    const { deleted, failures } = error as DeleteObjectsError;
    expect(deleted).toEqual([
      { key: 'k00000' },
      { key: 'k00001' },
      { key: 'k00002' },
      { key: 'k00004', versionId: 'v1' },
    ]);
    expect(failures.map((f) => f.key)).toEqual(['k00003']);
    const ok = await deleteInBatches(fakeStore({ reverse: true }).requester, keys(4), undefined);
    expect(ok.deleted.map((d) => d.key)).toEqual(keys(4));
  });

  it('sends 1000 keys per request and reports every key deleted', async () => {
    const { requester, calls } = fakeStore();
    const all = keys(2_500);
    const result = await deleteInBatches(requester, all, undefined);
    expect(DELETE_BATCH_LIMIT).toBe(1_000);
    expect(calls.map((c) => c.targets.length)).toEqual([1_000, 1_000, 500]);
    expect(calls.flatMap((c) => c.targets.map((t) => t.key))).toEqual(all);
    expect(result.deleted.map((d) => d.key)).toEqual(all);
  });

  it('signs each batch with its Content-MD5 and sends it as a POST ?delete', async () => {
    const { requester, calls } = fakeStore();
    await deleteInBatches(requester, ['a', 'b'], undefined);
    const { call } = calls[0] as (typeof calls)[number];
    expect(call).toMatchObject({ operation: 'DeleteObjects', method: 'POST', query: { delete: '' } });
    const bytes = call.body?.kind === 'bytes' ? call.body.bytes : new Uint8Array();
    expect(call.headers?.['content-md5']).toBe(createHash('md5').update(bytes).digest('base64'));
  });

  it('treats key-only batches as unsafe (a resend could add delete markers) and exact versions as idempotent', async () => {
    const { requester, calls } = fakeStore();
    await deleteInBatches(requester, ['a', { key: 'b', versionId: 'v1' }], undefined);
    await deleteInBatches(
      requester,
      [
        { key: 'a', versionId: 'v1' },
        { key: 'b', versionId: 'v2' },
      ],
      undefined,
    );
    expect(calls.map((c) => c.call.safety)).toEqual(['unsafe', 'idempotent']);
    expect(calls[1]?.targets).toEqual([
      { key: 'a', versionId: 'v1' },
      { key: 'b', versionId: 'v2' },
    ]);
  });

  it('reports per-key refusals across batches, after trying every batch, and the rest as deleted', async () => {
    const all = keys(2_100);
    const refused = new Set([all[3], all[1_500], all[2_099]]);
    const { requester, calls } = fakeStore({
      refuse: (t) => (refused.has(t.key) ? 'AccessDenied' : undefined),
    });
    const error = await deleteInBatches(requester, all, undefined).catch((e: unknown) => e);
    expect(calls).toHaveLength(3);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    const { failures, deleted } = error as DeleteObjectsError;
    expect(failures).toEqual([...refused].map((key) => ({ key, code: 'AccessDenied', message: 'no' })));
    expect(deleted.map((d) => d.key)).toEqual(all.filter((k) => !refused.has(k)));
    expect((error as DeleteObjectsError).message).toContain('3 of 2100 keys were not deleted');
  });

  it('reports keys the store did not mention as NotReported, never as deleted', async () => {
    const { requester } = fakeStore({ omit: (t) => t.key === 'b' });
    const error = await deleteInBatches(requester, ['a', 'b', 'c'], undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteObjectsError);
    expect((error as DeleteObjectsError).failures).toEqual([
      { key: 'b', versionId: undefined, code: 'NotReported', message: 'the store did not report this key' },
    ]);
    expect((error as DeleteObjectsError).deleted.map((d) => d.key)).toEqual(['a', 'c']);
  });

  it('counts every key of a failed request as failed with its code, and still tries the other batches', async () => {
    const all = keys(1_500);
    const { requester, calls } = fakeStore({
      fail: (n) =>
        n === 1 ? new S3Error({ status: 503, s3Code: 'SlowDown', method: 'DeleteObjects' }) : undefined,
    });
    const error = (await deleteInBatches(requester, all, undefined).catch(
      (e: unknown) => e,
    )) as DeleteObjectsError;
    expect(calls).toHaveLength(2);
    expect(error.failures).toHaveLength(1_000);
    expect(new Set(error.failures.map((f) => f.code))).toEqual(new Set(['SlowDown']));
    expect(error.deleted.map((d) => d.key)).toEqual(all.slice(1_000));

    const net = fakeStore({ fail: () => new NetworkError('reset', { method: 'DeleteObjects', sent: true }) });
    const netError = (await deleteInBatches(net.requester, ['x'], undefined).catch(
      (e: unknown) => e,
    )) as DeleteObjectsError;
    expect(netError.failures).toEqual([
      { key: 'x', versionId: undefined, code: 'ERR_NETWORK', message: 'reset' },
    ]);
  });

  it('stops at once and rejects with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const { requester, calls } = fakeStore({
      fail: () => {
        controller.abort(reason);
        return reason;
      },
    });
    await expect(deleteInBatches(requester, keys(2_500), controller.signal)).rejects.toBe(reason);
    expect(calls).toHaveLength(1);
  });

  it('sends nothing for no keys, and refuses bad targets before sending anything', async () => {
    const { requester, calls } = fakeStore();
    await expect(deleteInBatches(requester, [], undefined)).resolves.toEqual({ deleted: [] });
    const bad: unknown[] = [
      ['ok', ''],
      ['ok', 'x'.repeat(1025)],
      ['ok', { key: 'a', versionId: '' }],
      ['ok', { key: 'a', version: 'v1' }],
      ['ok', null],
      ['ok', 5],
      'a-string-is-not-a-list-of-keys',
      null,
    ];
    for (const targets of bad) {
      await expect(
        deleteInBatches(requester, targets as never, undefined),
        JSON.stringify(targets),
      ).rejects.toBeInstanceOf(ConfigError);
    }
    expect(calls).toHaveLength(0);
  });

  it('accepts any iterable of targets', async () => {
    const { requester } = fakeStore();
    function* gen() {
      yield 'a';
      yield { key: 'b' };
    }
    expect((await deleteInBatches(requester, gen(), undefined)).deleted).toEqual([
      { key: 'a' },
      { key: 'b' },
    ]);
    expect((await deleteInBatches(requester, new Set(['c']), undefined)).deleted).toEqual([{ key: 'c' }]);
  });
});
