#!/usr/bin/env node
// Checks the Promela models with spin — the ticket protocol (models/lock.pml), the conditional-write
// strategy (models/conditional.pml, configurations named cond-*) and the two strategies meeting on one
// name (models/mixed.pml, mixed-*) — and asserts each outcome: the configurations within the
// assumptions must pass an exhaustive search, and each mutant (a safeguard removed, or an assumption
// broken) must produce a counterexample to the property it protects. See models/README.md.
//
//   node models/run.mjs                       the default set (part of `npm test`; about a minute on 2 cores, 69 searches)
//   node models/run.mjs --all                 also the heavier configurations and the other mutants (`extra`)
//   node models/run.mjs --only lease-2,no-gate  some of them
//   node models/run.mjs --json                results as JSON on stdout
//   node models/run.mjs --trail               print the counterexample of each violation found
//   node models/run.mjs --list                the configurations and their spin flags
//
// Installs spin (Debian package `spin`) and gcc when missing, as root. No npm dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The model a configuration checks: `model` (a file in models/), lock.pml by default. */
const modelOf = (config) => config.model ?? 'lock.pml';

/** Properties, by the assertion (or search result) that reports their violation. */
const PROPERTIES = {
  mutex: { label: 'mutual exclusion', match: /assertion violated\s+!\(mutex_violated\)/ },
  fencing: { label: 'fencing monotonic', match: /assertion violated\s+!\(fence_violated\)/ },
  reuse: { label: 'turn number never reused', match: /assertion violated\s+!\(reuse_violated\)/ },
  shared: { label: 'shared holders coexist', match: /assertion violated\s+!\(shared_coexist\)/ },
  report: { label: 'broken holder told on release', match: /assertion violated\s+!\(report_violated\)/ },
  bound: { label: 'collection keeps up (bounded)', match: /assertion violated\s+!\(bound_violated\)/ },
  collect: { label: 'collected turns: only over below', match: /assertion violated\s+!\(collect_violated\)/ },
  clean: { label: 'clean release not ended as broken', match: /assertion violated\s+!\(clean_violated\)/ },
  liveness: {
    label: 'liveness (no livelock)',
    match: /pan:1: non-progress cycle|assertion violated\s+!\(progress_violated\)/,
  },
};

// Store and lease parameters shared by several configurations (ticks; see lock.pml).
const STORE = { G: 2, D: 1 }; // whole-"second" timestamps (2 ticks), listings up to 1 tick stale
const LEASE = { LEASE: 6, MARGIN: 2, DRIFT: 1 }; // margin = staleness + drift/pause
// conditional.pml: leases read by HEAD, so the margin covers drift/pause only
const COND_LEASE = { LEASE: 6, MARGIN: 1, DRIFT: 1 };
// conditional.pml's GC configurations: exclusive, no leases (no breaking), no failures
const COND_GC = {
  N: 2,
  MODES: 0,
  LEASES: 0,
  PAUSES: 0,
  GC: 1,
  MAXTURNS: 4,
  CK: 3,
  KEEP: 2,
};
// the same with checkpoints every 2 turns, up to 5 turns (heavier: --all)
const COND_GC2 = { ...COND_GC, MAXTURNS: 5, CK: 2 };
// issue 14 (C1): cond-gc's store, one suspension of any length between acquisitions (a hint in the
// cache) or with a create in flight
// issue 14 (C3): the collector's real walk (WALK 2: gc.ts as fixed; WALK 1: before issue 14), run by
// releasers; boundedness with 2 exclusive contenders, each holding a tick at least, up to 13 turns:
// at most 2(K - 1) + (N - 1) = 5 turns other than checkpoints exist
const COND_BOUND = {
  N: 2,
  MODES: 0,
  LEASES: 0,
  PAUSES: 0,
  GC: 1,
  WALK: 2,
  MAXTURNS: 13,
  CK: 3,
  CACHE: 0,
  LAT: 0,
  RETAIN: 1,
  MINHOLD: 1,
  BOUND: 5,
};
// the real walk's safety: shared contenders (a running turn with finished ones above it)
const COND_WALK = {
  N: 2,
  MODES: 1,
  LEASES: 0,
  PAUSES: 0,
  GC: 1,
  WALK: 2,
  MAXTURNS: 5,
  CK: 2,
  CACHE: 0,
  LAT: 0,
  RETAIN: 1,
};
// K30 (6143d05, f24c5a9): the walk ends a running turn whose contender is dead by the store's clock;
// leases of 3 ticks (renewed every tick, trusted 2), so a contender is dead 6 ticks after its last
// renewal; releases in the code's two steps (the marker, then the lease), dead leases collected,
// and a release begun with the lease live never finds its turn broken (CLEAN_CHECK)
const K30 = {
  N: 2,
  LEASES: 1,
  LEASE: 3,
  MARGIN: 1,
  DRIFT: 0,
  LEASE_GC: 1,
  PAUSES: 0,
  GC: 1,
  WALK: 2,
  CK: 2,
  CACHE: 0,
  LAT: 0,
  RETAIN: 1,
  SPLIT_RELEASE: 1,
  CLEAN_CHECK: 1,
};
// boundedness with a crash in a shared turn followed only by shared turns: holders hold 3 ticks,
// so at most 3 turns other than checkpoints exist with the rule (7 turns; without it, 4)
const COND_DEAD = { ...K30, MODES: 1, MAXTURNS: 7, MAXCRASH: 1, MINHOLD: 3, MAXHOLD: 3, BOUND: 3 };
// a shared holder holding as long as it likes, the other contender shared or exclusive at each
// acquisition (4 turns)
const COND_LONG = { ...K30, MODES: 3, MAXTURNS: 4 };
// shared only, with renewal failures: a holder that lost its lease is judged dead and its turn ended
const COND_RELEASE = { ...COND_LONG, MODES: 1, RENEWFAIL: 1 };
const COND_SUSPEND = { ...COND_GC, CACHE: 0, LAT: 0, RETAIN: 1, SUSPEND: 1, SUSP_SITES: 3 };
// issue 14 (C1): the keeper, one suspension of any length while waiting or holding
const COND_SUSPEND_KEEPER = {
  N: 2,
  MODES: 2,
  ...COND_LEASE,
  MAXCRASH: 1,
  GIVEUP: 1,
  RENEWFAIL: 1,
  PAUSES: 0,
  SUSPEND: 1,
  SUSP_SITES: 12,
};

