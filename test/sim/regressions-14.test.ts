// The findings of issue 14's review, each caught by a dimension the simulation lacked and replayed
// from its recorded shrunk counterexample (seed + path over an arbitrary of findings.ts). Each
// replay failed on the lock core at commit 00dbd60 (before the fixes) and passes once its fix is
// in. `SIM_DISCOVER=1` searches afresh and prints new seeds and paths; `-t K14` picks one.
import { afterAll, describe, it } from 'vitest';
import { CLEANUP, configArb, mixedCleanupArb } from './arbitraries.js';
import {
  checkCleanup,
  checkCollection,
  checkConditionalCleanup,
  checkFencing,
  checkLiveness,
  checkSafety,
} from './checks.js';
import {
  collectionArb,
  conditionalCleanupArb,
  conflictArb,
  ignoredIfNoneMatchArb,
  lateCreateArb,
  lateTicketArb,
  operatorArb,
  retriedSnapshotArb,
  stalledWaiterArb,
  suspendedFrontierArb,
  suspendedHolderArb,
  waiterPauseLivenessArb,
} from './findings.js';
import { saveStats } from './harness.js';
import { replay } from './replay.js';
import type { SimResult } from './world.js';

afterAll(() => saveStats('8-regressions-14'));

/** R1: a 409 ConditionalRequestConflict means nothing was applied: it is retried, never the end of an acquisition. */
function checkNoConflictFailure(r: SimResult): string[] {
  return r.acquires
    .filter((a) => a.outcome.includes('409') || a.outcome.includes('ConditionalRequestConflict'))
    .map((a) => `c${a.who} ${a.label} (${a.mode}) failed on a 409: ${a.outcome}`);
}

/** C4: a contender whose turn someone else ended (an operator's break) never enters afterwards. */
function checkNoEntryAfterBreak(r: SimResult): string[] {
  const out: string[] = [];
  for (const b of r.operatorBreaks) {
    if (typeof b.broken === 'string') continue;
    for (const h of r.holds) {
      if (b.broken.includes(h.lockId) && h.fromUs > b.atUs) {
        out.push(
          `c${h.who} (${h.lockId}) entered at ${(h.fromUs / 1000).toFixed(3)}ms, after the operator ended its turn at ${(b.atUs / 1000).toFixed(3)}ms`,
        );
      }
    }
  }
  return out;
}

