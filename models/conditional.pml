/*
 * s3func conditional-write lock strategy (docs/conditional-strategy.md; src/lock/conditional/).
 *
 * Turns created create-only (If-None-Match: *) at frontier + 1 (a 412 moves the contender up);
 * done markers created create-only, carrying a floor ("every turn below it was over when this
 * marker was written"), by the holder on release, by a waiter abandoning its turn, or by a
 * breaker; the fast path (right after the create, GET done(n - 1): a floor >= n enters at once);
 * the entry rule (exclusive n: every turn below n is over; shared n: every exclusive turn below
 * n is over); a turn is known over from its done marker, from a floor, or from a consistent HEAD
 * that finds it gone (collected: then every turn below it is over too); leases read by consistent
 * HEAD and judged on the observer's own stopwatch (a lease state, a version or "absent", unchanged
 * for LEASE ticks), holders trusting a renewal LEASE - MARGIN + DRIFT ticks after it started
 * (lock.pml's keeper); crashes; acquire timeouts (GIVEUP); create requests that fail unapplied
 * (CREATE_ERR); fencing token = turn number. With GC 1 (below): turn GC, checkpoints, the
 * frontier cache and discovery, contenders re-acquiring. Issue 14: creates landing after their
 * client saw them fail (LATE_CREATE, C2), suspended machines whose monotonic clock stops (SUSPEND,
 * C1), the collector's real walk run by releasers (WALK, C3), which ends a dead contender's running
 * turn where it stops (DEADBREAK, K30). Ticket-strategy contenders on the same name: models/mixed.pml.
 *
 * Conventions as lock.pml: parameters by spin -DNAME=value, mutants by flags, discrete time with a
 * Clock that ticks only when no contender can act (`timeout`), every time value relative to now
 * (countdowns, capped stopwatches), so the state space is finite and an endless run is a cycle.
 *
 * Reads of turns, done markers and leases are HEAD/GET (consistent), so the model reads the store
 * directly. A waiter's knowledge is `kb` (queue.ts's floor: every turn below kb is known over,
 * kept across polls and, as the implementation's per-process knownFloor, across re-acquisitions);
 * a poll reads every turn in [kb, n) (the implementation reads the lowest blockers and lists the
 * others; a listing only ever shows less, so this is the most a waiter can learn) and raises kb by
 * what it finds. The floor a contender writes is computed from kb: that is where a wrong floor
 * comes from, and the mutants write wrong ones. Listings of turns are hints the implementation
 * checks by HEAD; OMITTED_OVER models one that is trusted instead.
 *
 * Properties (assertions when a contender takes the lock; with GC 1 also whenever a create's win
 * is used: the number never existed before, reuse_violated; with BOUND, then too, how many turns
 * other than checkpoints exist, bound_violated; with WALK 2 at every turn GC deletes: every turn
 * below it is over, collect_violated): mutual exclusion of conflicting modes, fencing (an
 * exclusive holder's token is above every earlier exclusive holder's), and that a release by a
 * broken holder learns it was broken (its create-only done gets 412); with CLEAN_CHECK, that a
 * release begun while its keeper trusted the lease finds its turn not broken (clean_violated).
 * Liveness (LIVE 1, -DNP, pan -l): no non-progress cycle; every live contender held the lock.
 */

/* ---------- parameters ---------- */
#ifndef N
#define N 2          /* contenders, ids 0..N-1; each acquires once (GC 0) */
#endif
#ifndef MODES
#define MODES 0      /* 0: all exclusive; 1: all shared; 2: each contender is either; 3: each acquisition is
                        either (with GC 1 a re-acquisition chooses anew; else as 2) */
#endif
#ifndef D
#define D 0          /* turn listing staleness (only OMITTED_OVER trusts a listing) */
#endif
#ifndef POLL
#define POLL 1       /* pollIntervalMs while waiting */
#endif
#ifndef LEASES
#define LEASES 1     /* 0: no leases, keepers or breaking (holders trust for ever; GC runs, faster) */
#endif
#ifndef LEASE_GC
#define LEASE_GC 0   /* 1: a lease unchanged for 2 * LEASE ticks may be deleted (gc.ts: dead leases), its
                        turn still running; waiters then time the "absent" state */
#endif
#ifndef LEASE
#define LEASE 6      /* leaseMs: an observer breaks a turn whose lease state it has seen unchanged this long */
#endif
#ifndef MARGIN
#define MARGIN 2     /* leaseMarginMs: a holder trusts a renewal LEASE - MARGIN after it started */
#endif
#ifndef DRIFT
#define DRIFT 0      /* holder's clock-rate error plus longest pause (ticks) */
#endif
#ifndef MAXCRASH
#define MAXCRASH 0   /* how many contenders may stop forever, at any step (objects stay) */
#endif
#ifndef RENEWFAIL
#define RENEWFAIL 0  /* 1: any renewal may fail (retried a tick later) */
#endif
#ifndef PAUSES
#define PAUSES 1     /* slow steps: 0 never; 1 before the turn create; 2 also between the check and entering */
#endif
#ifndef GIVEUP
#define GIVEUP 0     /* 1: a blocked waiter may give up at any poll (acquire timeout, non-blocking
                        acquire) and abandon its turn: done(n) { entered: false } */
#endif
#ifndef CREATE_ERR
#define CREATE_ERR 0 /* how many create requests (in the whole run) may fail with a retryable error
                        without being applied (GC 0 only); the contender then HEADs the number
                        and, finding it missing, sends the create again (GALLOP_ON_ERR: moves up) */
#endif
#ifndef LATE_CREATE
#define LATE_CREATE 0 /* issue 14, C2: how many create requests (in the whole run, GC 0 only) may fail as
                        the client sees it (a timeout, a lost response), then the HEAD that resolves it
                        answers 404, and the request lands afterwards, at any later tick or never (a
                        ghost: a turn of ours we do not wait with). The contender then sends the create
                        again, or (its frontier no longer fresh) discovers the frontier again. The fix
                        (conditional-core.ts as of 025283b): the number stays in #ambiguous; (a) a 412
                        on an ambiguous number is resolved by HEAD (ours: won; someone else's: taken,
                        and the number leaves #ambiguous); (b) at every poll, and before entering, each
                        number still in #ambiguous is read: free, it stays; someone else's turn, it
                        leaves; ours (a ghost, whatever its mode), it is ended with a done marker
                        { entered: false } and the floor a breaker writes, and counted over.
                        NO_AMBIGUOUS_HEAD removes (a), NO_END_GHOSTS removes (b): both together are the
                        code before issue 14 (the REGRESSION c2-waits-on-own-ghost: it waits for its own
                        ghost for ever, keeping the ghost's lease, its own, alive); GHOSTS_BLOCKERS_ONLY
                        ends only ghosts among the blockers, and only while blocked (the first fix,
                        3cfc549: the REGRESSION c2-shared-ghost, a shared contender's shared ghost is no
                        blocker of its own turn and is never ended); GHOST_FLOOR ends a ghost with floor
                        n + 1 (a MUTANT) */
#endif
#ifndef SUSPEND
#define SUSPEND 0    /* issue 14, C1: how many times (in the whole run) a contender's machine may be
                        suspended (laptop sleep, VM pause), each time for any number of ticks. While
                        suspended it takes no step, its keeper does not renew, and its monotonic clock
                        stops: its stopwatches of other leases and its timers stand still, while true
                        time, the store, GC and the other contenders go on. Where (SUSP_SITES, bits):
                        1 between acquisitions, a frontier hint in its cache (GC 1); 2 with a create
                        in flight (GC 1: it lands at any tick of the suspension or at the resume, and
                        is answered after the resume); 4 while waiting; 8 while holding. The fix
                        (3cfc549): the hint's trust (CACHE), the create's answer (the post-check: a
                        create that won but was answered more than LAT after it was sent is not used:
                        done(n) { floor 0, entered: false }, and the frontier is discovered afresh)
                        and the keeper's deadline are on the suspend-aware clock, i.e. true ticks.
                        MONO_HINT: the hint's trust on the monotonic clock, which stops (with
                        NO_POSTCHECK: the code before issue 14, the REGRESSION c1-hint-monotonic);
                        NO_POSTCHECK alone: the post-check removed (a MUTANT); MONO_KEEPER: the
                        keeper's deadline on the monotonic clock (the REGRESSION c1-keeper-monotonic).
                        LONG_PAUSE: a holder acts on its last look at the keeper across a suspension
                        (the limit: a pause longer than the margin; fencing still holds) */
#endif
#ifndef SUSP_SITES
#define SUSP_SITES 15
#endif
#ifndef MUTEX_CHECK
#define MUTEX_CHECK 1 /* 0: two conflicting holders are not reported (fencing is still checked) */
#endif
#ifndef REUSE_CHECK
#define REUSE_CHECK 1 /* 0: a reused turn number is not reported (to see what follows from it) */
#endif
#ifndef RULE
#define RULE 1       /* entry rule. 0: the draft's (exclusive: every turn since the last exclusive turn
                        before it, inclusive, is done; shared: that exclusive turn is done).
                        1: the implementation's (exclusive: every earlier turn is over; shared:
                        every earlier exclusive turn is over) */
