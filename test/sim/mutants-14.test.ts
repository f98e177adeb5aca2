// Teeth for the dimensions issue 14 added: for each, the fixed rule with its safeguard removed (or
// a configuration outside the assumptions) must produce a counterexample that the properties catch,
// found within a count of cases (so the verdict does not depend on the machine's load), on the
// arbitrary of findings.ts aimed at that dimension. The mutated modules are loaded in place of the
// real ones for the whole file; `active.name` says which mutation acts, so each search meets one.

import type fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { configArb, SAFETY } from './arbitraries.js';
import {
  checkCollection,
  checkConditionalCleanup,
  checkFencing,
  checkLiveness,
  checkSafety,
} from './checks.js';
import type { SimConfig } from './config.js';
import {
  collectionArb,
  conditionalCleanupArb,
  conflictArb,
  ignoredIfNoneMatchArb,
  lateCreateArb,
  longSharedHolderArb,
  operatorArb,
  retriedSnapshotArb,
  stalledWaiterArb,
  suspendedFrontierArb,
  suspendedHolderArb,
} from './findings.js';
import { findCounterexample, saveStats } from './harness.js';
import type { SimResult } from './world.js';

const active = vi.hoisted(() => ({ name: '' }));

// stalls (T1): the lease listing is judged at the time its answer was processed (after any stall);
// retried writes (T4): seq-1 is not pinned, every listing that shows it is trusted
vi.mock('../../src/lock/lock-store.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/lock/lock-store.js')>();
  return {
    ...real,
    listLeasesTimed: async (...args: Parameters<typeof real.listLeasesTimed>) => {
      if (active.name !== 'stall') return real.listLeasesTimed(...args);
      const [store, keys, runtime, signal] = args;
      const leases = await real.listLeases(store, keys, signal);
      const now = runtime.now();
      return { leases, times: { sentMs: now, receivedMs: now } };
    },
    writeTicket: async (...args: Parameters<typeof real.writeTicket>) => {
      const pin = await real.writeTicket(...args);
      return active.name === 'unpinned' ? {} : pin;
    },
  };
});

// operator (T2): old tickets are broken by their age alone, live leases or not
vi.mock('../../src/lock/inspect.js', async (importOriginal) => {
  const { mutated } = await import('./mutate.js');
  const real = await importOriginal<typeof import('../../src/lock/inspect.js')>();
  const mutant = await mutated<typeof real>('src/lock/inspect.ts', [
    [
      'const dead = await deadAfterWatching(store, keys, candidates, first, options);',
      'const dead = candidates;',
    ],
  ]);
  return {
    ...real,
    breakOldTickets: (...args: Parameters<typeof real.breakOldTickets>) =>
      (active.name === 'age-alone' ? mutant : real).breakOldTickets(...args),
  };
});

// late writes (C2): a 412 after an ambiguous create is someone else's, and ghosts of ours are never
// ended; cleanup: a release leaves its lease, and collection leaves dead leases
vi.mock('../../src/lock/conditional/conditional-core.js', async (importOriginal) => {
  const { mutated } = await import('./mutate.js');
  const real = await importOriginal<typeof import('../../src/lock/conditional/conditional-core.js')>();
  const ghostless = await mutated<typeof real>('src/lock/conditional/conditional-core.ts', [
    [
      "owner = created === 'unsure' || (created === 'taken' && ambiguous.has(turn)) ? 'unknown' : created;",
      "owner = created === 'unsure' ? 'unknown' : created;",
    ],
    ['for (const n of [...this.#ambiguous]) {', 'for (const n of [] as number[]) {'],
  ]);
  const leaky = await mutated<typeof real>('src/lock/conditional/conditional-core.ts', [
    [
      'await Promise.allSettled([deleteRefs(this.store, refs)]);',
      'await Promise.allSettled([Promise.resolve()]);',
    ],
  ]);
  function ConditionalCore(...args: ConstructorParameters<typeof real.ConditionalCore>) {
    const chosen = active.name === 'ghostless' ? ghostless : active.name === 'leases-kept' ? leaky : real;
    return new chosen.ConditionalCore(...args);
  }
  return { ...real, ConditionalCore };
});

