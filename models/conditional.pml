/*
 * s3func conditional-write lock strategy (design draft, docs/conditional-strategy.md; not implemented).
 *
 * The draft's core protocol: turns created create-only (If-None-Match: *) at frontier + 1 (a 412
 * moves the contender up), done markers created create-only by the holder on release, by a
 * contender abandoning its turn, or by a breaker; exclusive and shared entry rules; leases judged
 * by observers on their own stopwatches over (stale) lease listings, holders trusting a renewal
 * LEASE - MARGIN after it started (lock.pml's lease abstraction, copied); crashes; fencing token =
 * turn number. With GC 1 (below): turn GC, checkpoints, the frontier cache and discovery, contenders
 * re-acquiring. Out of scope: ticket-strategy contenders.
 *
 * Conventions as lock.pml: parameters by spin -DNAME=value, mutants by flags, discrete time with a
 * Clock that ticks only when no contender can act (`timeout`), every time value relative to now
 * (countdowns, capped stopwatches), so the state space is finite and an endless run is a cycle.
 *
 * Reads of turns and done markers are HEAD/GET (consistent), so the model reads the store
 * directly; done markers are never deleted (no GC), so a set of HEADs at different times is
 * equivalent to one atomic check (with GC 1, GC deletes a done turn with its marker and a waiter takes a
 * deleted turn as done, so separate HEADs can only see less done: one check is still the worst case).
 * Listings are used only for leases (staleness D), as in lock.pml;
 * the draft's turn listing is a hint that it checks by GET, so the model learns modes by GET.
 *
 * Properties (assertions when a contender takes the lock; with GC 1 also at every successful turn
 * create: the number never existed before, reuse_violated): mutual exclusion of conflicting modes,
 * fencing (an exclusive holder's token is above every earlier exclusive holder's), and the draft's
 * claim that a release by a broken holder learns it was broken (its create-only done gets 412).
 * Liveness (LIVE 1, -DNP, pan -l): no non-progress cycle; every live contender held the lock.
 */

/* ---------- parameters ---------- */
#ifndef N
#define N 2          /* contenders, ids 0..N-1; each acquires once, so turns are 1..N */
#endif
#ifndef MODES
#define MODES 0      /* 0: all exclusive; 1: all shared; 2: each contender is either */
#endif
#ifndef D
#define D 0          /* lease listing staleness: a listing shows the store as of a tick in [now-D, now] */
#endif
#ifndef POLL
#define POLL 1       /* pollIntervalMs while waiting */
#endif
#ifndef LEASE
#define LEASE 6      /* leaseMs: an observer breaks a turn whose lease it has seen unchanged this long */
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
#ifndef RULE
#define RULE 1       /* entry rule. 0: the draft's (exclusive: every turn since the last exclusive turn
                        before it, inclusive, is done; shared: that exclusive turn is done).
                        1: fixed (exclusive: every earlier turn is done; shared: every earlier
                        exclusive turn is done) */
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
 * Contenders then re-acquire (a new turn each time) until turn MAXTURNS exists; a Gc process deletes
 * the lowest existing done turn whose creation is at least RETAIN ticks old, never one of the newest
 * KEEP turns (below the highest turn ever created), never a checkpoint (every CK-th turn), in
 * ascending order. A contender starts from a cached hint of the frontier learned a <= CACHE ticks ago
 * (any value between the frontier at the start of that tick and now; one HEAD confirms it exists),
 * or discovers F by HEADs: checkpoints CK, 2CK, ... until one is missing, then upward from the last
 * one until a turn is missing. The hint's age counts from the tick it was learned (discovery: its
 * first HEAD; RECHECK 1, the fix: after the block scan, HEAD the next checkpoint again and scan
 * on if it now exists); a create may be sent only while that age is <= CACHE (else rediscover), and lands
 * 0..LAT ticks after it was sent; a 412 moves up one. Ghost: ever[t], the number was ever created;
 * the property asserted at every successful create: the number never existed before (reuse_violated). */
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
#define T MAXTURNS
#if RETAIN > CACHE + 1
#define MAXAGE RETAIN
#else
#define MAXAGE (CACHE + 1)
#endif
#if T > 7
#error "MAXTURNS must be 1..7"
#endif
#else
#define T N
#endif
/* GC mutants: GC_ANY_ORDER deletes any eligible turn, not only the lowest; GC_CHECKPOINTS deletes
 * checkpoints too. Too eager a GC is a parameter: RETAIN <= CACHE + LAT; KEEP 0 deletes the frontier. */