#endif
#ifndef REACH_SHARED
#define REACH_SHARED 0 /* 1: claim two shared holders never coexist (must FAIL: non-vacuity) */
#endif
#ifndef LIVE
#define LIVE 0       /* 1: liveness run: arrival within ARRIVE, hold within HOLD, no pauses */
#endif
#ifndef ARRIVE
#define ARRIVE 2
#endif
#ifndef HOLD
#define HOLD 2
#endif
/* GC and the frontier cache (GC 1; docs/conditional-strategy.md, "turn numbers are never reused").
 * Contenders then re-acquire (a new turn each time) until turn MAXTURNS exists; a Gc process walks
 * the turns upwards from the lowest it has not passed, as gc.ts does: it stops at the first that is
 * not done, created less than RETAIN ticks ago, or among the newest KEEP turns (below the highest
 * turn ever created); it passes a checkpoint (every CK-th turn, kept) and deletes any other turn
 * with its done marker. A contender starts from a cached hint of the frontier learned a <= CACHE
 * ticks ago (any value between the frontier at the start of that tick and now, used without a
 * HEAD, as #takeTurn does), or discovers F by HEADs: checkpoints CK, 2CK, ... until one is missing, then upward
 * from the last one until a turn is missing. The hint's age counts from the tick it was learned
 * (discovery: its first HEAD; RECHECK 1, the fix: after the block scan, HEAD the next checkpoint
 * again and scan on if it now exists); a create may be sent only while that age is <= CACHE (else
 * rediscover), and lands 0..LAT ticks after it was sent; a 412 moves up one. Ghost: ever[t], the
 * number was ever created; the property asserted at every successful create: the number never
 * existed before (reuse_violated). */
#ifndef GC
#define GC 0
#endif
#if GC
#ifndef MAXTURNS
#define MAXTURNS 5
#endif
#ifndef RETAIN
#define RETAIN 3
#endif
#ifndef KEEP
#define KEEP 2
#endif
#ifndef CK
#define CK 2
#endif
#ifndef CACHE
#define CACHE 1
#endif
#ifndef LAT
#define LAT 1
#endif
#ifndef RECHECK
#define RECHECK 1    /* 0: the draft's discovery (the last block is trusted to be whole) */
#endif
#ifndef WALK
#define WALK 0       /* the collector. 0: a process walking upwards at any time from the lowest number it
                        has not passed, with the true frontier (an over-approximation of when and how
                        far gc.ts collects). 1: gc.ts before issue 14 (00dbd60), run by the releaser of a
                        checkpoint turn: list turns and done markers from the bottom, the first PAGE
                        entries of each (the marker, turn 0, is one), and walk the listed turns (one
                        step). 2: gc.ts as fixed (8aa6593), run by the releaser of a checkpoint turn and,
                        "one time in K", of any turn (a choice): the first block j whose last number
                        (j+1)CK - 1 still exists, by binary search (HEADs), then upwards from its
                        checkpoint (listings with startAfter, paged: every number is seen), one number a
                        step, deleting up to CAP turns. Both stop at the first turn not over or not
                        RETAIN old, pass checkpoints, and stop below the newest CK numbers under the
                        releaser's cached frontier (its own turn) */
#endif
#ifndef PAGE
#define PAGE 2       /* WALK 1: entries per listing (1000 in the code) */
#endif
#ifndef CAP
#define CAP (2 * CK) /* WALK 2: turns deleted per run at most (max(4K, 1000) in the code) */
#endif
#ifndef BOUND
#define BOUND 0      /* > 0: at every turn used, at most BOUND non-checkpoint turns exist (bound_violated) */
#endif
#ifndef MINHOLD
#define MINHOLD 0    /* a holder holds at least MINHOLD ticks (a bound on turns per tick, for BOUND) */
#endif
#ifndef DEADBREAK
#define DEADBREAK 1  /* K30 (6143d05): WALK 2, where it stops at a running turn, HEADs the turn and its
                        contender's lease (the observation) and, if the contender is dead by the store's
                        clock (DEADOWNER below: its lease unchanged for 2 * LEASE ticks, or gone, and the
                        turn at least that old), ends the turn in a later step (the decision, any stall
                        between): done(n) { broken, floor 0 } create-only, then its lease deleted; the
                        walk stops there all the same. Needs LEASES (no lease, no judgement).
                        0: the code before 6143d05 (the walk stops at a running turn for good).
                        BREAK_BY_AGE: dead by the turn's age alone, the lease unread (a MUTANT) */
#endif
#ifndef SPLIT_RELEASE
#define SPLIT_RELEASE 0 /* 0: a release creates done(n) and deletes the lease in one step (the marker
                        first). 1: two steps, any stall or a crash between them, the marker first (the
                        code since f24c5a9: the lease goes once the marker is settled). LEASE_FIRST (a
                        MUTANT, the order the code before f24c5a9 could take, both sent at once): the
                        lease deleted first (the keeper stopped), then, after any stall, the marker */
