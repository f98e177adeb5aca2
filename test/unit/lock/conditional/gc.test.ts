/**
 * Turn collection (src/lock/conditional/gc.ts) on a store laid out by hand: checkpoints piled up
 * below everything collected must not stop it (finding C3 of issue 14), a done marker is never
 * deleted while young (C5), none is left behind for ever by a run that stopped between a turn
 * and its done marker (K26), and a dead contender's running turn, which no shared waiter breaks,
 * does not stop it for good (K30).
 */
import { describe, expect, it } from 'vitest';
import { MemorySession } from '../../../../src/index.js';
import { collectTurns } from '../../../../src/lock/conditional/gc.js';
import type { TurnSettings } from '../../../../src/lock/conditional/marker.js';
import { createTurn, readDone } from '../../../../src/lock/conditional/turn-store.js';
import { doneKey, leaseKey, lockKeys, parseTurnNumber, turnKey } from '../../../../src/lock/names.js';
import type { ObjectStore } from '../../../../src/store/types.js';

const keys = lockKeys('gc');
const settings: TurnSettings = { checkpointEvery: 2, retentionMs: 1000, tokenBase: 0 };
const over = (store: ObjectStore, n: number) =>
  Promise.all([store.putObject(turnKey(keys, n), '1'), store.putObject(doneKey(keys, n), '{}')]);

async function numbers(store: ObjectStore, prefix: string): Promise<number[]> {
  const out: number[] = [];
  for await (const o of store.listObjects({ prefix })) {
    const n = parseTurnNumber(prefix, o.key);
    if (n !== undefined) out.push(n);
  }
  return out;
}