/* mutants (any value turns them on):
 *   NO_CREATE_ONLY        the turn PUT overwrites instead of failing with 412
 *   DONE_NOT_CREATE_ONLY  done markers are plain PUTs (a late release overwrites a breaker's)
 *   SHARED_RULE_TOO_WEAK  an exclusive turn waits only for done(n - 1)
 *   NO_BREAK              expired owners are never broken (liveness)
 * MARGIN_TOO_SMALL is a parameter: MARGIN < D + DRIFT. */

#if LIVE
#undef PAUSES
#define PAUSES 0
#undef RENEWFAIL
#define RENEWFAIL 0
#endif

#define R (LEASE / 3)                    /* renewal interval */
#define WINDOW (LEASE - MARGIN + DRIFT)  /* real ticks a holder trusts a renewal */
#define INF 255

#if R < D + 1
#error "the model needs LEASE/3 > D (a listing then shows one of the two newest lease versions)"
#endif

/* ---------- the store ---------- */
byte towner[T + 1];  /* turn t: 0 none, else owner id + 1 (its body's lockId) */
bit  tmode[T + 1];   /* turn t's mode: 1 exclusive */
byte dn[T + 1];      /* done(t): 0 none, 1 released by its holder, 2 broken, 3 abandoned */
#if GC
bit  ever[T + 1];    /* ghost: number t was created at some time */
byte cage[T + 1];    /* ghost: ticks since turn t was created, capped at MAXAGE */
byte fmax;           /* the highest number ever created (GC's frontier) */
byte gclo = 1;       /* the lowest non-checkpoint number GC has not deleted (ascending GC) */
byte hage[N];        /* age of contender j's frontier hint (INF: none in use) */
bit  reuse_violated;
#define EXISTS(m) (towner[m] != 0)
#ifdef GC_CHECKPOINTS
#define GCSKIP(t) 0
#else
#define GCSKIP(t) ((t) % CK == 0)
#endif
#else
#define EXISTS(m) 1
#endif
bit  mode[N];        /* contender j's mode */

/* Lease of j (as lock.pml, writes listable at once): the newest version is listed iff lcv[j] <= f,
 * otherwise the previous one (none if lfirst); gone iff lxv[j] <= f. lcv = INF: no lease. */
byte lcv[N], lxv[N];
bit  lfirst[N];

/* ---------- contenders ---------- */
byte dlr[N];       /* the keeper trusts the lease for dlr more ticks */
byte rn[N];        /* ticks until the next renewal attempt */
byte wt[N];        /* ticks the contender still waits */
bit  keeping[N], incs[N], crashed[N], finished[N], acquired[N];
/* observer i's view of j's lease (i * N + j): 0 none, 1 newest, 2 previous, 3 older; ticks unchanged */
byte seen[N * N], sage[N * N];

hidden byte tnow;  /* absolute time, for the trail only */
byte ncrash;
byte lasttok;      /* fencing token (turn number) of the last exclusive holder */

bit mutex_violated, fence_violated, progress_violated, report_violated, shared_coexist;

#define CRASH \
  :: atomic { crashed[i] -> goto dead } \
  :: atomic { ncrash < MAXCRASH && wt[i] == 0 -> printf("MSC: t=%d c%d crashes\n", tnow, i); ncrash++; crashed[i] = 1; keeping[i] = 0; goto dead }
#define PAUSE(level, here) :: atomic { PAUSES >= level && wt[i] == 0 -> wt[i] = 1; goto here }

/* the turns turn n still waits for (bit m), read by HEAD/GET (consistent) */
inline blockers() {
  blk = 0; e = 0; m = 1;
  do
  :: m < n -> if :: tmode[m] -> e = m :: else fi; m++
  :: else -> break
  od;
  m = 1;
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
#elif GC
    /* a turn GC deleted was done */
    :: mode[i] && EXISTS(m) && dn[m] == 0 -> blk = blk | (1 << m)
    :: !mode[i] && tmode[m] && EXISTS(m) && dn[m] == 0 -> blk = blk | (1 << m)
#else
    /* fixed: exclusive waits for every earlier turn; shared for every earlier exclusive turn */
    :: mode[i] && dn[m] == 0 -> blk = blk | (1 << m)
    :: !mode[i] && tmode[m] && dn[m] == 0 -> blk = blk | (1 << m)
#endif
    :: else
    fi;
    m++
  :: else -> break
  od;
  m = 0; e = 0
}

/* a lease listing of freshness f fed to i's observer; then break every turn we wait on whose
 * owner's lease has looked the same for LEASE ticks: create done(m) { broken } (create-only) */