/**
 * The configurations. `expect: 'pass'`: an exhaustive search finds nothing. `expect: <property>`:
 * a mutant; spin must find a violation of that property. `live`: a liveness run (-DNP, pan -l).
 * `extra`: only with --all (npm test's budget). `cc`: the gcc optimisation (small searches finish
 * sooner unoptimised). `small`: a search of well under a million states (pan's smaller tables).
 */
const CONFIGS = [
  // within the assumptions: settle >= G + SKEW + W + D, margin >= D + DRIFT
  {
    name: 'excl-3',
    what: '3 exclusive, ties, slow writes, stale listings, fencing (create-only)',
    defs: { N: 3, MODES: 0, ...STORE, W: 1, SETTLE: 4, LEASES: 0, PAUSES: 1 },
    expect: 'pass',
  },
  {
    name: 'shared-3',
    what: '3 shared, ties, stale listings',
    defs: { N: 3, MODES: 1, ...STORE, SETTLE: 3, LEASES: 0, PAUSES: 1 },
    expect: 'pass',
  },
  {
    name: 'mixed-3',
    what: '3 contenders, each shared or exclusive',
    defs: { N: 3, MODES: 2, ...STORE, SETTLE: 3, LEASES: 0, PAUSES: 0 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'store-2',
    what: '2 mixed; every store imperfection at once (G 3, skew, slow writes, staleness 2)',
    defs: { N: 2, MODES: 2, G: 3, SKEW: 1, W: 1, D: 2, SETTLE: 7, LEASES: 0, PAUSES: 2 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'snapshot-3',
    what: 'settle below staleness: the self-visibility gate alone keeps it safe',
    defs: { N: 3, MODES: 0, G: 1, D: 2, SETTLE: 1, LEASES: 0, PAUSES: 1 },
    expect: 'pass',
  },
  {
    name: 'b2-fence-3',
    what: 'no create-only PUT (B2): fence listing settle after the win',
    defs: { N: 3, MODES: 0, ...STORE, SETTLE: 3, LEASES: 0, PAUSES: 1, FENCE_COND: 0 },
    expect: 'pass',
  },
  {
    name: 'lease-2',
    what: '2 exclusive, leases, renewal failures, drift/pause, a crash, breaking',
    defs: { N: 2, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1, RENEWFAIL: 1, PAUSES: 1 },
    expect: 'pass',
  },
  {
    name: 'lease-2-mixed',
    what: '2 mixed, leases, drift/pause, a crash, breaking',
    defs: { N: 2, MODES: 2, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1, PAUSES: 2 },
    expect: 'pass',
  },
  {
    name: 'lease-3',
    what: '3 exclusive, leases, a crash, breaking',
    defs: { N: 3, MODES: 0, G: 1, D: 1, SETTLE: 2, LEASE: 6, MARGIN: 1, DRIFT: 0, MAXCRASH: 1, PAUSES: 0 },
    expect: 'pass',
  },
  {
    name: 'live-2-crash',
    what: 'liveness: 2 mixed, one may crash; every live contender acquires',
    defs: { N: 2, LIVE: 1, MODES: 2, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1 },
    live: true,
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'live-3',
    what: 'liveness: 3 exclusive, nobody crashes',
    defs: { N: 3, LIVE: 1, MODES: 0, ...STORE, SETTLE: 3, ...LEASE },
    live: true,
    expect: 'pass',
  },
  {
    name: 'live-3-crash',
    what: 'liveness: 3 exclusive, one may crash',
    defs: {
      N: 3,
      LIVE: 1,
      MODES: 0,
      G: 2,
      D: 0,
      SETTLE: 2,
      LEASE: 6,
      MARGIN: 1,
      DRIFT: 1,
      MAXCRASH: 1,
      ARRIVE: 2,
      HOLD: 1,
    },
    live: true,
    cc: '-O0',
    expect: 'pass',
  },
  // issue 14 (T1): the lease listing, its response and the decision to break are separate steps with
  // stalls of any length between them; the verdict is judged at the send of the listing (the fix)
  {
    name: 't1-stall',
    what: 'lease-2 without slow steps, with a stall of any length between the lease listing and the decision to break',
    defs: { N: 2, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1, RENEWFAIL: 1, PAUSES: 0, STALL: 1 },
    expect: 'pass',
  },
  {
    name: 'live-2-stall',
    what: 'live-2-crash with the lease listing, its response and the decision as separate steps',
    defs: { N: 2, LIVE: 1, MODES: 2, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1, STALL: 1 },
    live: true,
    cc: '-O0',
    extra: true,
    expect: 'pass',
  },
  // issue 14 (T2): an operator runs breakLocks while holders are live; the fix breaks only a lease seen
  // unchanged in two listings a lease apart
  {
    name: 't2-operator',
    what: 'an operator breakLocks while 2 exclusive contenders run (fixed rule: two lease listings a lease apart)',
    defs: { N: 2, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, RENEWFAIL: 1, PAUSES: 0, OPERATOR: 1 },
    expect: 'pass',
  },
  {
    name: 't2-operator-crash',
    what: 't2-operator with a crash (the operator breaks the crashed contender)',
    defs: {
      N: 2,
      MODES: 0,
      ...STORE,
      SETTLE: 3,
      ...LEASE,
      MAXCRASH: 1,
      RENEWFAIL: 1,
      PAUSES: 0,
      OPERATOR: 1,
    },
    extra: true,
    expect: 'pass',
  },
  // conditional.pml: the conditional-write strategy (src/lock/conditional/, docs/conditional-strategy.md):
  // done markers with floors, the fast path, "collected => everything below over", the entry rule
  // (exclusive: every earlier turn over; shared: every earlier exclusive turn over), leases by HEAD
  {
    name: 'cond-excl-3',
    what: 'conditional: 3 exclusive, a crash, breaking, timeouts, a create failing unapplied',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 0, ...COND_LEASE, MAXCRASH: 1, GIVEUP: 1, CREATE_ERR: 1, PAUSES: 0 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-mixed-3',
    what: 'conditional: 3 mixed (floors of shared holders), a crash, timeouts, slow creates',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 2, LEASE: 3, MARGIN: 0, DRIFT: 0, MAXCRASH: 1, GIVEUP: 1, PAUSES: 1 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-lease-2',
    what: 'conditional: 2 mixed, renewal failures, drift/pause, a crash, timeouts, dead leases deleted',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 2, ...COND_LEASE, MAXCRASH: 1, RENEWFAIL: 1, GIVEUP: 1, PAUSES: 2, LEASE_GC: 1 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-live-3',
    what: 'conditional liveness: 3 mixed, nobody crashes',
    model: 'conditional.pml',
    defs: { N: 3, LIVE: 1, MODES: 2, ...COND_LEASE },
    live: true,
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-live-2-crash',
    what: 'conditional liveness: 2 mixed, one may crash, its lease may be deleted',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 2, ...COND_LEASE, MAXCRASH: 1, LEASE_GC: 1 },
    live: true,
    cc: '-O0',
    small: true,
    expect: 'pass',
  },
  // issue 14 (C2): a create whose client saw a failure, then a HEAD that answered 404, lands afterwards
  // (a ghost turn of ours); the fix resolves a 412 after an ambiguous create by HEAD and ends our ghosts
  {
    name: 'cond-late-create',
    what: 'conditional liveness: 2 exclusive, a create landing after its client saw it fail and a HEAD said 404',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 0, ...COND_LEASE, LATE_CREATE: 1 },
    live: true,
    cc: '-O0',
    small: true,
    expect: 'pass',
  },
  {
    name: 'cond-late-create-mixed',
    what: 'cond-late-create with mixed modes: every ambiguous number read at each poll and before entering (025283b)',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 2, ...COND_LEASE, LATE_CREATE: 1 },
    live: true,
    cc: '-O0',
    small: true,
    expect: 'pass',
  },
  {
    name: 'cond-late-create-mixed-3',
    what: 'cond-late-create-mixed with 3 contenders',
    model: 'conditional.pml',
    defs: { N: 3, LIVE: 1, MODES: 2, ...COND_LEASE, LATE_CREATE: 1 },
    live: true,
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-late-create-3',
    what: 'cond-late-create with 3 exclusive contenders',
    model: 'conditional.pml',
    defs: { N: 3, LIVE: 1, MODES: 0, ...COND_LEASE, LATE_CREATE: 1 },
    live: true,
    cc: '-O0',
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-late-create-safety',
    what: 'conditional: 3 exclusive, a late-landing create (ghosts ended), a crash, breaking, timeouts',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 0, ...COND_LEASE, MAXCRASH: 1, GIVEUP: 1, LATE_CREATE: 1, PAUSES: 0 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-late-create-mixed-safety',
    what: 'cond-mixed-3 with a late-landing create',
    model: 'conditional.pml',
    defs: {
      N: 3,
      MODES: 2,
      LEASE: 3,
      MARGIN: 0,
      DRIFT: 0,
      MAXCRASH: 1,
      GIVEUP: 1,
      LATE_CREATE: 1,
      PAUSES: 0,
    },
    extra: true,
    expect: 'pass',
  },
  // conditional.pml with turn GC and the frontier cache (GC 1): contenders re-acquiring until turn
  // MAXTURNS exists, GC walking upwards from the bottom; the hint may be CACHE ticks old when a
  // create is sent, which lands up to LAT ticks later. Turn numbers are never reused iff RETAIN > CACHE + LAT.
  {
    name: 'cond-gc',
    what: 'conditional GC: RETAIN 1 > CACHE 0 + LAT 0; hints, discovery, 412s, timeouts, 404 = collected',
    model: 'conditional.pml',
    defs: { ...COND_GC, GIVEUP: 1, CACHE: 0, LAT: 0, RETAIN: 1 },
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-mixed-3-lease',
    what: 'cond-mixed-3 with the longer lease, drift/pause and a create failing unapplied (heavier)',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 2, ...COND_LEASE, MAXCRASH: 1, GIVEUP: 1, CREATE_ERR: 1, PAUSES: 1 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-cache',
    what: 'cond-gc with hints up to 1 tick old: RETAIN 2 > CACHE 1 + LAT 0',
    model: 'conditional.pml',
    defs: { ...COND_GC, GIVEUP: 1, CACHE: 1, LAT: 0, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-lat',
    what: 'cond-gc with slow create requests: RETAIN 2 > CACHE 0 + LAT 1',
    model: 'conditional.pml',
    defs: { ...COND_GC, GIVEUP: 1, CACHE: 0, LAT: 1, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-mixed',
    what: 'cond-gc-cache with shared and exclusive contenders',
    model: 'conditional.pml',
    defs: { ...COND_GC, MODES: 2, GIVEUP: 1, CACHE: 1, LAT: 0, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-2',
    what: 'conditional GC with checkpoints every 2 turns up to 5: RETAIN 2 > CACHE 1 + LAT 0',
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 1, LAT: 0, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-2-lat',
    what: 'cond-gc-2 with slow create requests: RETAIN 2 > CACHE 0 + LAT 1',
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 0, LAT: 1, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-2-giveup',
    what: 'cond-gc-2 with timeouts (abandoned turns above running ones)',
    model: 'conditional.pml',
    defs: { ...COND_GC2, GIVEUP: 1, CACHE: 1, LAT: 0, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  // issue 14 (C1): a contender's machine is suspended (its monotonic clock stops) while true time, the
  // store, GC and the others go on; the fix trusts a hint, a create's answer and the lease on the
  // suspend-aware clock
  {
    name: 'cond-suspend',
    what: 'cond-gc without timeouts, one suspension of any length with a hint cached or a create in flight',
    model: 'conditional.pml',
    defs: COND_SUSPEND,
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'cond-suspend-keeper',
    what: 'conditional: 2 mixed, leases, a crash, timeouts, renewal failures, one suspension while waiting or holding',
    model: 'conditional.pml',
    defs: COND_SUSPEND_KEEPER,
    cc: '-O0',
    expect: 'pass',
  },
  {
    name: 'c1-long-pause-fenced',
    what: 'a holder acting across a suspension on its last look at the keeper (the limit): fencing still holds',
    model: 'conditional.pml',
    defs: {
      N: 2,
      MODES: 0,
      ...COND_LEASE,
      MAXCRASH: 1,
      PAUSES: 0,
      SUSPEND: 1,
      SUSP_SITES: 8,
      LONG_PAUSE: 1,
      MUTEX_CHECK: 0,
    },
    cc: '-O0',
    small: true,
    expect: 'pass',
  },
  {
    name: 'cond-suspend-giveup',
    what: 'cond-suspend with timeouts',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, GIVEUP: 1 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-suspend-cache',
    what: 'cond-suspend with hints up to 1 tick old: RETAIN 2 > CACHE 1 + LAT 0',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, CACHE: 1, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-suspend-lat',
    what: 'cond-suspend with slow creates: RETAIN 2 > CACHE 0 + LAT 1',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, LAT: 1, RETAIN: 2 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-suspend-keeper-3',
    what: 'cond-suspend-keeper with 3 exclusive contenders, no renewal failures',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND_KEEPER, N: 3, MODES: 0, RENEWFAIL: 0 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-suspend-keeper-pauses',
    what: 'cond-suspend-keeper with slow steps and dead leases deleted',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND_KEEPER, PAUSES: 2, LEASE_GC: 1 },
    extra: true,
    expect: 'pass',
  },
  // issue 14 (C3): the collector's real walk (binary search for the first block not fully collected,
  // then upwards with startAfter and paging, a cap per run), run after releases
  {
    name: 'cond-gc-bound',
    what: 'the fixed walk keeps up: 2 exclusive, 13 turns, checkpoints every 3: at most 5 other turns exist',
    model: 'conditional.pml',
    defs: COND_BOUND,
    expect: 'pass',
  },
  {
    name: 'cond-gc-walk',
    what: 'the fixed walk never deletes a turn with one not over below it: 2 shared, 5 turns, checkpoints every 2',
    model: 'conditional.pml',
    defs: COND_WALK,
    expect: 'pass',
  },
  {
    name: 'cond-gc-bound-2',
    what: 'cond-gc-bound with checkpoints every 2 (at most 3 other turns), up to 11 turns',
    model: 'conditional.pml',
    defs: { ...COND_BOUND, MAXTURNS: 11, CK: 2, BOUND: 3 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-walk-6',
    what: 'cond-gc-walk up to 6 turns',
    model: 'conditional.pml',
    defs: { ...COND_WALK, MAXTURNS: 6 },
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-walk-excl',
    what: 'the fixed walk with 2 exclusive contenders, timeouts and a crash (a collector stopped mid-walk)',
    model: 'conditional.pml',
    defs: { ...COND_WALK, MODES: 0, GIVEUP: 1, MAXCRASH: 1 },
    extra: true,
    expect: 'pass',
  },
  // K30: collection ends a dead contender's running turn (6143d05); release deletes its lease only
  // after its done marker (f24c5a9)
  {
    name: 'cond-gc-release',
    what: "2 shared, leases (3, 1, 0), renewal failures, 4 turns: the walk's dead-turn rule never ends a trusting holder's turn",
    model: 'conditional.pml',
    defs: COND_RELEASE,
    expect: 'pass',
  },
  {
    name: 'cond-gc-dead',
    what: 'a crash in a shared turn followed only by shared turns: collection keeps up (at most 3 other turns), 7 turns',
    model: 'conditional.pml',
    defs: COND_DEAD,
    extra: true,
    expect: 'pass',
  },
  {
    name: 'cond-gc-long-shared',
    what: 'each acquisition shared or exclusive, no renewal failures: a long shared holder, an exclusive one behind it',
    model: 'conditional.pml',
    defs: COND_LONG,
    extra: true,
    expect: 'pass',
  },
  // mixed.pml: a ticket-strategy and a conditional-strategy contender on one name
  {
    name: 'mixed',
    what: 'ticket vs conditional on one name: marker, then ticket listing; settle, then HEAD of the marker',
    model: 'mixed.pml',
    defs: { S: 2, SETTLE: 2, REPEAT: 2 },
    cc: '-O0',
    small: true,
    expect: 'pass',
  },
  // mutants: each is a configuration above with one safeguard removed or one assumption broken
  {
    name: 'no-gate',
    what: 'snapshot-3 without the self-visibility gate',
    defs: { N: 3, MODES: 0, G: 1, D: 2, SETTLE: 1, LEASES: 0, PAUSES: 1, NO_GATE: 1 },
    expect: 'mutex',
  },
  {
    name: 'no-confirm',
    what: 'excl-3 without the confirming re-list',
    defs: { N: 3, MODES: 0, ...STORE, W: 1, SETTLE: 4, LEASES: 0, PAUSES: 1, NO_CONFIRM: 1 },
    expect: 'mutex',
  },
  {
    name: 'settle-below-g',
    what: 'excl-3 with settle 1 < granularity 2',
    defs: { N: 3, MODES: 0, ...STORE, W: 1, SETTLE: 1, LEASES: 0, PAUSES: 1 },
    expect: 'mutex',
  },
  {
    name: 'margin-too-small',
    what: 'lease-2 with margin 0 < staleness + drift/pause (2)',
    defs: { N: 2, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, MARGIN: 0, MAXCRASH: 1, RENEWFAIL: 1, PAUSES: 1 },
    expect: 'mutex',
  },
  {
    name: 'b2-fence-early',
    what: 'b2-fence-3 listing fences with the confirmation (bug K1)',
    defs: { N: 3, MODES: 0, ...STORE, SETTLE: 3, LEASES: 0, PAUSES: 1, FENCE_COND: 0, FENCE_EARLY: 1 },
    expect: 'fencing',
  },
  {
    name: 'shared-reach',
    what: 'shared-3 claiming shared holders never coexist (non-vacuity)',
    defs: { N: 3, MODES: 1, ...STORE, SETTLE: 3, LEASES: 0, PAUSES: 1, REACH_SHARED: 1 },
    expect: 'shared',
  },
  {
    name: 'no-tiebreak',
    what: 'live-3 with equal timestamps blocking both contenders (no tie-break by id)',
    defs: { N: 3, LIVE: 1, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, NO_TIEBREAK: 1 },
    live: true,
    expect: 'liveness',
  },
  {
    name: 'no-break',
    what: 'live-2-crash without breaking expired leases',
    defs: { N: 2, LIVE: 1, MODES: 2, ...STORE, SETTLE: 3, ...LEASE, MAXCRASH: 1, NO_BREAK: 1 },
    live: true,
    expect: 'liveness',
  },
  // issue 14 regressions (the code before the fix: each must fail) and mutants of the fixes
  {
    name: 't1-judged-at-decision',
    what: 'REGRESSION T1: t1-stall judging "unchanged for a lease" with the clock read at the decision',
    defs: {
      N: 2,
      MODES: 0,
      ...STORE,
      SETTLE: 3,
      ...LEASE,
      MAXCRASH: 1,
      RENEWFAIL: 1,
      PAUSES: 0,
      STALL: 1,
      JUDGE_AT_DECISION: 1,
    },
    expect: 'mutex',
  },
  {
    name: 't1-sighting-from-send',
    what: "t1-stall timing a new lease version from the listing's send (a slow response shows a later version)",
    defs: {
      N: 2,
      MODES: 0,
      ...STORE,
      SETTLE: 3,
      ...LEASE,
      MAXCRASH: 1,
      RENEWFAIL: 1,
      PAUSES: 0,
      STALL: 1,
      SIGHTING_FROM_SEND: 1,
    },
    expect: 'mutex',
  },
  {
    name: 't2-age-only',
    what: 'REGRESSION T2: t2-operator breaking every old-enough ticket by its age alone',
    defs: {
      N: 2,
      MODES: 0,
      ...STORE,
      SETTLE: 3,
      ...LEASE,
      RENEWFAIL: 1,
      PAUSES: 0,
      OPERATOR: 1,
      OP_AGE_ONLY: 1,
    },
    expect: 'mutex',
  },
  {
    name: 't2-short-wait',
    what: "t2-operator with 4 ticks between its lease listings (the holder's window), not the lease's 6",
    defs: { N: 2, MODES: 0, ...STORE, SETTLE: 3, ...LEASE, RENEWFAIL: 1, PAUSES: 0, OPERATOR: 1, OPWAIT: 4 },
    expect: 'mutex',
  },
  {
    name: 'c2-waits-on-own-ghost',
    what: 'REGRESSION C2: cond-late-create without (a) the HEAD after an ambiguous 412 and (b) ending our ghosts',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 0, ...COND_LEASE, LATE_CREATE: 1, NO_AMBIGUOUS_HEAD: 1, NO_END_GHOSTS: 1 },
    live: true,
    expect: 'liveness',
  },
  {
    name: 'c2-no-end-ghosts',
    what: 'cond-late-create with (a) only: a contender that rediscovers the frontier past its ghost waits for it',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 0, ...COND_LEASE, LATE_CREATE: 1, NO_END_GHOSTS: 1 },
    live: true,
    expect: 'liveness',
  },
  {
    name: 'c2-ghost-floor',
    what: 'a ghost ended with floor n + 1, as if every turn below it were known over',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, LEASES: 0, PAUSES: 0, LATE_CREATE: 1, GHOST_FLOOR: 1 },
    expect: 'mutex',
  },
  {
    // found by this model against the first C2 fix (3cfc549), fixed in 025283b: a shared contender
    // never ended its own shared ghost (#endGhosts looked only at blockers, and a shared turn does not
    // block a shared one), while an exclusive turn between them waited for the ghost: a deadlock
    name: 'c2-shared-ghost',
    what: 'REGRESSION (3cfc549): cond-late-create-mixed ending only ghosts among the blockers, only while blocked',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 2, ...COND_LEASE, LATE_CREATE: 1, GHOSTS_BLOCKERS_ONLY: 1 },
    live: true,
    expect: 'liveness',
  },
  {
    name: 'c1-hint-monotonic',
    what: 'REGRESSION C1: cond-suspend trusting a hint on the monotonic clock, no post-check (reuse not reported: what follows)',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, MONO_HINT: 1, NO_POSTCHECK: 1, REUSE_CHECK: 0 },
    expect: 'mutex',
  },
  {
    name: 'c1-no-postcheck',
    what: 'cond-suspend using a create that won but was answered after the bound (reuse not reported: what follows)',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, NO_POSTCHECK: 1, REUSE_CHECK: 0 },
    expect: 'mutex',
  },
  {
    name: 'c1-keeper-monotonic',
    what: "REGRESSION C1: cond-suspend-keeper with the keeper's deadline on the monotonic clock",
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND_KEEPER, MONO_KEEPER: 1 },
    expect: 'mutex',
  },
  {
    name: 'c1-long-pause',
    what: 'c1-long-pause-fenced checking mutual exclusion: a suspension longer than the margin is outside it',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, ...COND_LEASE, MAXCRASH: 1, PAUSES: 0, SUSPEND: 1, SUSP_SITES: 8, LONG_PAUSE: 1 },
    expect: 'mutex',
  },
  {
    name: 'c1-hint-monotonic-postcheck',
    what: 'cond-suspend with the post-check but the hint on the monotonic clock: a hint that aged in the cache',
    model: 'conditional.pml',
    defs: { ...COND_SUSPEND, MONO_HINT: 1 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'c3-old-walk',
    what: 'REGRESSION C3: cond-gc-bound with the walk before issue 14 (the first 2 entries of each listing, from the bottom)',
    model: 'conditional.pml',
    defs: { ...COND_BOUND, WALK: 1, PAGE: 2 },
    expect: 'bound',
  },
  {
    name: 'c3-cap-below-block',
    what: 'cond-gc-bound deleting at most 1 turn per run (< the 2 of a block other than its checkpoint)',
    model: 'conditional.pml',
    defs: { ...COND_BOUND, CAP: 1 },
    expect: 'bound',
  },
  {
    name: 'c3-probe-first',
    what: "cond-gc-bound's search telling a block collected by its first number gone, not its last",
    model: 'conditional.pml',
    defs: { ...COND_BOUND, PROBE_FIRST: 1 },
    expect: 'bound',
  },
  {
    name: 'c3-walk-pass-running',
    what: 'cond-gc-walk passing a checkpoint that still runs',
    model: 'conditional.pml',
    defs: { ...COND_WALK, GC_PASS_RUNNING: 1 },
    expect: 'collect',
  },
  {
    name: 'k30-shared-crash',
    what: 'REGRESSION K30: cond-gc-dead without the dead-turn rule (the code before 6143d05): the walk stops at the crashed turn for good',
    model: 'conditional.pml',
    defs: { ...COND_DEAD, DEADBREAK: 0 },
    expect: 'bound',
  },
  {
    name: 'k30-break-by-age',
    what: "cond-gc-long-shared judging a contender dead by its turn's age alone, its lease unread",
    model: 'conditional.pml',
    defs: { ...COND_LONG, CLEAN_CHECK: 0, BREAK_BY_AGE: 1 },
    cc: '-O1',
    expect: 'mutex',
  },
  {
    name: 'k30-lease-first',
    what: 'cond-gc-release without renewal failures, deleting the lease before the done marker (the code before f24c5a9 could)',
    model: 'conditional.pml',
    defs: { ...COND_RELEASE, RENEWFAIL: 0, SPLIT_RELEASE: 0, LEASE_FIRST: 1 },
    expect: 'clean',
  },
  // conditional.pml mutants; cond-shared-floor and cond-gallop-on-error are what the first, uncommitted
  // conditional-core.ts did (fixed in fd657da; simulation regressions K12, K13; see models/README.md)
  {
    name: 'cond-shared-floor',
    what: 'a shared holder writes floor n + 1 on release (the first conditional-core.ts)',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 2, LEASES: 0, PAUSES: 0, SHARED_FLOOR: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-gallop-on-error',
    what: 'a create failing unapplied is followed by a move up, as after a 412 (the first #takeTurn)',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, LEASES: 0, PAUSES: 0, CREATE_ERR: 1, GALLOP_ON_ERR: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-abandon-floor',
    what: 'an exclusive contender that gives up writes floor n + 1 though it never entered',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 0, LEASES: 0, PAUSES: 0, GIVEUP: 1, ABANDON_FLOOR: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-break-floor',
    what: 'a breaker writes floor m + 1 without knowing every turn below m over',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 0, ...COND_LEASE, MAXCRASH: 1, PAUSES: 0, BREAK_FLOOR: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-omitted-over',
    what: 'a turn a stale listing omits is taken as over instead of HEADed',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, LEASES: 0, PAUSES: 0, D: 1, OMITTED_OVER: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-gc-any-order',
    what: 'cond-gc with GC deleting any done turn, not walking upwards: a 404 no longer means all below are over',
    model: 'conditional.pml',
    defs: { ...COND_GC, GIVEUP: 1, CACHE: 0, LAT: 0, RETAIN: 1, GC_ANY_ORDER: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-draft-rule',
    what: "cond-excl-3 with the draft's entry rule: a broken waiting turn unblocks the next",
    model: 'conditional.pml',
    defs: { N: 3, MODES: 0, ...COND_LEASE, MAXCRASH: 1, PAUSES: 0, RULE: 0 },
    extra: true,
    expect: 'mutex',
  },
  {
    name: 'cond-no-create-only',
    what: 'the turn PUT overwrites (two contenders own one turn)',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, LEASES: 0, PAUSES: 0, NO_CREATE_ONLY: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-margin-too-small',
    what: 'cond-lease-2 (exclusive) with margin 0 < drift/pause 1 (leases read by HEAD)',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, ...COND_LEASE, MARGIN: 0, MAXCRASH: 1, RENEWFAIL: 1, PAUSES: 1 },
    expect: 'mutex',
  },
  {
    name: 'cond-gc-eager',
    what: 'cond-gc with RETAIN 0 = CACHE + LAT: GC deletes a turn a hint still points below',
    model: 'conditional.pml',
    defs: { ...COND_GC, CACHE: 0, LAT: 0, RETAIN: 0 },
    expect: 'reuse',
  },
  {
    name: 'cond-shared-reach',
    what: '2 shared contenders claiming shared holders never coexist (non-vacuity)',
    model: 'conditional.pml',
    defs: { N: 2, MODES: 1, LEASES: 0, PAUSES: 0, REACH_SHARED: 1 },
    expect: 'shared',
  },
  {
    name: 'cond-no-break',
    what: 'cond-live-2-crash without breaking expired owners',
    model: 'conditional.pml',
    defs: { N: 2, LIVE: 1, MODES: 2, ...COND_LEASE, MAXCRASH: 1, LEASE_GC: 1, NO_BREAK: 1 },
    live: true,
    expect: 'liveness',
  },
  {
    name: 'cond-shared-rule-too-weak',
    what: 'an exclusive turn waiting only for done(n - 1), whatever its floor',
    model: 'conditional.pml',
    defs: { N: 3, MODES: 2, LEASES: 0, PAUSES: 1, SHARED_RULE_TOO_WEAK: 1 },
    extra: true,
    expect: 'mutex',
  },
  {
    name: 'cond-done-not-create-only',
    what: "done is a plain PUT; a broken holder's late release is told 200",
    model: 'conditional.pml',
    defs: { N: 2, MODES: 0, ...COND_LEASE, RENEWFAIL: 1, DONE_NOT_CREATE_ONLY: 1 },
    extra: true,
    expect: 'report',
  },
  {
    name: 'cond-gc-cache-eager',
    what: 'cond-gc-cache with RETAIN 1 = CACHE: GC deletes a turn a cached hint still points below',
    model: 'conditional.pml',
    defs: { ...COND_GC, CACHE: 1, LAT: 0, RETAIN: 1 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'cond-gc-latency',
    what: 'cond-gc-2-lat with RETAIN 1 = LAT: request latency not counted in the retention',
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 0, LAT: 1, RETAIN: 1 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'cond-gc-checkpoints',
    what: 'cond-gc-2 with GC deleting checkpoints: discovery falls back below the frontier',
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 1, LAT: 0, RETAIN: 2, GC_CHECKPOINTS: 1 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'cond-gc-no-keep',
    what: 'cond-gc-2 with KEEP 0: GC may delete the frontier turn itself',
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 1, LAT: 0, RETAIN: 2, KEEP: 0 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'cond-gc-draft-discovery',
    what: "cond-gc-2 with the draft's discovery: the last block is eaten while the scan runs",
    model: 'conditional.pml',
    defs: { ...COND_GC2, CACHE: 1, LAT: 0, RETAIN: 2, RECHECK: 0 },
    extra: true,
    expect: 'reuse',
  },
  {
    name: 'cond-gc-pass-running',
    what: 'cond-gc-2-giveup with the GC walk passing a checkpoint that is still running',
    model: 'conditional.pml',
    defs: { ...COND_GC2, GIVEUP: 1, CACHE: 1, LAT: 0, RETAIN: 2, GC_PASS_RUNNING: 1 },
    extra: true,
    expect: 'mutex',
  },
  // mixed.pml mutants
  {
    name: 'mixed-head-early',
    what: 'the ticket side HEADs the marker before its settle delay',
    model: 'mixed.pml',
    defs: { S: 2, SETTLE: 2, REPEAT: 1, HEAD_EARLY: 1 },
    expect: 'mutex',
  },
  {
    name: 'mixed-list-first',
    what: 'the conditional side lists tickets before it makes sure the marker exists',
    model: 'mixed.pml',
    defs: { S: 2, SETTLE: 2, REPEAT: 1, LIST_FIRST: 1 },
    expect: 'mutex',
  },
  {
    name: 'mixed-settle-short',
    what: 'mixed with the settle delay 1 below the listing staleness 2',
    model: 'mixed.pml',
    defs: { S: 2, SETTLE: 1, REPEAT: 1 },
    extra: true,
    expect: 'mutex',
  },
  {
    name: 'mixed-no-head',
    what: 'a ticket contender that does not HEAD the marker (Python s3func): it overlaps',
    model: 'mixed.pml',
    defs: { S: 2, SETTLE: 2, REPEAT: 1, NO_HEAD: 1 },
    extra: true,
    expect: 'mutex',
  },
];

/** Steps of a counterexample printed (--trail); --json has them all. */
const TRAIL_LINES = 30;

const say = (line) => process.stderr.write(`[models] ${line}\n`);

function parseCli() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      all: { type: 'boolean' },
      drafts: { type: 'boolean' }, // the old name of --all
      json: { type: 'boolean' },
      trail: { type: 'boolean' },
      list: { type: 'boolean' },
      keep: { type: 'boolean' },
      jobs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    say(
      'usage: node models/run.mjs [--only name,name] [--all] [--json] [--trail] [--list] [--keep] [--jobs n]',
    );
    say(`configurations: ${CONFIGS.map((c) => c.name).join(', ')}`);
    process.exit(0);
  }
  // npm test runs the default set; --all adds the heavier configurations and the other mutants
  let configs = values.all || values.drafts ? CONFIGS : CONFIGS.filter((c) => !c.extra);
  if (values.only !== undefined) {
    const wanted = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = wanted.filter((n) => !CONFIGS.some((c) => c.name === n));
    if (unknown.length > 0 || wanted.length === 0) {
      say(
        `--only: unknown ${unknown.join(', ') || '(none given)'}; known: ${CONFIGS.map((c) => c.name).join(', ')}`,
      );
      process.exit(2);
    }
    configs = CONFIGS.filter((c) => wanted.includes(c.name));
  }
  const jobs = values.jobs === undefined ? Math.min(2, availableParallelism()) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    say(`--jobs: a positive integer, got ${values.jobs}`);
    process.exit(2);
  }
  return { configs, jobs, json: values.json, trail: values.trail, list: values.list, keep: values.keep };
}