#endif
#ifdef LEASE_FIRST
#undef SPLIT_RELEASE
#define SPLIT_RELEASE 2
#endif
#ifndef CLEAN_CHECK
#define CLEAN_CHECK 0 /* 1: a release that starts while its keeper trusts the lease never finds its turn
                        ended as broken (clean_violated: a false 'broke', the holder's marker replaced) */
#endif
#define T MAXTURNS
#if RETAIN > CACHE + 1
#define MAXAGE RETAIN
#else
#define MAXAGE (CACHE + 1)
#endif
#if T > 15
#error "MAXTURNS must be 1..15"
#endif
#if CREATE_ERR || LATE_CREATE
#error "CREATE_ERR and LATE_CREATE need GC 0"
#endif
#else
#define T (N + CREATE_ERR + LATE_CREATE) /* each contender takes one turn (and its ghost); a failed create may skip a number */
#define WALK 0
#define BOUND 0
#define MINHOLD 0
#define DEADBREAK 0
#define SPLIT_RELEASE 0
#define CLEAN_CHECK 0
#ifdef LEASE_FIRST
#error "LEASE_FIRST needs GC 1"
#endif
#endif
#ifndef MAXHOLD
#define MAXHOLD 0    /* > 0: a holder holds at most MAXHOLD ticks (else any number; BOUND with shared holders) */
#endif
#if MAXHOLD && MAXHOLD < MINHOLD
#error "MAXHOLD must be at least MINHOLD"
#endif
/* K30: collection judges contenders dead (WALK 2 with leases); the store's clock then keeps the age
 * of each lease and of each contender's running turn */
#if GC && WALK == 2 && LEASES && DEADBREAK
#define DEADBREAK_ON 1
#else
#define DEADBREAK_ON 0
#endif
#if LEASE_GC || DEADBREAK_ON
#define LAGE 1
#else
#define LAGE 0
#endif
/* GC mutants: GC_ANY_ORDER deletes any eligible turn, not only in the ascending walk; GC_CHECKPOINTS
 * deletes checkpoints too; GC_PASS_RUNNING walks past a checkpoint that is not over (a checkpoint is
 * kept, but the walk must stop there all the same). Too eager a GC is a parameter: RETAIN <= CACHE +
 * LAT; KEEP 0 deletes the frontier. */

/* mutants (any value turns them on):
 *   NO_CREATE_ONLY        the turn PUT overwrites instead of failing with 412
 *   DONE_NOT_CREATE_ONLY  done markers are plain PUTs (a late release overwrites a breaker's)
 *   SHARED_RULE_TOO_WEAK  an exclusive turn waits only for done(n - 1), whatever its floor
 *   NO_BREAK              expired owners are never broken (liveness)
 *   ABANDON_FLOOR         an exclusive contender's done marker says n + 1 even when it did not enter
 *   BREAK_FLOOR           a breaker's done(m) says m + 1 whatever it knows of the turns below m
 *   SHARED_FLOOR          a shared holder's done marker says n + 1 (the first, uncommitted
 *                         conditional-core.ts did: #endTurn(true) wrote turn + 1 for either mode;
 *                         fixed in fd657da, simulation regression K12)
 *   OMITTED_OVER          a turn a (stale, 0..D) listing does not show is taken as over
 *   GALLOP_ON_ERR         after a create that failed unapplied, the contender moves up as after
 *                         a 412 (the first, uncommitted conditional-core.ts #takeTurn did:
 *                         gallopFrontier from F, which takes F + 1 to exist), leaving a gap that
 *                         waiters above read as collected (fixed in fd657da, regression K13)
 * MARGIN_TOO_SMALL is a parameter: MARGIN < DRIFT. */

#if LIVE
#undef PAUSES
#define PAUSES 0
#undef RENEWFAIL
#define RENEWFAIL 0
#undef GIVEUP
#define GIVEUP 0
#endif

#if LIVE && SUSPEND
#error "SUSPEND is for safety runs (a suspension may last for ever)"
#endif

#define R (LEASE / 3)                    /* renewal interval */
#define WINDOW (LEASE - MARGIN + DRIFT)  /* real ticks a holder trusts a renewal */
#define INF 255

#if R < 1
#error "the model needs LEASE >= 3"
#endif

/* ---------- the store ---------- */
byte towner[T + 1];  /* turn t: 0 none (never created, or collected), else owner id + 1 */
bit  tmode[T + 1];   /* turn t's mode: 1 exclusive */
byte dn[T + 1];      /* done(t): 0 none, 1 released by its holder, 2 broken, 3 abandoned */
byte fl[T + 1];      /* done(t)'s floor: every turn below it was over when the marker was written */
bit  lex[N];         /* contender j's lease object exists */
#if LAGE
byte lage[N];        /* ticks since j's lease was last written, capped at 2 * LEASE */
#endif
#if DEADBREAK_ON
byte cturn[N];       /* j's running turn (0: none): with GC 1 a contender has one at most */
byte rage[N];        /* ticks since cturn[j] was created, while it runs, capped at 2 * LEASE */
/* K30: dead by the store's clock (gc.ts breakIfDead: the later of the turn's and the lease's
 * LastModified two leases old; no lease, the turn's) */
#ifdef BREAK_BY_AGE
#define DEADOWNER(j) (rage[j] >= 2 * LEASE) /* MUTANT: the turn's age alone, the lease unread */
#else
#define DEADOWNER(j) (rage[j] >= 2 * LEASE && (!lex[j] || lage[j] >= 2 * LEASE))
#endif
#endif
#if GC
bit  ever[T + 1];    /* ghost: number t was created at some time */
byte cage[T + 1];    /* ghost: ticks since turn t was created, capped at MAXAGE */
byte fmax;           /* the highest number ever created (GC's frontier) */
byte gclo = 1;       /* the lowest number GC has not passed (the ascending walk) */
byte hage[N];        /* age of contender j's frontier hint (INF: none in use) */
bit  reuse_violated;
bit  bound_violated;   /* more than BOUND non-checkpoint turns exist */
bit  collect_violated; /* GC deleted a turn with a turn below it that is not over */
#ifdef GC_CHECKPOINTS
#define GCSKIP(t) 0
#else
#define GCSKIP(t) ((t) % CK == 0)
#endif
#endif
#define EXISTS(m) (towner[m] != 0) /* a HEAD of turn m succeeds */
#if GC
#define GCDELETE(t) \
  printf("MSC: t=%d GC deletes turn %d\n", tnow, t); \
  towner[t] = 0; tmode[t] = 0; dn[t] = 0; fl[t] = 0
#ifdef GC_PASS_RUNNING
#define GCOVER(t) (dn[t] != 0 || GCSKIP(t)) /* MUTANT: a checkpoint is passed even while it runs */
#else
#define GCOVER(t) (dn[t] != 0)
#endif
/* WALK 2: the number HEADed to tell whether block j is fully collected */
#ifdef PROBE_FIRST
#define PROBE(j) ((j) * CK + 1) /* MUTANT: the block's first number, not its last */
#else
#define PROBE(j) (((j) + 1) * CK - 1)
#endif
#endif
#ifdef OMITTED_OVER
byte tage[T + 1];    /* ticks since turn t was created, capped at D + 1: a listing as of f ticks ago omits it iff tage < f */
#endif
#if CREATE_ERR
byte nerr;           /* create requests failed so far */
#endif
#if LATE_CREATE
byte nlate;          /* create requests failed as seen by their client, landing later, so far */
byte gturn, gown, gwt; /* a create in flight after its client saw it fail: its number, owner + 1 (0: none), ticks until it may land */
bit  gmode;
#endif
bit  mode[N];        /* contender j's mode */
#if SUSPEND
bit  susp[N];        /* contender j's machine is suspended */
byte nsusp;          /* suspensions so far */
#if GC && defined(MONO_HINT)
/* MONO_HINT: a hint learned a ticks before j's last suspension started has, a mono ticks after it
 * resumed, a monotonic age of a + sr[j] but a true one of that plus the suspension: it may be any
 * value from hl[j * (CACHE + 1) + a] (the frontier at the start of the tick a ticks before the
 * suspension started) up */
byte hl[N * (CACHE + 1)];
byte sr[N];          /* monotonic ticks since j's last suspension ended, capped at CACHE + 1 */
#endif
#endif

/* ---------- contenders ---------- */
byte dlr[N];       /* the keeper trusts the lease for dlr more ticks */
byte rn[N];        /* ticks until the next renewal attempt */
byte wt[N];        /* ticks the contender still waits */
bit  keeping[N], incs[N], crashed[N], finished[N], acquired[N];
/* observer i's view of the lease of j (i * N + j), j owning a turn i waits for: 0 not watched,
 * 1 the current version, 2 an older version (renewed since), 3 absent; ticks in that state */
byte seen[N * N], sage[N * N];

hidden byte tnow;  /* absolute time, for the trail only */
byte ncrash;
byte lasttok;      /* fencing token (turn number) of the last exclusive holder */

bit mutex_violated, fence_violated, progress_violated, report_violated, shared_coexist;
#if CLEAN_CHECK
bit clean_violated;  /* a release begun while its keeper trusted found its turn ended as broken */
#endif

#define CRASH \
  :: atomic { crashed[i] -> goto dead } \
  :: atomic { ncrash < MAXCRASH && wt[i] == 0 -> printf("MSC: t=%d c%d crashes\n", tnow, i); ncrash++; crashed[i] = 1; keeping[i] = 0; goto dead }
#if SPLIT_RELEASE == 1
#define RELEASED(next) goto unlease /* the lease is deleted first, in a step of its own */
#else
#define RELEASED(next) goto next
#endif
#define PAUSE(level, here) :: atomic { PAUSES >= level && wt[i] == 0 -> wt[i] = 1; goto here }

#if SUSPEND
#ifdef LONG_PAUSE
bit act[N]; /* LONG_PAUSE: j acts on a look at its keeper taken before its suspension */
#define ACTING(j) act[j]
#define ACT_START act[i] = (incs[i] && dlr[i] > 0)
#define ACT_END act[i] = 0
#else
#define ACTING(j) 0
#define ACT_START skip
#define ACT_END skip
#endif
/* the suspension starts (with MONO_HINT: the frontier at the start of each of the last CACHE + 1
 * ticks, the lowest hint learned then, is recorded) */
inline susp_start() {
  nsusp++; susp[i] = 1; ACT_START;
  printf("MSC: t=%d c%d's machine is suspended\n", tnow, i);
#if GC && defined(MONO_HINT)
  e = 0;
  do
  :: e <= CACHE ->
    hl[i * (CACHE + 1) + e] = 0; m = 1;
    do
    :: m <= T -> if :: ever[m] && cage[m] > e -> hl[i * (CACHE + 1) + e] = m :: else fi; m++
    :: else -> break
    od;
    e++
  :: else -> break
  od;
  m = 0; e = 0
#endif
}
#if GC && defined(MONO_HINT)
#define SUSP_END sr[i] = 0
#else
#define SUSP_END skip
#endif
/* a suspension at a step (site bit `site`): any number of ticks, then the step is taken again */
#define SUSPEND_AT(site, back) \
  :: atomic { (SUSP_SITES & site) && nsusp < SUSPEND && wt[i] == 0 -> susp_start(); wt[i] = 1 }; \
     do \
     :: atomic { wt[i] == 0 -> wt[i] = 1 } \
     :: atomic { wt[i] == 0 -> susp[i] = 0; ACT_END; SUSP_END; printf("MSC: t=%d c%d's machine resumes\n", tnow, i); break } \
     od; \
     goto back
#define SUSPENDED(j) susp[j]
#else
#define SUSPEND_AT(site, back)
#define SUSPENDED(j) 0
#define ACTING(j) 0
#endif

#ifdef OMITTED_OVER
/* MUTANT: a turn the listing (as of f ticks ago) does not show is taken as over, not HEADed */
#define OMITTED(m) (tage[m] < f)
#else
#define OMITTED(m) 0
#endif

/* kb passes the done turns just above it (queue.ts #raise) */
inline pass_done() {
  do
  :: kb < n && EXISTS(kb) && (dn[kb] != 0 || OMITTED(kb)) -> kb++
  :: else -> break
  od
}

/* a done marker of turn m read (GET): m is over, and so is every turn below its floor */
inline read_floor(m) {
  if
  :: fl[m] > kb -> kb = (fl[m] < n -> fl[m] : n)
  :: else
  fi
}

/* the fast path, right after our create (conditional-core.ts #takeTurn): GET done(n - 1) */
inline fastpath() {
  if
  :: n >= 2 && EXISTS(n - 1) && dn[n - 1] != 0 ->
    read_floor(n - 1);
    if :: kb == n - 1 -> kb = n :: else fi
  :: else
  fi
}

/* one poll (queue.ts poll): what the reads of the turns in [kb, n) teach (a turn missing, HEAD
 * 404: it was collected, so it and every turn below it are over; a done marker: its turn and every
 * turn below its floor are over), then the turns we still wait for (bit m of blk) */
inline blockers() {
  m = kb;
  do
  :: m < n ->
    if
    :: !EXISTS(m) -> if :: kb <= m -> kb = m + 1 :: else fi /* collected: it and everything below are over */
    :: else -> if :: dn[m] != 0 -> read_floor(m) :: else fi
    fi;
    m++
  :: else -> break
  od;
  pass_done();
  blk = 0; e = 0;
#if RULE == 0 || defined(SHARED_RULE_TOO_WEAK)
  m = 1;
  do
  :: m < n -> if :: tmode[m] -> e = m :: else fi; m++
  :: else -> break
  od;
#endif
  m = kb;
  do
  :: m < n ->
    if
#ifdef SHARED_RULE_TOO_WEAK
    :: mode[i] && m == n - 1 && dn[m] == 0 -> blk = blk | (1 << m) /* MUTANT: only the previous turn */
    :: !mode[i] && tmode[m] && m == e && dn[m] == 0 -> blk = blk | (1 << m)
#elif RULE == 0
    /* the draft: exclusive waits for every turn since the last exclusive e (inclusive; all if none);
     * shared waits for e */
    :: mode[i] && m >= e && dn[m] == 0 -> blk = blk | (1 << m)
    :: !mode[i] && tmode[m] && m == e && dn[m] == 0 -> blk = blk | (1 << m)
#else
    /* exclusive waits for every earlier turn; shared for every earlier exclusive turn */
    :: EXISTS(m) && dn[m] == 0 && !OMITTED(m) && (mode[i] || tmode[m]) -> blk = blk | (1 << m)
#endif
    :: else
    fi;
    m++
  :: else -> break
  od;
  m = 0; e = 0
}

/* HEAD the lease of each blocking turn's owner (lease-watch.ts): a state (the version, or absent)
 * is timed on our stopwatch from the read that first showed it; then break every blocking turn
 * whose owner's lease state stayed the same for LEASE ticks: create done(m) { broken } create-only,
 * with the floor we know */
inline observe_and_break() {
  j = 0;
  do
  :: j < N ->
    if
    :: j != i ->
      m = kb; age = 0;
      do
      :: m < n -> if :: (blk & (1 << m)) && towner[m] == j + 1 -> age = 1 :: else fi; m++
      :: else -> break
      od;
      if
      :: age == 0 -> seen[i * N + j] = 0; sage[i * N + j] = 0 /* owns no turn we wait for */
      :: else ->
        age = (lex[j] -> 1 : 3);
        if
        :: age != seen[i * N + j] -> seen[i * N + j] = age; sage[i * N + j] = 0
        :: else
        fi
      fi
    :: else
    fi;
    j++
  :: else -> break
  od;
  m = kb;
  do
  :: m < n ->
    j = towner[m] - 1;
    if
#ifdef NO_BREAK
    :: false -> /* MUTANT (liveness): expired owners are never broken */
#else
    :: (blk & (1 << m)) && j < N && j != i && seen[i * N + j] != 0 && sage[i * N + j] >= LEASE ->
#endif
      printf("MSC: t=%d c%d breaks turn %d of c%d: its lease unchanged for %d ticks\n", tnow, i, m, j, sage[i * N + j]);
      if
      :: dn[m] == 0 ->
        dn[m] = 2;
#ifdef BREAK_FLOOR
        fl[m] = m + 1; /* MUTANT: as if every turn below m were known over */
#else
        fl[m] = (kb >= m -> m + 1 : kb);
#endif
        printf("MSC: t=%d c%d done(%d) floor %d\n", tnow, i, m, fl[m])
      :: else /* 412: another breaker (or the holder) was first */
      fi;
      if :: kb == m -> kb++; pass_done() :: else fi;
      seen[i * N + j] = 0; sage[i * N + j] = 0;
      broke = 1
    :: else
    fi;
    m++
  :: else -> break
  od;
  j = 0; m = 0; age = 0
}

#if LATE_CREATE
/* (b) conditional-core.ts #endGhosts, at every poll and before entering: the number in #ambiguous
 * (amb, 0: none; one late create per run) is read — still free: kept; someone else's turn: dropped
 * (ours can never land there); ours: a ghost (its lease is ours, so nobody else would break it),
 * ended with a done marker { entered: false } and the floor a breaker writes, and counted over.
 * GHOSTS_BLOCKERS_ONLY (3cfc549): only a ghost among the blockers is ended, only while blocked */
#ifdef GHOST_FLOOR
#define GHOSTFL(m) (m + 1) /* MUTANT: as if every turn below the ghost were known over */
#else
#define GHOSTFL(m) (kb >= m -> m + 1 : kb)
#endif
#ifdef GHOSTS_BLOCKERS_ONLY
#define GHOSTREAD(m) ((blk & (1 << m)) != 0)
#else
#define GHOSTREAD(m) 1
#endif
inline end_ghosts() {
  m = amb;
  if
  :: m != 0 && GHOSTREAD(m) && towner[m] != 0 && towner[m] != i + 1 -> amb = 0 /* someone else's */
  :: m != 0 && GHOSTREAD(m) && towner[m] == i + 1 ->
    amb = 0;
    if :: dn[m] == 0 -> dn[m] = 3; fl[m] = GHOSTFL(m) :: else fi;
    printf("MSC: t=%d c%d ends its own ghost turn %d: done(%d) floor %d\n", tnow, i, m, m, fl[m]);
    if :: kb == m -> kb++; pass_done() :: else fi;
    broke = 1
  :: else /* none, or still free: it may land yet */
  fi;
  m = 0
}

/* the network: a create whose client saw it fail lands at any later tick, if its number is still
 * free (create-only), or never */
active proctype Net() {
end_net:
  do
  :: atomic {
      gown != 0 && gwt == 0 ->
      if
      :: towner[gturn] == 0 ->
        towner[gturn] = gown; tmode[gturn] = gmode;
        printf("MSC: t=%d the failed create of turn %d by c%d lands\n", tnow, gturn, gown - 1)
      :: else -> printf("MSC: t=%d the failed create of turn %d by c%d lands: 412\n", tnow, gturn, gown - 1)
      fi;
      gown = 0; gturn = 0; gmode = 0
    }
  :: atomic { gown != 0 && gwt == 0 -> gwt = 1 } /* not yet */
  od
}
#endif

#if GC
/* the create of turn n lands (create-only): lres 2 on a 412, else 1 (ours), with rv: the number
 * existed before (GC deleted it) */
inline land_create() {
  if
#ifndef NO_CREATE_ONLY
  :: towner[n] != 0 -> lres = 2
#endif
  :: else ->
    lres = 1; rv = ever[n];
    if
    :: rv -> printf("MSC: t=%d c%d's create lands on turn %d, which existed before (GC deleted it)\n", tnow, i, n)
    :: else
    fi;
    ever[n] = 1; cage[n] = 0; if :: n > fmax -> fmax = n :: else fi;
    towner[n] = i + 1; tmode[n] = mode[i]; dn[n] = 0; fl[n] = 0;
#if DEADBREAK_ON
    cturn[i] = n; rage[i] = 0;
#endif
    printf("MSC: t=%d c%d creates turn %d (exclusive %d)\n", tnow, i, n, mode[i])
  fi
}

/* the create's answer (#takeTurn): a 412 moves up one; a win answered more than LAT true ticks after
 * the create was sent is not used (the fix's post-check, on the suspend-aware clock): its turn is
 * ended and the frontier discovered afresh; any other win is used: the number must never have
 * existed before (reuse_violated), and the fast path's GET runs */
#ifdef NO_POSTCHECK
#define LATE_ANSWER 0
#else
#define LATE_ANSWER (lw > LAT)
#endif
inline answer(newer) {
  if
  :: lres == 2 -> lres = 0; lw = 0; rv = 0; printf("MSC: t=%d c%d create turn %d: 412\n", tnow, i, n); n++; goto create
  :: lres == 1 && LATE_ANSWER ->
    lres = 0; lw = 0; rv = 0;
    printf("MSC: t=%d c%d create of turn %d answered too late: not used, done(%d) floor 0; rediscovers\n", tnow, i, n, n);
    if :: dn[n] == 0 -> dn[n] = 3; fl[n] = 0 :: else fi;
#if DEADBREAK_ON
    cturn[i] = 0; rage[i] = 0;
#endif
#if SUSPEND && defined(MONO_HINT)
    sr[i] = CACHE + 1;
#endif
    hage[i] = 0; n = CK; goto cpscan
  :: else ->
    lres = 0; lw = 0;
    reuse_violated = rv; rv = 0;
    if
    :: reuse_violated -> printf("MSC: t=%d c%d uses turn %d, which existed before (GC deleted it)\n", tnow, i, n)
    :: else
    fi;
#if REUSE_CHECK
    assert(!reuse_violated);
#endif
#if BOUND
    m = 1; e = 0;
    do
    :: m <= T -> if :: towner[m] != 0 && m % CK != 0 -> e++ :: else fi; m++
    :: else -> break
    od;
    bound_violated = (e > BOUND);
    if :: bound_violated -> printf("MSC: t=%d %d turns other than checkpoints exist\n", tnow, e) :: else fi;
    m = 0; e = 0;
    assert(!bound_violated);
#endif
    hage[i] = INF;
#if SUSPEND && defined(MONO_HINT)
    /* rememberFrontier: a win sent after the resume is newer than any hint learned before it */
    if :: newer -> sr[i] = CACHE + 1 :: else fi;
#endif
    fastpath();
    if :: kb >= n -> printf("MSC: t=%d c%d fast path: every turn below %d over\n", tnow, i, n); goto win :: else fi
  fi
}
#endif

proctype Contender(byte i) {
  byte n, f, j, m, e, age, fw;
#if T > 7
  short blk;         /* bit m: we wait for turn m */
#else
  byte blk;
#endif
  byte kb = 1; /* every turn below kb is known over (turn 0 is the name's marker) */
  bit broke, brokenseen;
#if SPLIT_RELEASE == 2
  bit cl; /* LEASE_FIRST: the release began while the keeper trusted the lease */
#endif
#if GC && WALK
  byte wn, wl, wd; /* the collector's walk: the number at hand, the limit, turns deleted */
#endif
#if GC
  byte lw, lres; /* true ticks since the create was sent; its outcome (0 not landed, 1 ours, 2 412) */
  bit rv;        /* the number it landed on existed before */
#endif
#if LATE_CREATE
  byte amb; /* #ambiguous: a number where a create of ours had no clear answer (0: none) */
#endif

#if LIVE
  atomic { select(f : 0 .. ARRIVE); wt[i] = f; f = 0 }
#endif
arrive:
  if
  CRASH
#if GC
  SUSPEND_AT(1, arrive)
#endif
#if !LIVE
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto arrive }
#endif
  /* 1. the lease (renewal 1); the keeper trusts it from the request's start */
  :: atomic {
      wt[i] == 0 ->
#if GC
      /* a re-acquisition: a new lease (its observers start afresh), nothing held yet */
      acquired[i] = 0;
#if MODES == 3
      if :: mode[i] = 0 :: mode[i] = 1 fi; /* this acquisition's mode */
#endif
      j = 0;
      do
      :: j < N -> seen[j * N + i] = 0; sage[j * N + i] = 0; j++
      :: else -> j = 0; break
      od;
#endif
#if LEASES
      lex[i] = 1;
#if LAGE
      lage[i] = 0;
#endif
      dlr[i] = WINDOW; rn[i] = R; keeping[i] = 1
#else
      dlr[i] = INF
#endif
    }
  fi;

#if GC
  /* 2. the frontier: a cached hint learned `age` <= CACHE ticks ago (not HEADed); or
   * discovery by HEADs, checkpoints first, then upward from the last one (each HEAD a step) */
frontier:
  if
  CRASH
  :: atomic {
      wt[i] == 0 ->
      select(age : 0 .. CACHE);
      /* lowest possible hint: the frontier at the start of the tick `age` ticks ago */
      m = 0; j = 1;
      do
      :: j <= T -> if :: ever[j] && cage[j] > age -> m = j :: else fi; j++
      :: else -> j = 0; break
      od;
#if SUSPEND && defined(MONO_HINT)
      /* on the stopped clock a hint learned before a suspension that ended within its age still
       * looks fresh */
      if
      :: sr[i] <= age && hl[i * (CACHE + 1) + age - sr[i]] < m -> m = hl[i * (CACHE + 1) + age - sr[i]]
      :: else
      fi;
#endif
      select(n : m .. fmax);
      hage[i] = age; age = 0; m = 0;
      /* used as it is: #takeTurn creates f.turn + 1 without a HEAD of f.turn */
      printf("MSC: t=%d c%d hint F = %d\n", tnow, i, n);
      n++; goto create
    }
  :: atomic {
      wt[i] == 0 ->
#if SUSPEND && defined(MONO_HINT)
      sr[i] = CACHE + 1; /* a discovered value is newer than any hint learned before */
#endif
      hage[i] = 0; n = CK; goto cpscan
    }
  fi;
cpscan:
  atomic {
    if
    :: n <= T && EXISTS(n) -> n = n + CK; goto cpscan
    :: else -> n = n - CK + 1; goto blkscan
    fi
  };
blkscan:
  atomic {
    if
    :: n <= T && EXISTS(n) -> n++; goto blkscan
    :: else
    fi
  };
#if RECHECK
  /* the fix: HEAD the checkpoint above the F found once more; if it exists now, the frontier moved
   * on during the scan (and GC may have eaten the block): scan on from it */
  atomic {
    m = ((n - 1) / CK + 1) * CK;
    if
    :: m <= T && EXISTS(m) -> printf("MSC: t=%d c%d checkpoint %d appeared: scans on\n", tnow, i, m); n = m; m = 0; goto cpscan
    :: else -> m = 0
    fi
  };
#endif
  printf("MSC: t=%d c%d discovers F = %d\n", tnow, i, n - 1);
create:
  if
  CRASH
  :: atomic { wt[i] == 0 && hage[i] > CACHE -> printf("MSC: t=%d c%d hint too old: rediscovers\n", tnow, i); hage[i] = INF; goto frontier }
  :: atomic { wt[i] == 0 && hage[i] <= CACHE && n > T -> hage[i] = INF; goto quit }
  :: atomic { wt[i] == 0 && hage[i] <= CACHE && n <= T -> lw = 0; goto land } /* send the create */
  fi;
land:
  if
  CRASH
  :: atomic { wt[i] == 0 && lw < LAT -> lw++; wt[i] = 1; goto land } /* the request is slow */
#if SUSPEND
  /* suspended with the create in flight: it lands within LAT ticks of its send (it left the
   * machine), or at the resume (it had not); the answer is read after the resume. lw counts true
   * ticks since the send (up to LAT + 1) */
  :: atomic { (SUSP_SITES & 2) && nsusp < SUSPEND && wt[i] == 0 -> susp_start(); lres = 0 };
     do
     :: atomic { wt[i] == 0 && lres == 0 && lw <= LAT -> land_create() }
     :: atomic { wt[i] == 0 -> wt[i] = 1; if :: lw <= LAT -> lw++ :: else fi }
     :: atomic { wt[i] == 0 -> susp[i] = 0; SUSP_END; printf("MSC: t=%d c%d's machine resumes\n", tnow, i); break }
     od;
     atomic { if :: lres == 0 -> land_create() :: else fi; answer(0) }
#endif
  :: atomic { wt[i] == 0 -> lres = 0; land_create(); answer(1) }
  fi;
#else
  /* 2. discover the frontier F by HEADs (consistent): the highest existing turn */
frontier:
  if
  CRASH
  :: atomic {
      wt[i] == 0 ->
      n = 0; j = 1;
      do
      :: j <= T -> if :: towner[j] != 0 -> n = j :: else fi; j++
      :: else -> break
      od;
      j = 0;
      n++ /* the number we try */
    }
  fi;
create:
  if
  CRASH
  PAUSE(1, create)
  :: atomic {
      wt[i] == 0 ->
      assert(n <= T);
#ifndef NO_CREATE_ONLY
      if
#if LATE_CREATE && !defined(NO_AMBIGUOUS_HEAD)
      /* (a) a 412 on a number in #ambiguous: a HEAD says whose the turn is (ours: won; someone
       * else's: taken, and the number leaves #ambiguous) */
      :: towner[n] != 0 && n == amb && towner[n] == i + 1 -> amb = 0; printf("MSC: t=%d c%d create turn %d: 412 after an ambiguous create; HEAD: ours, won\n", tnow, i, n)
      :: towner[n] != 0 && n == amb && towner[n] != i + 1 -> amb = 0; printf("MSC: t=%d c%d create turn %d: 412 after an ambiguous create; HEAD: taken\n", tnow, i, n); n++; goto create
      :: towner[n] != 0 && n != amb -> printf("MSC: t=%d c%d create turn %d: 412\n", tnow, i, n); n++; goto create
#else
      :: towner[n] != 0 -> printf("MSC: t=%d c%d create turn %d: 412\n", tnow, i, n); n++; goto create
#endif
      :: else
      fi;
#endif
#if LATE_CREATE
      if
      :: towner[n] == 0 && nlate < LATE_CREATE ->
        nlate++; gturn = n; gown = i + 1; gmode = mode[i]; gwt = 0;
        amb = n; /* stays in #ambiguous: the HEAD found it free */
        printf("MSC: t=%d c%d create turn %d fails as its client sees it; HEAD %d: 404; the request may land later\n", tnow, i, n, n);
        if
        :: goto create   /* the frontier is still fresh: the same number again */
        :: goto frontier /* no longer fresh: discover it again */
        fi
      :: true
      fi;
#endif
#if CREATE_ERR
      if
      :: nerr < CREATE_ERR ->
        nerr++;
        printf("MSC: t=%d c%d create turn %d fails unapplied (a retryable error); HEAD %d: 404\n", tnow, i, n, n);
#ifdef GALLOP_ON_ERR
        printf("MSC: t=%d c%d gallops from F = %d as after a 412: takes %d to exist\n", tnow, i, n - 1, n);
        n++; /* MUTANT (the first conditional-core.ts): gallopFrontier(f) takes f.turn + 1 to exist */
#endif
        goto create
      :: true
      fi;
#endif
      towner[n] = i + 1; tmode[n] = mode[i];
#if LATE_CREATE
      if :: amb == n -> amb = 0 :: else fi; /* won: ours, no longer ambiguous */
#endif
#ifdef OMITTED_OVER
      tage[n] = 0;
#endif
      printf("MSC: t=%d c%d creates turn %d (exclusive %d)\n", tnow, i, n, mode[i]);
      fastpath();
      if
      :: kb >= n ->
        printf("MSC: t=%d c%d fast path: every turn below %d over\n", tnow, i, n);
#if LATE_CREATE && !defined(NO_END_GHOSTS) && !defined(GHOSTS_BLOCKERS_ONLY)
        d_step { end_ghosts() }; broke = 0; /* before entering, as at every poll */
#endif
        goto win
      :: else
      fi
    }
  fi;

#endif

  /* 3-4. wait for the turns before ours: poll, break expired owners, or give up */
wait:
  if
  CRASH
  SUSPEND_AT(4, wait)
  :: atomic { wt[i] == 0 && dlr[i] == 0 -> printf("MSC: t=%d c%d lease lost while waiting: abandons\n", tnow, i); goto giveup }
  :: atomic {
      wt[i] == 0 && dlr[i] > 0 ->
#ifdef OMITTED_OVER
      select(f : 0 .. D);
      if :: f > 0 -> printf("MSC: t=%d c%d polls: its turn listing shows the store as of %d ticks ago\n", tnow, i, f) :: else fi;
#endif
      d_step { blockers() };
      f = 0;
#if LATE_CREATE && !defined(NO_END_GHOSTS) && !defined(GHOSTS_BLOCKERS_ONLY)
      /* at every poll and before entering: an ended ghost of ours is counted over; with blockers
       * left, poll again at once */
      d_step { end_ghosts() };
      if :: broke && blk != 0 -> broke = 0; blk = 0; goto wait :: else -> broke = 0 fi;
#endif
      if
      :: blk == 0 -> goto win
      :: else ->
#if LATE_CREATE && defined(GHOSTS_BLOCKERS_ONLY)
        d_step { end_ghosts() };
        if :: broke -> broke = 0; blk = 0; goto wait :: else fi; /* poll again at once */
#endif
#if LEASES
        d_step { observe_and_break() };
#endif
        blk = 0;
        if
        :: broke -> broke = 0 /* poll again at once */
        :: else ->
          wt[i] = POLL;
#if GIVEUP
          if
          :: skip
          :: printf("MSC: t=%d c%d gives up waiting (timeout)\n", tnow, i); goto giveup
          fi
#endif
        fi;
        goto wait
      fi
    }
  fi;

win:
  if
  CRASH
  PAUSE(2, win)
  :: wt[i] == 0 -> skip
  fi;
  /* 5. enter, if the keeper still trusts the lease; token = turn number */
take:
  if
  CRASH
  :: atomic {
    wt[i] == 0 ->
    if
    :: dlr[i] > 0 ->
      j = 0;
      do
      :: j < N ->
        if
        :: j != i && incs[j] && (dlr[j] > 0 || ACTING(j)) && !crashed[j] && (mode[i] || mode[j]) ->
          printf("MSC: t=%d c%d enters while c%d holds (exclusive: %d, %d)\n", tnow, i, j, mode[i], mode[j]);
          mutex_violated = 1
        :: j != i && incs[j] && dlr[j] > 0 && !crashed[j] && !mode[i] && !mode[j] && REACH_SHARED -> shared_coexist = 1
        :: else
        fi;
        j++
      :: else -> j = 0; break
      od;
#if MUTEX_CHECK
      assert(!mutex_violated);
#endif
      assert(!shared_coexist);
      if
      :: mode[i] ->
        fence_violated = (n <= lasttok);
        if
        :: fence_violated -> printf("MSC: t=%d c%d enters with token %d, not above the last holder's %d\n", tnow, i, n, lasttok)
        :: else
        fi;
        assert(!fence_violated); lasttok = n
      :: else
      fi;
      printf("MSC: t=%d c%d HOLDS turn %d exclusive=%d\n", tnow, i, n, mode[i]);
      incs[i] = 1; acquired[i] = 1;
#if LIVE
      select(f : 0 .. HOLD); wt[i] = f; f = 0
#elif MAXHOLD
      select(f : MINHOLD .. MAXHOLD); wt[i] = f; f = 0
#elif MINHOLD
      wt[i] = MINHOLD
#endif
    :: else -> printf("MSC: t=%d c%d lease lost before entering: abandons\n", tnow, i); goto giveup
    fi
  }
  fi;
hold:
  if
  CRASH
  SUSPEND_AT(8, hold)
#if !LIVE && !MAXHOLD
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto hold }
#endif
  :: wt[i] == 0 -> skip
  fi;

  /* release (or abandon): create done(n) with our floor (412: we were broken), then delete the lease */