inline observe_and_break(f) {
  j = 0;
  do
  :: j < N ->
    if
    :: j != i ->
      age = (lcv[j] == INF || lxv[j] <= f -> 0 : (lcv[j] <= f -> 1 : (lfirst[j] -> 0 : 2)));
      if
      :: age == 0 -> seen[i * N + j] = 0; sage[i * N + j] = 0
      :: age != 0 && age != seen[i * N + j] -> seen[i * N + j] = age; sage[i * N + j] = 0
      :: else
      fi
    :: else
    fi;
    j++
  :: else -> break
  od;
  m = 1;
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
      :: dn[m] == 0 -> dn[m] = 2
      :: else /* 412: another breaker (or the holder) was first */
      fi;
      broke = 1
    :: else
    fi;
    m++
  :: else -> break
  od;
  j = 0; m = 0; age = 0
}

proctype Contender(byte i) {
  byte n, f, j, m, e, blk, age;
  bit broke, brokenseen;
#if GC
  byte lw;
#endif

#if LIVE
  atomic { select(f : 0 .. ARRIVE); wt[i] = f; f = 0 }
#endif
arrive:
  if
  CRASH
#if !LIVE
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto arrive }
#endif
  /* 1. the lease (renewal 1); the keeper trusts it from the request's start */
  :: atomic {
      wt[i] == 0 ->
#if GC
      /* a re-acquisition: a new lease (its observers start afresh), nothing held yet */
      lxv[i] = INF; acquired[i] = 0;
      j = 0;
      do
      :: j < N -> seen[j * N + i] = 0; sage[j * N + i] = 0; j++
      :: else -> j = 0; break
      od;
#endif
      lcv[i] = D; lfirst[i] = 1;
      dlr[i] = WINDOW; rn[i] = R; keeping[i] = 1
    }
  fi;

#if GC
  /* 2. the frontier: a cached hint learned `age` <= CACHE ticks ago, confirmed by one HEAD; or
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
      select(n : m .. fmax);
      hage[i] = age; age = 0; m = 0;
      if
      :: n == 0 || EXISTS(n) -> n++; goto create
      :: else -> printf("MSC: t=%d c%d hint %d: HEAD 404, rediscovers\n", tnow, i, n); hage[i] = INF; goto frontier
      fi
    }
  :: atomic { wt[i] == 0 -> hage[i] = 0; n = CK; goto cpscan }
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
  :: atomic {
      wt[i] == 0 ->
      lw = 0;
#ifndef NO_CREATE_ONLY
      if
      :: towner[n] != 0 -> printf("MSC: t=%d c%d create turn %d: 412\n", tnow, i, n); n++; goto create
      :: else
      fi;
#endif
      reuse_violated = ever[n];
      if
      :: reuse_violated -> printf("MSC: t=%d c%d creates turn %d, which existed before (GC deleted it)\n", tnow, i, n)
      :: else
      fi;
      assert(!reuse_violated);
      ever[n] = 1; cage[n] = 0; if :: n > fmax -> fmax = n :: else fi;
      hage[i] = INF;
      towner[n] = i + 1; tmode[n] = mode[i]; dn[n] = 0;
      printf("MSC: t=%d c%d creates turn %d (exclusive %d)\n", tnow, i, n, mode[i])
    }
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
      :: j <= N -> if :: towner[j] != 0 -> n = j :: else fi; j++
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
      assert(n <= N);
#ifndef NO_CREATE_ONLY
      if
      :: towner[n] != 0 -> printf("MSC: t=%d c%d create turn %d: 412\n", tnow, i, n); n++; goto create
      :: else
      fi;
#endif
      towner[n] = i + 1; tmode[n] = mode[i];
      printf("MSC: t=%d c%d creates turn %d (exclusive %d)\n", tnow, i, n, mode[i])
    }
  fi;

#endif

  /* 3-4. wait for the turns before ours: poll done markers, break expired owners */
wait:
  if
  CRASH
  :: atomic { wt[i] == 0 && dlr[i] == 0 -> printf("MSC: t=%d c%d lease lost while waiting: abandons\n", tnow, i); goto giveup }
  :: atomic {
      wt[i] == 0 && dlr[i] > 0 ->
      d_step { blockers() };
      if
      :: blk == 0 -> goto win
      :: else ->
        select(f : 0 .. D); d_step { observe_and_break(f) }; f = 0; blk = 0;
        if
        :: broke -> broke = 0 /* check again at once */
        :: else -> wt[i] = POLL
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
        :: j != i && incs[j] && dlr[j] > 0 && !crashed[j] && (mode[i] || mode[j]) ->
          printf("MSC: t=%d c%d enters while c%d holds (exclusive: %d, %d)\n", tnow, i, j, mode[i], mode[j]);
          mutex_violated = 1
        :: j != i && incs[j] && dlr[j] > 0 && !crashed[j] && !mode[i] && !mode[j] && REACH_SHARED -> shared_coexist = 1
        :: else
        fi;
        j++
      :: else -> j = 0; break
      od;
      assert(!mutex_violated);
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
#endif
    :: else -> printf("MSC: t=%d c%d lease lost before entering: abandons\n", tnow, i); goto giveup
    fi
  }
  fi;