const flags = (config) => Object.entries(config.defs).map(([k, v]) => `-D${k}=${v}`);

/** spin, pan and gcc command lines for one configuration. */
function commands(config) {
  const mutant = config.expect !== 'pass';
  return {
    spin: ['spin', '-a', ...flags(config), modelOf(config)],
    // -O1: nearly -O2's search speed at half its compile time; mutants stop early, -O0 compiles fastest
    gcc: [
      'gcc',
      config.cc ?? (mutant ? '-O0' : '-O1'), // `cc`: small searches finish sooner unoptimised
      '-w',
      config.live ? '-DNP' : '-DSAFETY',
      '-DMEMLIM=4096',
      '-o',
      'pan',
      'pan.c',
    ],
    // mutants stop early and `small` searches are small: a 2^20-slot hash table and a 100,000-step
    // stack spare them allocating (and the kernel zeroing) some 180 MB
    pan: [
      './pan',
      ...(mutant || config.small ? ['-m100000', '-w20'] : ['-m1000000']),
      ...(config.live ? ['-l'] : []),
    ],
  };
}

const children = new Set();

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(cmd, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      out += s;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code ?? 128, signal, out });
    });
  });
}

/** What pan printed, in numbers. */
function parsePan(out) {
  const num = (re) => {
    const m = out.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const violated = Object.keys(PROPERTIES).find((p) => PROPERTIES[p].match.test(out));
  const other = out.match(/pan:1: ([^\n(]*)/)?.[1]?.trim();
  return {
    errors: num(/errors: (\d+)/),
    states: num(/^\s*(\d+) states, stored/m),
    transitions: num(/^\s*(\d+) transitions/m),
    depth: num(/depth reached (\d+)/),
    memoryMb: num(/^\s*([\d.]+)\s+total actual memory usage/m),
    searchSeconds: num(/pan: elapsed time ([\d.e+]+) seconds/),
    violated,
    message: other,
    // an exhaustive search must not have been cut short
    incomplete:
      /max search depth too small|reached -DMEMLIM bound|Search not completed|out of memory|hash table is full/i.test(
        out,
      ),
  };
}

/** The MSC lines of the counterexample pan saved, as spin replays them. */
async function trailOf(config, dir) {
  const { out } = await run(['spin', '-t', ...flags(config), modelOf(config)], dir);
  return out
    .split('\n')
    .filter((l) => l.includes('MSC:') && !l.includes('renewal fails'))
    .map((l) => l.replace(/^\s*MSC:\s*/, ''));
}

async function check(config, options) {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), `s3func-spin-${config.name}-`));
  const result = {
    name: config.name,
    expect: config.expect,
    what: config.what,
    flags: flags(config).join(' '),
  };
  try {
    await copyFile(join(HERE, modelOf(config)), join(dir, modelOf(config)));
    const cmds = commands(config);
    for (const step of ['spin', 'gcc']) {
      const r = await run(cmds[step], dir);
      if (r.code !== 0) {
        Object.assign(result, { got: `${step} failed`, ok: false, detail: r.out.slice(-2000) });
        return result;
      }
    }
    const pan = await run(cmds.pan, dir);
    const parsed = parsePan(pan.out);
    Object.assign(result, parsed);
    if (parsed.errors === undefined) {
      Object.assign(result, {
        got: `pan failed (exit ${pan.code})`,
        ok: false,
        detail: pan.out.slice(-2000),
      });
    } else if (parsed.errors === 0) {
      result.got = parsed.incomplete ? 'incomplete search' : 'pass';
      result.ok = config.expect === 'pass' && !parsed.incomplete;
      if (parsed.incomplete) result.detail = pan.out.slice(-2000);
    } else {
      result.got = parsed.violated ?? `violation: ${parsed.message ?? 'unknown'}`;
      result.ok = config.expect !== 'pass' && parsed.violated === config.expect;
      result.trail = await trailOf(config, dir);
    }
    return result;
  } finally {
    result.seconds = (performance.now() - started) / 1000;
    if (options.keep || result.ok === false) result.dir = dir;
    else await rm(dir, { recursive: true, force: true });
  }
}