// collection (C3): one window of numbers read from the bottom, no search for the first block
// not collected, no paging on; cleanup: dead leases are not collected; K30: a running turn broken
// by its age alone, its lease not read
vi.mock('../../src/lock/conditional/gc.js', async (importOriginal) => {
  const { mutated } = await import('./mutate.js');
  const real = await importOriginal<typeof import('../../src/lock/conditional/gc.js')>();
  const bottom = await mutated<typeof real>('src/lock/conditional/gc.ts', [
    ['const block = await firstUncollectedBlock(store, keys, k, limit, signal);', 'const block = 0;'],
    [
      'while (n <= w.limit && batches.deleted < w.cap) {',
      'for (let once = 0; once < 1 && n <= w.limit; once++) {',
    ],
  ]);
  const keepLeases = await mutated<typeof real>('src/lock/conditional/gc.ts', [
    ['await deleteDeadLeases(store, keys, nowMs, signal);', ''],
  ]);
  const byAge = await mutated<typeof real>('src/lock/conditional/gc.ts', [
    ['if (nowMs - renewedMs <= deadAfterMs)', 'if (nowMs - facts.lastModified.getTime() <= deadAfterMs)'],
  ]);
  const mutants: Record<string, typeof real> = {
    'bottom-window': bottom,
    'leases-kept': keepLeases,
    'break-by-age': byAge,
  };
  return {
    ...real,
    collectTurns: (...args: Parameters<typeof real.collectTurns>) =>
      (mutants[active.name] ?? real).collectTurns(...args),
  };
});

// pages: the S3 session reads the first page of a listing (objects or versions) and stops
vi.mock('../../src/s3/session.js', async (importOriginal) => {
  const { mutated } = await import('./mutate.js');
  const real = await importOriginal<typeof import('../../src/s3/session.js')>();
  const mutant = await mutated<typeof real>('src/s3/session.ts', [
    [
      'token = parsed.isTruncated ? parsed.nextContinuationToken : undefined;',
      'token = active14FirstPage() ? undefined : parsed.isTruncated ? parsed.nextContinuationToken : undefined;',
    ],
    ['if (!parsed.isTruncated) return;', 'if (active14FirstPage() || !parsed.isTruncated) return;'],
  ]);
  (globalThis as { active14FirstPage?: () => boolean }).active14FirstPage = () =>
    active.name === 'first-page';
  return { ...real, S3Session: mutant.S3Session };
});

// wire faults (R1): a 409 ConditionalRequestConflict on a create-only PUT is final
vi.mock('../../src/http/retry-policy.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/http/retry-policy.js')>();
  const { S3Error } = await import('../../src/errors.js');
  return {
    ...real,
    isRetryable: (error: unknown, safety: Parameters<typeof real.isRetryable>[1]) =>
      active.name === '409-final' &&
      safety === 'unsafe' &&
      error instanceof S3Error &&
      error.s3Code === 'ConditionalRequestConflict'
        ? false
        : real.isRetryable(error, safety),
  };
});

afterAll(() => saveStats('11-mutants-14'));

/**
 * Each search has a fixed seed and starts at a fixed case, where a counterexample was found when
 * the mutant was written, and may take a few cases more: deterministic, and cheap enough for every
 * `npm test` (a search from case 0 takes minutes for the rare ones). `SIM_SEED` (with `SIM_PATH`)
 * searches elsewhere; a mutant no longer caught where it was means re-searching from case 0 with a
 * larger `numRuns` and recording the new place.
 */
interface Search {
  seed: number;
  from: number;
  numRuns: number;
}

/**
 * `SIM_MUTANT_CONTROL=1` runs every search on the real code instead (and the configuration mutants
 * on `plain`, their cases within the assumptions): then no counterexample may be found, which shows
 * that what a mutant's search finds is the mutation's doing.
 */
const CONTROL = Boolean(process.env.SIM_MUTANT_CONTROL);

async function expectCaught(
  name: string,
  arb: fc.Arbitrary<SimConfig>,
  check: (r: SimResult) => string[],
  search: Search,
  plain: fc.Arbitrary<SimConfig> = arb,
): Promise<void> {
  active.name = CONTROL ? '' : name;
  try {
    const { failed, report } = await findCounterexample(CONTROL ? plain : arb, check, {
      ...search,
      shrinkTimeLimitMs: Number(process.env.SIM_SHRINK_MS ?? 1000),
    });
    console.log(
      `[mutant ${name}${CONTROL ? ' (control)' : ''}] ${report.split('\n').slice(0, 2).join('\n')}`,
    );
    expect(
      failed,
      CONTROL ? `${name}: the real code fails there too` : `${name}: no counterexample found`,
    ).toBe(!CONTROL);
  } finally {
    active.name = '';
  }
}