giveup:
#if SPLIT_RELEASE == 2
  /* MUTANT (LEASE_FIRST): the keeper stops and the lease is deleted first; the marker follows after
   * any stall (the code before f24c5a9 sent both at once, so either could land first) */
  atomic {
    cl = (acquired[i] && dlr[i] > 0);
    incs[i] = 0; keeping[i] = 0; rn[i] = 0; dlr[i] = 0; lex[i] = 0;
    printf("MSC: t=%d c%d releases / abandons turn %d: deletes its lease first\n", tnow, i, n)
  };
marking:
  if
  CRASH
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto marking } /* the marker's request is slow */
  :: wt[i] == 0 -> skip
  fi;
#endif
  /* create done(n), create-only (SPLIT_RELEASE 0: and delete the lease in the same step) */
  atomic {
    brokenseen = (dn[n] == 2);
    if
    :: acquired[i] && mode[i] -> fw = n + 1 /* entered exclusive: every turn below n was over */
#ifdef SHARED_FLOOR
    :: acquired[i] && !mode[i] -> fw = n + 1 /* MUTANT (the first conditional-core.ts): shared turns below may still run */
#endif
#ifdef ABANDON_FLOOR
    :: !acquired[i] && mode[i] -> fw = n + 1 /* MUTANT: an exclusive turn that never entered */
#endif
    :: else -> fw = (kb >= n -> n + 1 : kb)
    fi;
#ifdef DONE_NOT_CREATE_ONLY
    dn[n] = (acquired[i] -> 1 : 3); fl[n] = fw; /* MUTANT: plain PUT, 200 whatever was there */
    report_violated = brokenseen && acquired[i]; /* a broken holder's release succeeds: it never learns */
    if :: report_violated -> printf("MSC: t=%d c%d releases over the breaker's done(%d): told 200\n", tnow, i, n) :: else fi;
#else
    if
    :: dn[n] == 0 -> dn[n] = (acquired[i] -> 1 : 3); fl[n] = fw
    :: else -> printf("MSC: t=%d c%d release: done(%d) exists, 412: it was broken\n", tnow, i, n)
    fi;
#endif
    assert(!report_violated);
#if CLEAN_CHECK
#if SPLIT_RELEASE == 2
    clean_violated = (cl && brokenseen); cl = 0;
#else
    clean_violated = (acquired[i] && dlr[i] > 0 && brokenseen);
#endif
    if :: clean_violated -> printf("MSC: t=%d c%d released turn %d while its lease was live, but it was ended as broken\n", tnow, i, n) :: else fi;
    assert(!clean_violated);
#endif
    printf("MSC: t=%d c%d releases / abandons turn %d: done(%d) floor %d\n", tnow, i, n, n, fl[n]);
    incs[i] = 0; keeping[i] = 0; rn[i] = 0; dlr[i] = 0; wt[i] = 0;
#if SPLIT_RELEASE == 0
    lex[i] = 0;
#endif
#if DEADBREAK_ON
    cturn[i] = 0; rage[i] = 0;
#endif
    j = 0;
    do
    :: j < N -> seen[i * N + j] = 0; sage[i * N + j] = 0; j++
    :: else -> break
    od;
#if GC
    f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; fw = 0; broke = 0; brokenseen = 0;
#if WALK
    /* a release (not an abandonment) may run collection: after a checkpoint turn; with WALK 2 also,
     * one time in K, after any other */
    if
    :: acquired[i] && n % CK == 0 -> RELEASED(collect)
#if WALK == 2
    :: acquired[i] && n % CK != 0 -> RELEASED(collect)
#endif
    :: !acquired[i] || n % CK != 0
    fi;
#endif
    n = 0
  }
  RELEASED(arrive); /* acquire again, until turn MAXTURNS exists */