hold:
  if
  CRASH
#if !LIVE
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto hold }
#endif
  :: wt[i] == 0 -> skip
  fi;

  /* release (or abandon): create done(n) (412: we were broken), then delete the lease */
giveup:
  atomic {
    brokenseen = (dn[n] == 2);
#ifdef DONE_NOT_CREATE_ONLY
    dn[n] = (incs[i] -> 1 : 3); /* MUTANT: plain PUT, 200 whatever was there */
    report_violated = brokenseen && acquired[i]; /* a broken holder's release succeeds: it never learns */
    if :: report_violated -> printf("MSC: t=%d c%d releases over the breaker's done(%d): told 200\n", tnow, i, n) :: else fi;
#else
    if
    :: dn[n] == 0 -> dn[n] = (acquired[i] -> 1 : 3)
    :: else -> printf("MSC: t=%d c%d release: done(%d) exists, 412: it was broken\n", tnow, i, n)
    fi;
#endif
    assert(!report_violated);
    printf("MSC: t=%d c%d releases / abandons turn %d\n", tnow, i, n);
    incs[i] = 0; keeping[i] = 0; rn[i] = 0; dlr[i] = 0; wt[i] = 0;
    if :: lcv[i] != INF && lcv[i] <= D -> lxv[i] = D :: else fi;
    j = 0;
    do
    :: j < N -> seen[i * N + j] = 0; sage[i * N + j] = 0; j++
    :: else -> break
    od;
#if GC
    n = 0; f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; broke = 0; brokenseen = 0
  }
  goto arrive; /* acquire again, until turn MAXTURNS exists */
quit:
  atomic {
    keeping[i] = 0; rn[i] = 0; dlr[i] = 0; wt[i] = 0;
    if :: lcv[i] != INF && lcv[i] <= D -> lxv[i] = D :: else fi;
    finished[i] = 1;
    n = 0; f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; broke = 0; brokenseen = 0
  }
#else
    finished[i] = 1;
    n = 0; f = 0; j = 0; m = 0; e = 0; blk = 0; age = 0; broke = 0; brokenseen = 0
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

#if GC
/* GC: delete turn t (and its done marker) if it is the lowest non-checkpoint not yet deleted (any,
 * GC_ANY_ORDER), done, created at least RETAIN ticks ago, and not among the newest KEEP turns */
#ifdef GC_ANY_ORDER
#define GCORDER(t) 1
#else
#define GCORDER(t) ((t) == gclo)
#endif
#define GCOK(t) (towner[t] != 0 && dn[t] != 0 && cage[t] >= RETAIN && (t) + KEEP <= fmax && !GCSKIP(t) && GCORDER(t))
#define GCDEL(t) \
  :: atomic { GCOK(t) -> \
      printf("MSC: t=%d GC deletes turn %d\n", tnow, t); \
      towner[t] = 0; tmode[t] = 0; dn[t] = 0; \
      if :: (t) == gclo -> gclo++; if :: GCSKIP(gclo) -> gclo++ :: else fi :: else fi }

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
        :: k < N * N -> if :: seen[k] != 0 && sage[k] < LEASE -> sage[k]++ :: else fi; k++
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
        :: k < N -> if :: hage[k] <= CACHE -> hage[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
        k = 0;
        do
        :: k < N ->
          DOWN(wt[k]); DOWN(dlr[k]); DOWN(rn[k]); DOWN(lcv[k]); DOWN(lxv[k]);
          if
          :: lxv[k] == 0 ->
            lcv[k] = INF; lxv[k] = INF; lfirst[k] = 0;
            m = 0;
            do
            :: m < N -> seen[m * N + k] = 0; sage[m * N + k] = 0; m++
            :: else -> break
            od
          :: else
          fi;
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
        :: keeping[k] && rn[k] == 0 ->
          if
          :: RENEWFAIL -> rn[k] = 1; printf("MSC: t=%d c%d renewal fails\n", tnow, k)
          :: true ->
            d_step {
              m = 0;
              do
              :: m < N -> if :: seen[m * N + k] == 1 || seen[m * N + k] == 2 -> seen[m * N + k]++ :: else fi; m++
              :: else -> break
              od;
              m = 0;
              lcv[k] = D; lfirst[k] = 0;
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
      lcv[k] = INF; lxv[k] = INF;
#if GC
      hage[k] = INF;
#endif
#if MODES == 0
      mode[k] = 1;
#elif MODES == 1
      mode[k] = 0;
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