/** R1: a 409 means nothing was applied; it is retried, never the end of an acquisition. */
const checkNo409 = (r: SimResult) =>
  r.acquires
    .filter((a) => a.outcome.includes('ConditionalRequestConflict'))
    .map((a) => `c${a.who}: ${a.outcome}`);

describe('mutants of issue 14: each new dimension catches its safeguard removed', () => {
  it('stalls: a lease judged at the time its listing was processed breaks live holders (safety)', async () => {
    await expectCaught('stall', stalledWaiterArb(), checkSafety, {
      seed: 1096147534,
      from: 105,
      numRuns: 20,
    });
  });

  it('suspends: a "suspend-aware" clock that stops with the monotonic one (safety)', async () => {
    const unaware = (c: SimConfig): SimConfig => ({ ...c, violation: 'suspend-unaware' });
    await expectCaught(
      'suspend-unaware',
      suspendedFrontierArb().map(unaware),
      checkSafety,
      { seed: -1010791311, from: 0, numRuns: 20 },
      suspendedFrontierArb(),
    );
    await expectCaught(
      'suspend-unaware',
      suspendedHolderArb('ticket').map(unaware),
      checkSafety,
      { seed: -783734865, from: 0, numRuns: 30 },
      suspendedHolderArb('ticket'),
    );
  });

  it('late writes: ghost turns of ours not recognised (liveness)', async () => {
    await expectCaught('ghostless', lateCreateArb(), checkLiveness, {
      seed: -1391849243,
      from: 310,
      numRuns: 20,
    });
  });

  it('pages: a session that reads only the first page of a listing (safety)', async () => {
    await expectCaught(
      'first-page',
      configArb({ ...SAFETY, protocols: ['s3'], pageCaps: true }).map((c) => ({
        ...c,
        store: { ...c.store, pageCap: 1 + (c.store.pageCap % 3), lateP: 0 },
      })),
      checkSafety,
      { seed: 2131034330, from: 20, numRuns: 20 },
    );
  });

  it('collection: the collector reads one window from the bottom (collection keeps up)', async () => {
    await expectCaught('bottom-window', collectionArb({ turns: 1500, pageCaps: false }), checkCollection, {
      seed: 693338121,
      from: 0,
      numRuns: 3,
    });
  });

  it('dead turns: collection breaking a running turn by its age alone, its lease unread (safety)', async () => {
    await expectCaught('break-by-age', longSharedHolderArb(), checkSafety, {
      seed: 1,
      from: 3,
      numRuns: 5,
    });
  });

  it('operator: breakOtherLocks breaking by age alone (safety)', async () => {
    await expectCaught('age-alone', operatorArb('ticket'), checkSafety, {
      seed: 195101610,
      from: 0,
      numRuns: 40,
    });
  });

  it('retried writes: seq-1 not pinned, on snapshots of any age (safety)', async () => {
    await expectCaught('unpinned', retriedSnapshotArb(), checkSafety, {
      seed: -127051417,
      from: 1450,
      numRuns: 20,
    });
  });

  it('ignored If-None-Match: trusting create-only writes the store does not honour (fencing)', async () => {
    await expectCaught(
      'trusted-ignored-if-none-match',
      ignoredIfNoneMatchArb().map((c) => ({
        ...c,
        violation: 'trusted-ignored-if-none-match',
        trustConditionalWrites: true,
      })),
      checkFencing,
      // where K20 was found before the fix, with trust now standing in for the missing qualification
      { seed: 1484808617, from: 2775, numRuns: 20 },
      ignoredIfNoneMatchArb(),
    );
  });

  it('wire faults: a 409 ConditionalRequestConflict taken as final (no acquisition ends on a 409)', async () => {
    await expectCaught('409-final', conflictArb(), checkNo409, { seed: -1466672799, from: 0, numRuns: 10 });
  });

  it('cleanup: releases and collection that leave leases (the conditional janitor finds them)', async () => {
    await expectCaught('leases-kept', conditionalCleanupArb(), checkConditionalCleanup, {
      seed: -1739412735,
      from: 0,
      numRuns: 10,
    });
  });
});