function have(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** Installs Debian packages as root: `apt-get install`, and `apt-get update` first if that fails. */
function aptInstall(pkgs) {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    say(
      `missing ${pkgs.join(', ')}: install them (Debian: apt-get install ${pkgs.join(' ')}) or run as root`,
    );
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env })
      .status === 0;
  say(`installing ${pkgs.join(', ')} (apt-get)`);
  if (install()) return true;
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  return install();
}

function ensureTools() {
  const missing = [];
  if (!have('spin', ['-V'])) missing.push('spin');
  if (!have('gcc', ['--version'])) missing.push('gcc');
  if (missing.length === 0) return true;
  return aptInstall(missing) && have('spin', ['-V']) && have('gcc', ['--version']);
}

const fmtInt = (n) => (n === undefined ? '-' : n.toLocaleString('en-US'));
const expectLabel = (e) => (e === 'pass' ? 'pass' : `fail: ${PROPERTIES[e].label}`);
const gotLabel = (r) => (r.got in PROPERTIES ? `fail: ${PROPERTIES[r.got].label}` : r.got);

function table(results) {
  const rows = [
    ['', 'config', 'expected', 'got', 'states', 'depth', 'search', 'total'],
    ...results.map((r) => [
      r.ok ? '✓' : '✗',
      r.name,
      expectLabel(r.expect),
      gotLabel(r),
      fmtInt(r.states),
      fmtInt(r.depth),
      r.searchSeconds === undefined ? '-' : `${r.searchSeconds.toFixed(1)} s`,
      `${r.seconds.toFixed(1)} s`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main() {
  const options = parseCli();
  if (options.list) {
    for (const c of options.configs)
      process.stdout.write(`${c.name}\t${expectLabel(c.expect)}\t${flags(c).join(' ')}\n`);
    return 0;
  }
  if (!ensureTools()) {
    say('spin and gcc are needed');
    return 1;
  }
  const t0 = performance.now();
  // the longest searches first, so that two workers finish together
  const queue = [...options.configs].sort(
    (a, b) => Number(a.expect !== 'pass') - Number(b.expect !== 'pass'),
  );
  const results = new Map();
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const r = await check(c, options);
      results.set(c.name, r);
      if (!options.json) say(`${r.ok ? '✓' : '✗'} ${r.name}: ${gotLabel(r)} (${r.seconds.toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: options.jobs }, worker));
  const ordered = options.configs.map((c) => results.get(c.name));
  const total = (performance.now() - t0) / 1000;
  const failed = ordered.filter((r) => !r.ok);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: failed.length === 0, seconds: total, results: ordered }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${table(ordered)}\n`);
    for (const r of ordered.filter((x) => (x.trail && (options.trail || !x.ok)) || x.detail)) {
      process.stdout.write(`\n${r.name} (${r.flags}):\n`);
      if (r.trail && (options.trail || !r.ok)) {
        const shown = r.trail.slice(-TRAIL_LINES);
        if (r.trail.length > shown.length)
          process.stdout.write(`  … ${r.trail.length - shown.length} earlier steps\n`);
        process.stdout.write(`${shown.map((l) => `  ${l}`).join('\n')}\n`);
      }
      if (r.detail) process.stdout.write(`${r.detail}\n`);
      if (r.dir) process.stdout.write(`  files kept in ${r.dir}\n`);
    }
    process.stdout.write(
      `\n${failed.length === 0 ? 'all as expected' : `${failed.length} not as expected: ${failed.map((r) => r.name).join(', ')}`}; ${total.toFixed(1)} s\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

process.exitCode = await main();