#if SPLIT_RELEASE == 1
  /* the code's second round trip (f24c5a9): the lease goes once the marker is settled (other
   * processes' steps, or a crash, between the two); then collection (n: the turn released) or the
   * next acquisition (n = 0). No stall here: it would only delay the collection that follows */
unlease:
  if
  CRASH
  :: atomic {
      wt[i] == 0 ->
      lex[i] = 0;
      printf("MSC: t=%d c%d deletes its lease\n", tnow, i);
#if WALK
      if :: n != 0 -> goto collect :: else fi;
#endif
      goto arrive
    }
  fi;
#endif
#if WALK
  /* collection (gc.ts), by the releaser: n is the turn it released, its cached frontier */
collect:
  if
  CRASH
  :: atomic {
      wt[i] == 0 ->
      wl = (n > CK -> n - CK : 0); n = 0;
#if WALK == 1
      /* gc.ts before issue 14: the first PAGE entries of each listing, from the bottom (turn 0, the
       * marker, is the first turn entry); the listed turns walked upwards, in one step */
      printf("MSC: t=%d c%d collects (the first %d entries of each listing, below %d)\n", tnow, i, PAGE, wl + 1);
      wn = 0; wd = 1; /* wd: turn entries listed so far (the marker first) */
      do
      :: wn < T && wd < PAGE ->
        wn++;
        if
        :: towner[wn] != 0 ->
          wd++;
          /* is done(wn) among the first PAGE done markers? (e counts those below it) */
          e = 0; m = 1;
          do
          :: m < wn -> if :: towner[m] != 0 && dn[m] != 0 -> e++ :: else fi; m++
          :: else -> break
          od;
          m = 0;
          if
          :: dn[wn] == 0 || e >= PAGE || cage[wn] < RETAIN || wn > wl -> break
          :: else
          fi;
          if
          :: GCSKIP(wn) -> skip
          :: else ->
            m = 1;
            do
            :: m < wn -> if :: towner[m] != 0 && dn[m] == 0 -> collect_violated = 1 :: else fi; m++
            :: else -> break
            od;
            m = 0;
            GCDELETE(wn)
          fi
        :: else
        fi
      :: else -> break
      od;
      e = 0; assert(!collect_violated);
      goto walked
#else
      if :: wl < 1 -> goto walked :: else fi;
      /* the first block not fully collected: lo, by binary search over blocks 0 .. (wl + 1) / CK */
      e = 0; f = (wl + 1) / CK;
      do
      :: e < f ->
        j = e + (f - e) / 2;
        if
        :: towner[PROBE(j)] == 0 -> e = j + 1
        :: else -> f = j
        fi
      :: else -> break
      od;
      wn = (e * CK > 1 -> e * CK : 1); wd = 0; e = 0; f = 0; j = 0;
      printf("MSC: t=%d c%d collects from %d up to %d\n", tnow, i, wn, wl)
#endif
    }
  fi;