describe('turn collection', () => {
  it('goes on past more checkpoints than a listing page holds (C3)', async () => {
    const store = new MemorySession();
    // 1100 blocks collected long ago: only their checkpoints 2, 4, …, 2200 are left
    const checkpoints = Array.from({ length: 1100 }, (_, i) => 2 * (i + 1));
    for (const n of checkpoints) await over(store, n);
    // then 40 finished turns, old enough to go, then the newest block
    for (let n = 2201; n <= 2240; n++) await over(store, n);
    await new Promise((r) => setTimeout(r, 1100));
    await over(store, 2241);
    await over(store, 2242);
    const deleted = await collectTurns(store, keys, settings, 2242, 2242);
    // every non-checkpoint turn below the newest block went, with its done marker
    const left = await numbers(store, keys.turnPrefix);
    expect(left.filter((n) => n % 2 !== 0)).toEqual([2241]);
    expect(deleted).toBe(20);
    expect((await numbers(store, keys.donePrefix)).filter((n) => n % 2 !== 0)).toEqual([2241]);
  });

  it('spares a young done marker whose turn a listing did not show (C5)', async () => {
    const store = new MemorySession();
    const memory = store.listObjects.bind(store);
    // turn 3 exists, held long and just ended; the listing (stale for that key) does not show it
    store.listObjects = (options = {}) =>
      (async function* () {
        for await (const o of memory(options)) if (o.key !== turnKey(keys, 3)) yield o;
      })();
    for (const n of [2, 3, 4, 5]) await store.putObject(turnKey(keys, n), '1');
    for (const n of [2, 4, 5]) await store.putObject(doneKey(keys, n), '{}');
    await new Promise((r) => setTimeout(r, 1100));
    await store.putObject(doneKey(keys, 3), '{}');
    for (let n = 6; n <= 12; n++) await over(store, n);
    await collectTurns(store, keys, settings, 12, 12);
    expect(await numbers(store, keys.donePrefix)).toContain(3);
    // and the walk stops there: past it, it would delete block 2's last turn, and later walks would
    // start above a marker left behind (K26)
    expect(await numbers(store, keys.turnPrefix)).toContain(5);
  });

  it("deletes, at the next run, a block's last done marker whose delete failed (K26)", async () => {
    const store = new MemorySession();
    const memory = store.deleteObject.bind(store);
    let failures = 1;
    store.deleteObject = async (key, options) => {
      if (key === doneKey(keys, 3) && failures-- > 0) throw new Error('simulated: connection reset');
      return memory(key, options);
    };
    for (let n = 1; n <= 9; n++) await over(store, n);
    await new Promise((r) => setTimeout(r, 1100));
    for (let n = 10; n <= 12; n++) await over(store, n);
    // turn 3, the last of block 1, goes; its done marker stays: the run stops there
    await expect(collectTurns(store, keys, settings, 12, 12)).rejects.toThrow(/simulated/);
    expect(await numbers(store, keys.turnPrefix)).not.toContain(3);
    expect(await numbers(store, keys.donePrefix)).toContain(3);
    // the next run finds block 1 collected (its last turn is gone) and still takes the marker
    await collectTurns(store, keys, settings, 12, 12);
    expect((await numbers(store, keys.donePrefix)).filter((n) => n % 2 !== 0)).toEqual([11]);
    expect((await numbers(store, keys.turnPrefix)).filter((n) => n % 2 !== 0)).toEqual([11]);
  });

  it('keeps an old turn until its done marker, too, is older than the retention (K26)', async () => {
    const store = new MemorySession();
    // turn 3 was held long: created long ago, ended just now. Deleted now, it would leave a young
    // done marker if the run stopped there, which a stale listing may omit and C5 must spare
    for (let n = 1; n <= 2; n++) await over(store, n);
    await store.putObject(turnKey(keys, 3), '1');
    await new Promise((r) => setTimeout(r, 1100));
    await store.putObject(doneKey(keys, 3), '{}');
    for (let n = 4; n <= 8; n++) await over(store, n);
    expect(await collectTurns(store, keys, settings, 8, 8)).toBe(1);
    expect(await numbers(store, keys.turnPrefix)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  describe("a running turn where a walk stops (K30: a crashed shared holder's)", () => {
    const leaseMs = 2000;
    const lockId = '0123456789abc';
    // turn 3 is c's, shared; 1-2 and 4-12 are over; the store's clock is driven by hand
    async function laidOut(leaseAt: 'renewed' | 'stale' | 'none') {
      let nowMs = 1_000_000;
      const store = new MemorySession({ now: () => nowMs });
      for (let n = 1; n <= 2; n++) await over(store, n);
      await store.putObject(leaseKey(keys, lockId, leaseMs), 'lease');
      await createTurn(store, keys, 3, { lockId, mode: 'shared', leaseMs });
      for (let n = 4; n <= 11; n++) await over(store, n);
      // just past two leases and the slack (3 s) of the store's clock since the turn and its lease
      nowMs += 2 * leaseMs + 3001;
      if (leaseAt === 'renewed') await store.putObject(leaseKey(keys, lockId, leaseMs), 'lease');
      if (leaseAt === 'none') await store.deleteObject(leaseKey(keys, lockId, leaseMs));
      await over(store, 12);
      return store;
    }

    it('ends it when its lease stayed unchanged for two leases and the slack, and hears who', async () => {
      const store = await laidOut('stale');
      const broke: string[] = [];
      await collectTurns(store, keys, settings, 12, 12, undefined, (id) => broke.push(id));
      expect(broke).toEqual([lockId]);
      expect(await readDone(store, keys, 3)).toMatchObject({ broken: true, entered: false });
      await expect(store.headObject(leaseKey(keys, lockId, leaseMs))).rejects.toThrow();
      // what is below it went; it stays until its marker is older than the retention
      expect(await numbers(store, keys.turnPrefix)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });

    it('ends it when its lease is gone and the turn is as old', async () => {
      const store = await laidOut('none');
      const broke: string[] = [];
      await collectTurns(store, keys, settings, 12, 12, undefined, (id) => broke.push(id));
      expect(broke).toEqual([lockId]);
      expect(await readDone(store, keys, 3)).toMatchObject({ broken: true });
    });

    it('leaves it while its lease is renewed, however old the turn', async () => {
      const store = await laidOut('renewed');
      const broke: string[] = [];
      await collectTurns(store, keys, settings, 12, 12, undefined, (id) => broke.push(id));
      expect(broke).toEqual([]);
      expect(await readDone(store, keys, 3)).toBeUndefined();
      expect(await numbers(store, keys.turnPrefix)).toContain(3);
    });
  });
});
