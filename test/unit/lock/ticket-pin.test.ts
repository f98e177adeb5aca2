/**
 * A retried seq-1 write may land twice (finding T4 of issue 14): the ticket is written again until a
 * write lands on its first attempt, and listings must show that write before the election trusts them.
 */
import { describe, expect, it } from 'vitest';
import { MemorySession } from '../../../src/index.js';
import { writeTicket } from '../../../src/lock/lock-store.js';
import { lockKeys, ticketKey } from '../../../src/lock/names.js';
import { OwnObjects } from '../../../src/lock/own-objects.js';
import { realRuntime } from '../../../src/lock/runtime.js';
import { matchesPin, parseTickets } from '../../../src/lock/ticket.js';
import type { PutObjectOptions, PutObjectResult } from '../../../src/store/types.js';

const keys = lockKeys('pin');
const ID = '0123456789abc';

/** A memory store whose first `retried` writes of seq-1 report that they needed a second attempt. */
function retryingStore(retried: number) {
  const store = new MemorySession();
  const put = store.putObject.bind(store);
  const writes: number[] = [];
  store.putObject = async (
    key: string,
    body: unknown,
    options?: PutObjectOptions,
  ): Promise<PutObjectResult> => {
    const result = await put(key, body as string, options);
    if (key !== ticketKey(keys, ID, 1)) return result;
    writes.push(Date.now());
    return { ...result, attempts: writes.length <= retried ? 2 : 1 };
  };
  return { store, writes };
}

describe('pinning our seq-1', () => {
  it('a first-attempt write needs no pin and no extra request', async () => {
    const { store, writes } = retryingStore(0);
    const pin = await writeTicket(store, keys, ID, 'exclusive', new OwnObjects(), {
      runtime: realRuntime,
      settleDelayMs: 50,
    });
    expect(pin).toEqual({});
    expect(writes).toHaveLength(1);
  });

  it('a retried write is written again a settle delay later, and pinned at that write', async () => {
    const { store, writes } = retryingStore(1);
    const pin = await writeTicket(store, keys, ID, 'exclusive', new OwnObjects(), {
      runtime: realRuntime,
      settleDelayMs: 50,
    });
    expect(writes).toHaveLength(2);
    expect((writes[1] as number) - (writes[0] as number)).toBeGreaterThanOrEqual(45);
    const head = await store.headObject(ticketKey(keys, ID, 1));
    expect(pin).toEqual({ notBeforeMs: head.lastModified.getTime() });
  });

  it('a listing showing an earlier landing of seq-1 does not match the pin', () => {
    const listed = (ms: number, versionId?: string) =>
      parseTickets(keys, [
        {
          key: ticketKey(keys, ID, 0),
          etag: 'c4ca4238a0b923820dcc509a6f75849b',
          lastModified: new Date(ms),
          versionId,
        },
        {
          key: ticketKey(keys, ID, 1),
          etag: 'c4ca4238a0b923820dcc509a6f75849b',
          lastModified: new Date(ms),
          versionId,
        },
      ]).get(ID);
    expect(matchesPin(listed(1000), { notBeforeMs: 2000 })).toBe(false);
    expect(matchesPin(listed(2000), { notBeforeMs: 2000 })).toBe(true);
    expect(matchesPin(listed(2400), { notBeforeMs: 2000 })).toBe(true);
    expect(matchesPin(listed(2400, 'v1'), { versionId: 'v2' })).toBe(false);
    expect(matchesPin(listed(2400, 'v2'), { versionId: 'v2' })).toBe(true);
    expect(matchesPin(listed(0), undefined)).toBe(true);
    expect(matchesPin(undefined, { versionId: 'v2' })).toBe(false);
  });
});
