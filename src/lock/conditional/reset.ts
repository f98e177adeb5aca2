/**
 * Moving a name back from the conditional strategy to tickets. Once a name has a marker it belongs
 * to the conditional strategy (ticket contenders refuse it); to give it back, every contender stops
 * and its turns, done markers and marker are deleted. Fencing tokens must keep rising across the
 * move (promise 4): the ticket strategy numbers its tokens from its fence objects, which turns never
 * wrote, so before anything is deleted a fence object is written above the highest token the name's
 * turns gave out (finding M1 of issue 14: without it, tokens went 1027, 1028, 1029, then 3).
 *
 * @module
 */
import { LockStateError } from '../../errors.js';
import type { ObjectStore } from '../../store/types.js';
import { deleteRefs } from '../lock-store.js';
import { fenceKey, type LockKeys, parseTurnNumber, turnKey } from '../names.js';
import { discoverFrontier, forgetFrontier } from './frontier.js';
import { forgetMarker, readMarker, TOKEN_GAP } from './marker.js';
import { forgetFloor } from './queue.js';
import { listQueue } from './turn-store.js';

/** What a reset did. */
export interface ResetResult {
  /** False when the name had no marker (nothing to do). */
  reset: boolean;
  /** The fence object written: the next ticket holder's token is above it. */
  tokenFloor: number | undefined;
  /** Objects deleted (turns, done markers, the marker). */
  deleted: number;
}

/**
 * Resets lock `keys` from the conditional strategy to none (tickets may use it next), carrying its
 * fencing tokens over. Every process that used the name must have stopped: processes cache a
 * name's marker for their life. Refuses, before deleting anything, while a turn is running (or
 * break dead ones first with `breakLocks`).
 */
export async function resetConditional(
  store: ObjectStore,
  keys: LockKeys,
  signal?: AbortSignal,
): Promise<ResetResult> {
  const settings = await readMarker(store, keys, signal, { fresh: true });
  if (!settings) return { reset: false, tokenFloor: undefined, deleted: 0 };
  const queue = await listQueue(store, keys, 1, Number.MAX_SAFE_INTEGER, signal);
  const running = [...queue.turns.keys()].filter((n) => !queue.done.has(n));
  if (running.length > 0) {
    throw new LockStateError(
      `lock ${JSON.stringify(keys.name)} has ${running.length} running turn(s) (${running.slice(0, 5).join(', ')}); ` +
        'stop every contender (or break dead ones with breakLocks) before resetting it',
    );
  }
  const frontier = await discoverFrontier(store, keys, settings.checkpointEvery, () => 0, signal);
  // above every token a turn gave out, with the gap a switch leaves for acquisitions racing it
  const tokenFloor = settings.tokenBase + frontier.turn + TOKEN_GAP;
  await store.putObject(
    fenceKey(keys, tokenFloor),
    JSON.stringify({ token: tokenFloor, resetFrom: 'conditional' }),
    {
      contentType: 'application/json',
      signal,
    },
  );
  // turns and done markers first, the marker last: until it goes, the name stays conditional
  const refs: { key: string; versionId: undefined }[] = [];
  for (const prefix of [keys.turnPrefix, keys.donePrefix]) {
    for await (const o of store.listObjects({ prefix, signal })) {
      const n = parseTurnNumber(prefix, o.key);
      if (n !== undefined && n !== 0) refs.push({ key: o.key, versionId: undefined });
    }
  }
  await deleteRefs(store, refs, signal);
  await deleteRefs(store, [{ key: turnKey(keys, 0), versionId: undefined }], signal);
  // this process's knowledge of the name is void now; other processes must have exited (see above)
  forgetMarker(store, keys);
  forgetFrontier(store, keys);
  forgetFloor(store, keys);
  return { reset: true, tokenFloor, deleted: refs.length + 1 };
}