#if WALK == 2
walk:
  if
  CRASH
  :: atomic {
      wt[i] == 0 ->
      if
      :: wn > wl || wd >= CAP -> goto walked
      :: else
      fi;
      if
      :: !EXISTS(wn) -> wn++ /* gone: collected */
#if DEADBREAK_ON
      /* not over, or young: stop. K30: at a running turn, the HEADs of the turn and of its
       * contender's lease (the observation); dead, the turn is ended in a later step */
      :: EXISTS(wn) && !(GCOVER(wn) && cage[wn] >= RETAIN) ->
        j = towner[wn] - 1;
        if
        :: dn[wn] == 0 && DEADOWNER(j) ->
          printf("MSC: t=%d c%d's walk stops at running turn %d: c%d dead by the store's clock (lease %d, age %d)\n", tnow, i, wn, j, lex[j], rage[j]);
          j = 0; goto endturn
        :: else -> printf("MSC: t=%d c%d's walk stops at turn %d (done %d)\n", tnow, i, wn, dn[wn]); j = 0; goto walked
        fi
#else
      :: EXISTS(wn) && !(GCOVER(wn) && cage[wn] >= RETAIN) -> /* not over, or young: stop */
        printf("MSC: t=%d c%d's walk stops at turn %d (done %d)\n", tnow, i, wn, dn[wn]); goto walked
#endif
      :: EXISTS(wn) && GCOVER(wn) && cage[wn] >= RETAIN && GCSKIP(wn) -> wn++ /* a checkpoint: kept, passed */
      :: EXISTS(wn) && GCOVER(wn) && cage[wn] >= RETAIN && !GCSKIP(wn) ->
        m = 1;
        do
        :: m < wn -> if :: towner[m] != 0 && dn[m] == 0 -> collect_violated = 1 :: else fi; m++
        :: else -> break
        od;
        m = 0;
        if :: collect_violated -> printf("MSC: t=%d c%d deletes turn %d above a turn not over\n", tnow, i, wn) :: else fi;
        assert(!collect_violated);
        GCDELETE(wn); wd++; wn++
      fi;
      goto walk
    }
  fi;