describe('issue 14: findings the new dimensions catch, replayed', () => {
  it('K24 (late ticket writes): a ticket PUT the client gave up on lands after its discard and blocks everyone', async () => {
    await replay('K24', {
      arb: lateTicketArb(),
      check: checkLiveness,
      seed: 1553524937,
      path: '11:3:1:2:0:2:4:1:0:2:0:1:0:1:1:1:1:2:1:3:0:1:2:2:9:1:1:4:2:1:2:2:2:2:2:3:2:1:1:1:0:2:0',
    });
  });

  it('K28 (late Python ticket write): a Python contender deletes by key the seq-1 it never learnt the version of, the PUT lands after, and the age-gate break leaves the delete marker beneath it', async () => {
    await replay('K28', {
      arb: mixedCleanupArb(),
      check: (r) => checkCleanup(r),
      seed: 12,
      path: '409',
    });
  });

  it('K27 (paused acquirer): a contender whose lease ran out while it acquired abandons its seq-1 PUT, deletes its ticket, and the PUT lands after', async () => {
    await replay('K27', {
      arb: waiterPauseLivenessArb(),
      check: checkLiveness,
      seed: 1027227097,
      path: '115:15:0:0:3:9:9:10:12:5:3:2:11:10:12:12:12:13:13:13:14:13:16:7:4:19:19:21:21:34:34:34:34:41:3:7:0:2:6:10:7:8:8:8:8:8:8:12:11:9:10:3:13:13:22:7:7:9:6:11:12:2:0:3:15:1:10:10:16:3:3:1:4:1:6:6:12:6:7:6:9:1:6:14:12:1:3:7:7:7:14:7:7:7:10:1:6:9:9:10:1:8:3:1:6:6:7:6:6:8:8:8:8:10:6:6:7:7:7:7:7:7:7:7:7:13:7:7:7:9:5:8:4:7:5:5:7:6:7:10:7:6:6:7:7:7:7:7:7:7:7:7:8:2:1:4:4:4:4:4:11:2:4:7:4:4:6:4:4:5:5:5:5:7:6:4:11:5:10:10:10:10:10:10:11:10:12:12:10:11:10:10:11',
    });
  });

  it('K14 (T1): a waiter stalled between a lease listing and its verdict breaks a live holder', async () => {
    await replay('K14', {
      arb: stalledWaiterArb(),
      check: checkSafety,
      seed: 1430861109,
      path: '142:6:5:13:4:4:5:4:7:8:9:8:8:7:7:8:8:16:16:16:16:16:16:16:16:16:16:19:18:17:19:16:20:9:8:7:2:15:15:15:16:6:1:4:4:12:10:5:9:9:10:4:4:5:5:8:8:8:8:8:9:0:9:9:11:10:10:10:10:10',
    });
  });

  it('K15 (T2): breakOtherLocks with a small olderThanMs deletes a live holder', async () => {
    await replay('K15', {
      arb: operatorArb('ticket'),
      check: checkSafety,
      seed: -1509836628,
      path: '22:0:0:0:0:0:0:0:0:0:2:3:3:3:3:3:6:4:5:5:7:5:7:7:6:6:6:6:6:6:6:6:6:6:3:4:0:4:0:0:0:4:0:1:0:0:0:0:2:0:3:3:3:3:11:20',
    });
  });

  it('K16 (C1, the keeper): a machine suspended while acquiring wakes up trusting a lease broken meanwhile', async () => {
    await replay('K16', {
      arb: suspendedHolderArb('ticket'),
      check: checkSafety,
      seed: -428830480,
      path: '42:0:0:1:1:1:1:2:1:1:1:2:2:1:3:1:4:1:3:2:2:3:3:3:4:4:4:4:5:5:6:6:6:6:6:0:0:0:0:0:0:0:0:1:1:3:2:1:2:1:1:2:2:2:2:2:5:1:2:7:4:1:1:1:1:2:7:1:3:1:1:2:5:4:1:1:1:1:2:5:1:1:3:1:2:3:2:1:3:1:2:2:1:3:1:1:1:2:1:1:1:5:7:5:5:4:6:4:6:6:6',
    });
  });

  it('K17 (C1): a machine suspended past the retention trusts its cached frontier and re-uses a collected turn', async () => {
    await replay('K17', {
      arb: suspendedFrontierArb(),
      check: checkSafety,
      seed: 906985855,
      path: '3:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:3:2:2:1:1:2:3:1:18:18:18:18:29:41:41',
    });
  });

  it('K18 (C2): a create that timed out lands after the HEAD that found it free; the contender waits on its own ghost', async () => {
    await replay('K18', {
      arb: lateCreateArb(),
      check: checkLiveness,
      seed: 935019672,
      path: '162:16:3:11:12',
    });
  });

  it('K19 (C3): over thousands of turns collection falls behind and stops', async () => {
    await replay('K19', {
      // whole pages of 1000: the collector before the fix read them from the bottom, at great cost
      arb: collectionArb({ turns: 3000, protocols: ['direct'], pageCaps: false }),
      check: checkCollection,
      seed: -1125838657,
      path: '0:0:0:0:0:0:0:0',
      discoverRuns: 3,
    });
  });

  it('K20 (T3): ticket fencing trusts If-None-Match on a store that ignores it, and hands out a token twice', async () => {
    await replay('K20', {
      arb: ignoredIfNoneMatchArb(),
      check: checkFencing,
      seed: 1484808617,
      path: '2782:30:30:30:30:30:30:30:30:30:30:30:30:30:31:30:32:32:34:34:34:35:35:35:35:35:35:35:35:35:35:35:35:35:34:42',
    });
  });

  it('K21 (T4): a retried seq-1 PUT moves our ticket after the gate; on snapshots of any age both hold', async () => {
    await replay('K21', {
      arb: retriedSnapshotArb(),
      check: checkSafety,
      seed: -452079731,
      path: '1210:39:37',
    });
  });

  it("K22 (T2 on turns): breakOtherLocks ends a live holder's turn by its lease's age on the wall clock", async () => {
    await replay('K22', {
      arb: operatorArb('conditional'),
      check: checkSafety,
      seed: 416963468,
      path: '105:1:1:0:0:0:1:0:0:0:0:0:0:0:0:1:0:0:0:0:0:0:0:0:0:0:0:0:0:1:1:1:1:2:2:0:1:0:2:0:0:0:1:0:0:0:0:0:0:0:1:1:1:0:0:0:0:0:0:0:2:2:0:0:2:3:1:2:1:1:4:1:2:2:2:2:2:2:2:3:3:3:1:1:3:2:2:2:3:2:2:4:4:3:3:4:3:3:3:3:3:4:4:4:4:4:4:4:5:1:1:1:1:1:2:2:2:3:4:3:7:7:7:11:1:1:2:8:1:1:1:1:1:1:3:2:2:2:2:2:2:2:2:2:2:3:4:4:4:4',
    });
  });

  it('K25 (C4): a waiter whose turn an operator ended enters anyway', async () => {
    await replay('K25', {
      arb: operatorArb('conditional'),
      check: checkNoEntryAfterBreak,
      seed: 414832828,
      path: '4:0:0:0:0:0:1:0:0:0:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:0:1:1:1:1:1:1:1:1:1:1:1:1:1:1:2:2:0:1:0:0:0',
    });
  });

  it('K23 (R1): a 409 ConditionalRequestConflict on a create-only PUT ends the acquisition', async () => {
    await replay('K23', {
      arb: conflictArb(),
      check: checkNoConflictFailure,
      seed: -157388034,
      path: '0:0:0:0:0:0:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:2:1:0:0:0:0:3:2:2:1:1:3:3:3:1:1:1:1:2:2:1:5:1:2:2:2:8:1:9:4:0:0:0:0:0:0:0:0:1:1:1:1:1:1:1:1:0:0:0:0:0:1:0:0:0:0:0:1',
    });
  });

  // found in the fixed code (b67e8d9), fixed since: a failed delete of turn 2's done marker, and
  // every later walk started above it
  it("K26 (collection): a block's last turn collected without its done marker leaves the marker for ever", async () => {
    await replay('K26', {
      arb: conditionalCleanupArb(),
      check: checkConditionalCleanup,
      seed: 1876487495,
      path: '3525:31:38:46:59:54:10:44:43:45:45:44:50:50:59:66:83:82',
      discoverRuns: 10_000,
    });
  });

  // found in the fixed code (a5d7682) by property 4 once its orphan tolerance was taken out: c3,
  // suspended while acquiring, had turn 2 broken by a waiter; collection took the turn and the
  // breaker's marker; c3 woke, ended its turn, and its create-only done marker landed below every
  // later walk
  it('K29 (collection): a contender paused past the retention writes a done marker for its turn, collected meanwhile', async () => {
    await replay('K29', {
      // property 4's arbitrary (conditional.test.ts)
      arb: configArb({ ...CLEANUP, storeMap: (s) => ({ ...s, conditionalPut: 'atomic' }) }).map((c) => ({
        ...c,
        strategy: 'conditional' as const,
      })),
      check: checkConditionalCleanup,
      seed: 7,
      path: '200',
    });
  });

  // found in b543676 by property 6 in CI (a random seed): c0 crashed in a shared turn early on, and
  // only shared turns followed; a shared waiter does not wait for shared turns, so nobody broke it,
  // and every collection walk stopped there
  it("K30 (collection): a crashed contender's shared turn, which no shared waiter breaks, stops collection for good", async () => {
    await replay('K30', {
      arb: collectionArb({ turns: 600, protocols: ['direct'], pageCaps: false }),
      check: checkCollection,
      seed: 2,
      path: '0',
    });
  });
});