#endif
#if DEADBREAK_ON
  /* K30, the decision, after any stall: done(wn) { broken, floor 0 } create-only (412: someone else
   * ended it; the turn gone: collected once over, and the code's marker is deleted again, K29), then
   * the lease deleted (one step: the turn is over once the marker is there); the walk stops */
endturn:
  if
  CRASH
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto endturn }
  :: atomic {
      wt[i] == 0 ->
      if
      :: EXISTS(wn) && dn[wn] == 0 ->
        j = towner[wn] - 1;
        dn[wn] = 2; fl[wn] = 0; lex[j] = 0; lage[j] = 0;
        printf("MSC: t=%d c%d's walk ends turn %d of c%d: done(%d) broken, floor 0; deletes its lease\n", tnow, i, wn, j, wn);
        j = 0
      :: else -> printf("MSC: t=%d c%d's walk: turn %d already over or gone\n", tnow, i, wn)
      fi;
      goto walked
    }
  fi;
#endif
walked:
  atomic { wn = 0; wl = 0; wd = 0; n = 0 }
  goto arrive;
#endif
quit:
  atomic {
    keeping[i] = 0; rn[i] = 0; dlr[i] = 0; wt[i] = 0;
    lex[i] = 0;
    finished[i] = 1;
    n = 0; f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; fw = 0; broke = 0; brokenseen = 0
  }
#else
    finished[i] = 1;
    n = 0; f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; fw = 0; broke = 0; brokenseen = 0
  }
#endif
  goto done;
dead:
  skip;
done:
  skip
}

#if N == 1
#define ALL_FINISHED (finished[0] || crashed[0])
#elif N == 2
#define ALL_FINISHED ((finished[0] || crashed[0]) && (finished[1] || crashed[1]))
#elif N == 3
#define ALL_FINISHED ((finished[0] || crashed[0]) && (finished[1] || crashed[1]) && (finished[2] || crashed[2]))
#else
#error "N must be 1..3"
#endif

#define DOWN(x) if :: (x) != 0 && (x) != INF -> x-- :: else fi

#if GC && WALK == 0
#ifdef GC_ANY_ORDER
/* MUTANT: delete any turn that is done, RETAIN old, not among the newest KEEP, not a checkpoint */
#define GCOK(t) (towner[t] != 0 && dn[t] != 0 && cage[t] >= RETAIN && (t) + KEEP <= fmax && !GCSKIP(t))
#define GCDEL(t) :: atomic { GCOK(t) -> GCDELETE(t) }

active proctype Gc() {
end_gc:
  do
  GCDEL(1)
#if T >= 2
  GCDEL(2)
#endif
#if T >= 3
  GCDEL(3)
#endif
#if T >= 4
  GCDEL(4)
#endif
#if T >= 5
  GCDEL(5)
#endif
#if T >= 6
  GCDEL(6)
#endif
#if T >= 7
  GCDEL(7)
#endif
  od
}
#else
/* gc.ts: the ascending walk, resumed where it stopped (deleted turns stay deleted, and what it
 * passed stays over and old, so a walk from the bottom each time is the same) */
active proctype Gc() {
end_gc:
  do
  :: atomic {
      gclo <= T && towner[gclo] != 0 && GCOVER(gclo) && cage[gclo] >= RETAIN && gclo + KEEP <= fmax ->
      if
      :: GCSKIP(gclo) -> printf("MSC: t=%d GC passes checkpoint %d (kept; over: %d)\n", tnow, gclo, dn[gclo] != 0) /* kept */
      :: else -> GCDELETE(gclo)
      fi;
      gclo++
    }
  od
}
#endif
#endif

#if LEASE_GC
/* gc.ts: a lease unchanged for two of its durations is deleted (at any time from then on) */
#define LGC(k) :: atomic { lex[k] && lage[k] >= 2 * LEASE -> printf("MSC: t=%d GC deletes the lease of c%d\n", tnow, k); lex[k] = 0; lage[k] = 0 }
active proctype LeaseGc() {
end_lgc:
  do
  LGC(0)
#if N >= 2
  LGC(1)
#endif
#if N >= 3
  LGC(2)
#endif
  od
}
#endif

/* what stops while j's machine is suspended: its stopwatches of others' leases (now(), for judging
 * others), its renewal timer, and, on the code before issue 14, its hint's age (MONO_HINT) and its
 * keeper's deadline (MONO_KEEPER); the fix keeps those two on the suspend-aware clock */
#if defined(MONO_HINT)
#define HINT_STOPS(j) SUSPENDED(j)
#else
#define HINT_STOPS(j) 0
#endif
#if defined(MONO_KEEPER)
#define KEEPER_STOPS(j) SUSPENDED(j)
#else
#define KEEPER_STOPS(j) 0
#endif

/* the clock: countdowns, keepers (lease-keeper.ts), observers' stopwatches */
active proctype Clock() {
  byte k, m;
  do
  :: atomic {
      timeout ->
      if
      :: ALL_FINISHED -> break
      :: else
      fi;
      d_step {
        tnow++;
        k = 0;
        do
        :: k < N * N -> if :: seen[k] != 0 && sage[k] < LEASE && !SUSPENDED(k / N) -> sage[k]++ :: else fi; k++
        :: else -> break
        od;
#if GC
        k = 1;
        do
        :: k <= T -> if :: ever[k] && cage[k] < MAXAGE -> cage[k]++ :: else fi; k++
        :: else -> break
        od;
        k = 0;
        do
        :: k < N -> if :: hage[k] <= CACHE && !HINT_STOPS(k) -> hage[k]++ :: else fi; k++
        :: else -> break
        od;
#if SUSPEND && defined(MONO_HINT)
        k = 0;
        do
        :: k < N -> if :: sr[k] <= CACHE && !susp[k] -> sr[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
#endif
#ifdef OMITTED_OVER
        k = 1;
        do
        :: k <= T -> if :: towner[k] != 0 && tage[k] <= D -> tage[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
#if LAGE
        k = 0;
        do
        :: k < N -> if :: lex[k] && lage[k] < 2 * LEASE -> lage[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
#if DEADBREAK_ON
        k = 0;
        do
        :: k < N -> if :: cturn[k] != 0 && towner[cturn[k]] != 0 && dn[cturn[k]] == 0 && rage[k] < 2 * LEASE -> rage[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
#if LATE_CREATE
        DOWN(gwt);
#endif
        k = 0;
        do
        :: k < N ->
          DOWN(wt[k]);
          if :: !KEEPER_STOPS(k) -> DOWN(dlr[k]) :: else fi;
          if :: !SUSPENDED(k) -> DOWN(rn[k]) :: else fi; /* the renewal timer is on the monotonic clock */
          if
          :: keeping[k] && dlr[k] == 0 -> keeping[k] = 0; rn[k] = 0; printf("MSC: t=%d c%d lease lost\n", tnow, k)
          :: else
          fi;
          k++
        :: else -> break
        od;
        k = 0; m = 0
      }
      /* a contender may crash while it waits */
      if
      :: ncrash < MAXCRASH ->
        k = 0;
        do
        :: k < N && !finished[k] && !crashed[k] && wt[k] != 0 ->
          printf("MSC: t=%d c%d crashes\n", tnow, k);
          ncrash++; crashed[k] = 1; keeping[k] = 0; wt[k] = INF; break
        :: k < N -> k++
        :: else -> break
        od;
        k = 0
      :: else
      fi;
      /* keepers: renew when due (writes complete at once) */
      k = 0;
      do
      :: k < N ->
        if
        :: keeping[k] && rn[k] == 0 && !SUSPENDED(k) ->
          if
          :: RENEWFAIL -> rn[k] = 1; printf("MSC: t=%d c%d renewal fails\n", tnow, k)
          :: true ->
            d_step {
              m = 0;
              do
              :: m < N -> if :: seen[m * N + k] == 1 -> seen[m * N + k] = 2 :: else fi; m++
              :: else -> break
              od;
              m = 0;
              lex[k] = 1;
#if LAGE
              lage[k] = 0;
#endif
              printf("MSC: t=%d c%d renews\n", tnow, k);
              dlr[k] = WINDOW; rn[k] = R
            }
          fi
        :: else
        fi;
        k++
      :: else -> k = 0; break
      od
    }
  od;
#if LIVE
  k = 0;
  do
  :: k < N -> if :: !crashed[k] && !acquired[k] -> progress_violated = 1 :: else fi; k++
  :: else -> break
  od;
  assert(!progress_violated);
progress_done:
  skip
#endif
}

init {
  byte k;
  atomic {
    k = 0;
    do
    :: k < N ->
#if GC
      hage[k] = INF;
#if SUSPEND && defined(MONO_HINT)
      sr[k] = CACHE + 1;
#endif
#endif
#if MODES == 0
      mode[k] = 1;
#elif MODES == 1 || (MODES == 3 && GC)
      mode[k] = 0; /* MODES 3: chosen at each arrival */
#else
      if :: mode[k] = 1 :: mode[k] = 0 fi;
#endif
      k++
    :: else -> break
    od;
    k = 0;
    do
    :: k < N -> run Contender(k); k++
    :: else -> k = 0; break
    od
  }
}
