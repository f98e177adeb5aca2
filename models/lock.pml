/*
 * s3func lock protocol: acquisition, leases, breaking and fencing (docs/protocol.md, src/lock/).
 *
 * One model, many configurations: every parameter below can be overridden with spin -DNAME=value,
 * and each safeguard can be removed by a flag (NO_GATE, NO_CONFIRM, NO_BREAK, FENCE_EARLY with
 * FENCE_COND 0; SETTLE and MARGIN are plain parameters). models/run.mjs lists the configurations
 * CI checks and what each must show; models/README.md explains the abstraction.
 *
 * Properties: assertions at the moment a contender takes the lock (mutual exclusion of conflicting
 * holders, fencing tokens above the last exclusive holder's) and, in liveness runs (LIVE 1, pan -l
 * with -DNP), no cycle: every run ends with every contender that did not crash having held it.
 *
 * Time is discrete and explicit. The Clock advances it by one tick only when no contender can
 * act (`timeout`), so a step happens at the earliest tick it may; where a real system may be
 * slower, the model offers the delay as a choice: write latency 0..W, listing staleness 0..D,
 * arrival, pauses and hold times of any length (safety runs) or bounded (liveness runs),
 * renewal failures. Several steps can happen in one tick, in every order.
 *
 * Every time value is kept relative to now (countdowns, ages, stamps relative to the current
 * stamp), so states that differ only by when they happen are one state: the state space is
 * finite without a horizon, and an infinite run shows up as a cycle (liveness runs check that
 * there is none).
 */

/* ---------- parameters ---------- */
#ifndef N
#define N 2          /* contenders, ids 0..N-1 (equal stamps: the smaller id is older) */
#endif
#ifndef MODES
#define MODES 0      /* 0: all exclusive; 1: all shared; 2: each contender is either */
#endif
#ifndef G
#define G 1          /* timestamp granularity: a stamp is floor((t + offset) / G) * G */
#endif
#ifndef SKEW
#define SKEW 0       /* front-end clock skew: a stamp runs 0..SKEW ticks ahead of true time */
#endif
#ifndef W
#define W 0          /* write latency: stamped when the request starts, listed 0..W ticks later */
#endif
#ifndef D
#define D 0          /* listing staleness: a listing shows the store as of a tick in [now-D, now] */
#endif
#ifndef SETTLE
#define SETTLE 1     /* settleDelayMs: provisional win -> confirming listing */
#endif
#ifndef POLL
#define POLL 1       /* pollIntervalMs while blocked */
#endif
#ifndef LEASE
#define LEASE 9      /* leaseMs: an observer breaks a lease it has seen unchanged this long */
#endif
#ifndef MARGIN
#define MARGIN 2     /* leaseMarginMs: a holder trusts a renewal LEASE - MARGIN after it started */
#endif
#ifndef DRIFT
#define DRIFT 0      /* clock-rate drift plus longest pause: the holder's LEASE - MARGIN lasts DRIFT ticks longer */
#endif
#ifndef LEASES
#define LEASES 1     /* 0: no leases (no keeper, no breaking): the election alone */
#endif
#ifndef MAXCRASH
#define MAXCRASH 0   /* how many contenders may stop forever (SIGKILL: objects stay), at any step */
#endif
#ifndef RENEWFAIL
#define RENEWFAIL 0  /* 1: any renewal may fail (retried a tick later) */
#endif
#ifndef PAUSES
#define PAUSES 2     /* a contender may be slow (any number of ticks): 0 never; 1 between seq-0 and seq-1;
                        2 also before seq-0 and between its win and taking the lock */
#endif
#ifndef LIVE
#define LIVE 0       /* 1: liveness run: arrival within ARRIVE, hold within HOLD, no pauses */
#endif
#ifndef ARRIVE
#define ARRIVE 3
#endif
#ifndef HOLD
#define HOLD 2
#endif
#ifndef FENCE_COND
#define FENCE_COND 1 /* 1: fence PUT is create-only (If-None-Match: *); 0: plain PUT */
#endif
#ifndef FENCE_EARLY
#define FENCE_EARLY FENCE_COND /* 1: fence listing sent with the confirming listing; 0: SETTLE after the win
                                 (ticket/ticket-core.ts #takeToken: early only with create-only puts; 1 with
                                 FENCE_COND 0 is the K1 bug) */
#endif
#ifndef REACH_SHARED
#define REACH_SHARED 0 /* 1: claim two shared holders never coexist (must FAIL: non-vacuity) */
#endif
#ifndef STALL
#define STALL 0      /* 1: a waiter's lease listing and its decision to break are separate steps
                        (ticket/wait.ts breakExpired): the request, a response any number of ticks
                        later (a slow response), then any number of ticks more (a GC pause, a blocked
                        event loop, SIGSTOP) before the verdict. The verdict is the fixed rule (issue
                        14, T1): a sighting's stopwatch starts after the response that first showed it,
                        and "unchanged for LEASE" is judged at the send of the listing that still shows
                        it. 0: listing and decision in one step (the model before T1; no stall) */
#endif
/* T1 flags (with STALL 1):
 *   JUDGE_AT_DECISION   REGRESSION (the code before issue 14): the verdict reads the clock at the
 *                       decision, after the response and any stall, so a stall counts as time the
 *                       lease stayed unchanged
 *   SIGHTING_FROM_SEND  MUTANT of the fixed rule: a new sighting's stopwatch starts at the send of
 *                       the listing that showed it (both ends before the read), although a slow
 *                       response may show a version written after the send */
#ifndef OPERATOR
#define OPERATOR 0   /* 1: an operator runs breakLocks once, at any time, while contenders run (issue
                        14, T2). Its age gate (olderThanMs) is taken to pass for every listed ticket: a
                        holder may hold longer than any gate. The fixed rule (inspect.ts): list leases,
                        wait OPWAIT, list again; break a ticket only if its lease showed the same version
                        in both listings, or none in either. OP_AGE_ONLY: the REGRESSION, the code
                        before issue 14, which breaks every old-enough ticket */
#endif
#ifndef OPWAIT
#if SETTLE > LEASE
#define OPWAIT SETTLE
#else
#define OPWAIT LEASE /* the operator's wait between its lease listings: max(leaseMs, settleDelayMs) */
#endif
#endif
#ifndef TCHECK
#define TCHECK OPERATOR /* 1: after each renewal the keeper lists its own ticket (0..D stale) and, if the
                           listing does not show it complete, declares the lease lost (ticket/ticket-core.ts
                           check); only a breaker of a live holder makes a difference */
#endif

#if LIVE
#undef PAUSES
#define PAUSES 0
#undef RENEWFAIL
#define RENEWFAIL 0
#endif

#define R (LEASE / 3)                   /* renewal interval */
#define WINDOW (LEASE - MARGIN + DRIFT)  /* real ticks a holder trusts a renewal */
#define MAXTOK (2 * N + 1)
#define INF 255
/* own ticket missing from a listing after the gate: a stale listing, list again after
 * min(poll, settle || poll) (ticket/wait.ts) */
#if SETTLE > 0 && SETTLE < POLL
#define OWNWAIT SETTLE
#else
#define OWNWAIT POLL
#endif
#define BASE 100                        /* the stamp a write gets now, with no skew */

#if LEASES && R < W + D + 1
#error "the model needs LEASE/3 > W + D (a listing then shows one of the two newest lease versions)"
#endif

/* ---------- the store ---------- */
/* Ticket objects: slot 2j is contender j's seq-0, 2j+1 its seq-1. A listing of freshness f
 * (0..D: it shows the store as of D - f ticks ago) lists slot k iff cv[k] <= f < xv[k].
 * cv/xv count down each tick; a write of latency l sets cv = D + l, a delete sets xv = D.
 * Never written or gone for good: cv = xv = INF, st = 0. */
byte st[2 * N];    /* stamp, relative: BASE is the stamp of a write now without skew */
byte cv[2 * N];
byte xv[2 * N];
bit  mode[N];      /* 1 exclusive, 0 shared (as read from the listed digest) */

/* Lease of j: the newest version is listed iff lcv[j] <= f, otherwise the previous one (none if
 * lfirst); the lease is gone iff lxv[j] <= f. lcv = INF: no lease. */
byte lcv[N], lxv[N];
bit  lfirst[N];

/* Fence objects: token k is listed iff fcv[k] <= f (INF: never written). */
byte fcv[MAXTOK + 1];

/* ---------- contenders ---------- */
byte dlr[N];       /* the keeper trusts the lease for dlr more ticks */
byte rn[N];        /* ticks until the next renewal attempt */
byte wt[N];        /* ticks the contender still waits */
bit  keeping[N], incs[N], crashed[N], finished[N], acquired[N];
/* observer i's view of j's lease (index i * N + j): 0 none, 1 the newest version, 2 the
 * previous one, 3 an older one; and for how many ticks it has looked the same (capped) */
byte seen[N * N], sage[N * N];
#if STALL
/* the lease version i's listing showed of j (encoded as seen: 0 none, 1 newest, 2 previous, 3 older),
 * kept current across renewals between the response and the decision */
byte obs[N * N];
#ifdef SIGHTING_FROM_SEND
byte snc[N];       /* ticks since i sent its lease listing (capped at LEASE) */
#endif
#endif
#if OPERATOR
byte owt;          /* ticks the operator still waits */
byte opv[N];       /* the lease version the operator's first listing showed of j (encoded as seen) */
#endif

byte ph;           /* now mod G */
hidden byte tnow;   /* absolute time, for the printed trail only: not part of the state */
byte ncrash;
byte lasttok;      /* fencing token of the last exclusive holder */

/* the properties: a violation sets its flag and trips its own assertion */
bit mutex_violated, fence_violated, progress_violated, shared_coexist;

#define VIS(k, f) (cv[k] <= (f) && (f) < xv[k])
/* j's lease in a listing of freshness f: 0 none, 1 the newest version, 2 the previous one */
#define LVER(j, f) (lcv[j] == INF || lxv[j] <= (f) -> 0 : (lcv[j] <= (f) -> 1 : (lfirst[j] -> 0 : 2)))
#define MIN(a, b) ((a) < (b) -> (a) : (b))

/* Each protocol state of a contender is a label followed by `if` with these options: its
 * action (guarded by `wt[i] == 0`: done waiting), a pause of one more tick, or a crash. A
 * contender may also crash while waiting: the Clock then sets wt[i] = INF (see there). */
#define CRASH \
  :: atomic { crashed[i] -> goto dead } \
  :: atomic { ncrash < MAXCRASH && wt[i] == 0 -> printf("MSC: t=%d c%d crashes\n", tnow, i); ncrash++; crashed[i] = 1; keeping[i] = 0; goto dead }
#define PAUSE(level, here) :: atomic { PAUSES >= level && wt[i] == 0 -> wt[i] = 1; goto here }

/* PUT ticket object k now: stamped at request start on a front end 0..SKEW ahead, listed 0..W later */
inline put_ticket(k) {
  atomic {
    wt[i] == 0 ->
    select(lat : 0 .. W); select(f : 0 .. SKEW);
    st[k] = BASE + ((ph + f) / G) * G; cv[k] = D + lat; wt[i] = lat;
    printf("MSC: t=%d c%d PUT seq-%d stamp=%d listed in %d\n", tnow, i, (k) % 2, st[k] - BASE + tnow - ph, lat);
    lat = 0; f = 0
  }
}

/* the election over one ticket listing of freshness f (ticket/order.ts) */
inline elect(f) {
  /* ids we broke are ignored while a (stale) listing still shows them, forgotten once it does not */
  j = 0;
  do
  :: j < N ->
    if
    :: (brk & (1 << j)) && !(VIS(2 * j, f) || VIS(2 * j + 1, f)) -> brk = brk & ~(1 << j)
    :: else
    fi;
    j++
  :: else -> break
  od;
  lost = !(VIS(2 * i, f) && VIS(2 * i + 1, f));
#ifdef NO_GATE
  lost = 0; /* MUTANT: trusts a listing that does not show its own ticket; own age from its PUT */
#endif
  blk = 0;
  if
  :: !lost ->
    j = 0;
    do
    :: j < N ->
      if
      :: j != i && !(brk & (1 << j)) && (mode[i] || mode[j]) && (VIS(2 * j, f) || VIS(2 * j + 1, f)) ->
        age = (VIS(2 * j + 1, f) -> st[2 * j + 1] : st[2 * j]);
        if
#ifdef NO_TIEBREAK
        :: age <= st[2 * i + 1] -> blk = blk | (1 << j) /* MUTANT: equal stamps block both */
#else
        :: age < st[2 * i + 1] || (age == st[2 * i + 1] && j < i) -> blk = blk | (1 << j)
#endif
        :: else
        fi
      :: else
      fi;
      j++
    :: else -> break
    od
  :: else
  fi;
  j = 0; age = 0
}

/* DELETE: a no-op on an object whose PUT is still in flight (the PUT lands afterwards) */
#define DEL(c, x) if :: c <= D -> x = MIN(x, D) :: else fi

inline delete_contender(k) {
  DEL(cv[2 * k + 1], xv[2 * k + 1]); DEL(cv[2 * k], xv[2 * k]);
  if :: lcv[k] != INF -> DEL(lcv[k], lxv[k]) :: else fi
}

/* a lease listing of freshness f fed to i's observer; then break every blocker whose lease has
 * looked the same for LEASE ticks (lease-observer.ts; ticket/ticket-core.ts #breakExpired) */
inline observe_and_break(f) {
  j = 0;
  do
  :: j < N ->
    if
    :: j != i ->
      age = LVER(j, f);
      if
      :: age == 0 -> seen[i * N + j] = 0; sage[i * N + j] = 0
      :: age != 0 && age != seen[i * N + j] -> seen[i * N + j] = age; sage[i * N + j] = 0
      :: else
      fi;
      if
#ifdef NO_BREAK
      :: false -> /* MUTANT (liveness): dead blockers are never broken */
#else
      :: (blk & (1 << j)) && seen[i * N + j] != 0 && sage[i * N + j] >= LEASE ->
#endif
        printf("MSC: t=%d c%d breaks c%d: its lease unchanged for %d ticks, in a listing as of t=%d\n", tnow, i, j, sage[i * N + j], tnow - D + f);
        delete_contender(j); brk = brk | (1 << j); broke = 1
      :: else
      fi
    :: else
    fi;
    j++
  :: else -> break
  od;
  j = 0; age = 0
}

#if STALL
/* T1: the lease listing in steps (ticket/wait.ts breakExpired). At the send, the clock is read
 * (sentMs): which sightings have then been unchanged for LEASE ticks (bit j of xsend) */
inline lease_send() {
  xsend = 0; j = 0;
  do
  :: j < N ->
    if :: j != i && seen[i * N + j] != 0 && sage[i * N + j] >= LEASE -> xsend = xsend | (1 << j) :: else fi;
    j++
  :: else -> break
  od;
  j = 0
}

/* the response, showing the store as of f ticks ago: the version of each lease (obs), and which
 * sightings it continues (bit j of unch: the same version as seen). With the fix a new version's
 * stopwatch starts here, just after the response (receivedMs; read later, after a stall, it only
 * starts later); the code before the fix read the clock once, at the decision */
#ifdef SIGHTING_FROM_SEND
#define SIGHTED snc[i]
#else
#define SIGHTED 0
#endif
inline sight(j) {
  if
  :: obs[i * N + j] == 0 -> seen[i * N + j] = 0; sage[i * N + j] = 0 /* not listed: forgotten */
  :: obs[i * N + j] != 0 && !(unch & (1 << j)) -> seen[i * N + j] = obs[i * N + j]; sage[i * N + j] = SIGHTED
  :: else
  fi
}

inline lease_response(f) {
  unch = 0; j = 0;
  do
  :: j < N ->
    if
    :: j != i ->
      obs[i * N + j] = LVER(j, f);
      if :: obs[i * N + j] != 0 && obs[i * N + j] == seen[i * N + j] -> unch = unch | (1 << j) :: else fi;
#ifndef JUDGE_AT_DECISION
      sight(j)
#endif
    :: else
    fi;
    j++
  :: else -> break
  od;
  j = 0
}

/* the decision, any time after the response: break the blockers whose lease the listing showed
 * unchanged for LEASE ticks, judged at its send (the fix: bit j of xsend), or at the decision
 * (JUDGE_AT_DECISION, the code before issue 14) */
#ifdef JUDGE_AT_DECISION
#define EXPIRED(j) (sage[i * N + j] >= LEASE)
#else
#define EXPIRED(j) (xsend & (1 << j))
#endif
inline lease_decide() {
  j = 0;
  do
  :: j < N ->
    if
    :: j != i ->
#ifdef JUDGE_AT_DECISION
      sight(j);
#endif
      if
#ifdef NO_BREAK
      :: false ->
#else
      :: (blk & (1 << j)) && (unch & (1 << j)) && seen[i * N + j] != 0 && EXPIRED(j) ->
#endif
        printf("MSC: t=%d c%d breaks c%d: its lease unchanged for %d ticks now, %d at the listing's send\n", tnow, i, j, sage[i * N + j], (xsend & (1 << j)) != 0);
        delete_contender(j); brk = brk | (1 << j); broke = 1
      :: else
      fi;
      obs[i * N + j] = 0
    :: else
    fi;
    j++
  :: else -> break
  od;
  j = 0
}
#endif

inline fence_max(f) {
  fmax = 0; j = 1;
  do
  :: j <= MAXTOK -> if :: fcv[j] <= f -> fmax = j :: else fi; j++
  :: else -> break
  od;
  j = 0
}

proctype Contender(byte i) {
  byte f, lat, blk, brk, fmax, tok, j, age;
  bit lost, prov, gated, broke;
#if STALL
  byte xsend, unch;
#endif

  /* arrival: within ARRIVE ticks (liveness runs) or at any tick */
#if LIVE
  atomic { select(lat : 0 .. ARRIVE); wt[i] = lat; lat = 0 }
#endif
arrive:
  if
  CRASH
#if !LIVE
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto arrive }
#endif
#if LEASES
  /* 1. lease (renewal 1); the keeper trusts it from the request's start */
  :: atomic {
      wt[i] == 0 ->
      select(lat : 0 .. W);
      lcv[i] = D + lat; lfirst[i] = 1;
      dlr[i] = WINDOW; rn[i] = R; keeping[i] = 1; /* next renewal R after this one started */
      wt[i] = lat; lat = 0
    }
#else
  :: atomic { wt[i] == 0 -> dlr[i] = 1 } /* no leases: trusted for ever */
#endif
  fi;

  /* 2. ticket: seq-0, then seq-1 */
seq0:
  if
  CRASH
  PAUSE(2, seq0)
  :: put_ticket(2 * i)
  fi;
seq1:
  if
  CRASH
  PAUSE(1, seq1)
  :: put_ticket(2 * i + 1)
  fi;
#ifdef NO_GATE
  gated = 1;
#endif

  /* 3-4. self-visibility gate, then the election (the gate's listing is the first election listing) */
list:
  if
  CRASH
  :: atomic { wt[i] == 0 && dlr[i] == 0 -> goto giveup } /* the keeper lost the lease: attempt aborted */
#if FENCE_EARLY
  /* the fence listing goes out just before the confirming ticket listing; fmax = listed max + 1 */
  :: atomic { wt[i] == 0 && dlr[i] > 0 && prov && mode[i] && fmax == 0 -> select(f : 0 .. D); d_step { fence_max(f) }; printf("MSC: t=%d c%d lists fences as of t=%d: max=%d\n", tnow, i, tnow - D + f, fmax); fmax++; f = 0; goto list }
  :: atomic { wt[i] == 0 && dlr[i] > 0 && (!prov || !mode[i] || fmax != 0) -> select(f : 0 .. D); d_step { elect(f) };
#else
  :: atomic { wt[i] == 0 && dlr[i] > 0 -> select(f : 0 .. D); d_step { elect(f) };
#endif
      printf("MSC: t=%d c%d lists tickets as of t=%d: own listed %d, blocker mask %d\n", tnow, i, tnow - D + f, VIS(2 * i, f) && VIS(2 * i + 1, f), blk);
      f = 0;
      if
      :: lost && !gated -> lost = 0; wt[i] = 1; goto list /* gate: list again */
      /* after the gate a listing without our ticket is stale: no decision, list again. (Deleted for
       * good only by a breaker, after our lease expired: the keeper then ends the attempt above.) */
      :: lost && gated -> lost = 0; prov = 0; fmax = 0; wt[i] = OWNWAIT; goto list
      :: else -> gated = 1
      fi;
      if
      :: blk == 0 ->
#ifdef NO_CONFIRM
        goto win /* MUTANT: the first clear listing wins */
#else
        if
        :: prov -> goto win
        :: else -> prov = 1; fmax = 0; wt[i] = SETTLE; goto list
        fi
#endif
      :: else ->
        prov = 0; fmax = 0;
#if LEASES && STALL
        goto lsend
#else
#if LEASES
        select(f : 0 .. D); d_step { observe_and_break(f) }; f = 0;
#endif
        blk = 0;
        /* after a break: list again at once (the broken ids are ignored from now on) */
        if
        :: broke -> broke = 0
        :: else -> wt[i] = POLL
        fi;
        goto list
#endif
      fi
    }
  fi;
#if LEASES && STALL
  /* blocked: list the leases (T1). The request; its response, any number of ticks later; the
   * decision, any number of ticks after that */
lsend:
  if
  CRASH
  :: atomic {
      wt[i] == 0 -> d_step { lease_send() };
#ifdef SIGHTING_FROM_SEND
      snc[i] = 0;
#endif
      printf("MSC: t=%d c%d sends its lease listing (expired at the send: mask %d)\n", tnow, i, xsend)
    }
  fi;
lresp:
  if
  CRASH
  :: atomic { !LIVE && wt[i] == 0 -> wt[i] = 1; goto lresp } /* a slow response */
  :: atomic {
      wt[i] == 0 -> select(f : 0 .. D); d_step { lease_response(f) };
      printf("MSC: t=%d c%d lease listing as of t=%d: unchanged mask %d\n", tnow, i, tnow - D + f, unch); f = 0
    }
  fi;
ldec:
  if
  CRASH
  :: atomic { !LIVE && wt[i] == 0 -> wt[i] = 1; goto ldec } /* a stall between the response and the decision */
  :: atomic {
      wt[i] == 0 -> d_step { lease_decide() };
      xsend = 0; unch = 0; blk = 0;
      if
      :: broke -> broke = 0
      :: else -> wt[i] = POLL
      fi;
      goto list
    }
  fi;
#endif

win:
  if
  CRASH
  PAUSE(2, win)
  :: wt[i] == 0 -> skip
  fi;
  /* 5. fencing: listed max + 1; a create-only PUT that collides moves on */
  if
  :: mode[i] ->
#if FENCE_EARLY
    atomic {
      if
      :: fmax == 0 -> select(f : 0 .. D); d_step { fence_max(f) }; fmax++; f = 0 /* won without confirming (mutant) */
      :: else
      fi;
      tok = fmax; fmax = 0
    }
#else
    wt[i] = SETTLE; /* the fence listing waits settleDelayMs past the confirmation */
fwait:
    if
    CRASH
    :: wt[i] == 0 -> skip
    fi;
    atomic { select(f : 0 .. D); d_step { fence_max(f) }; printf("MSC: t=%d c%d lists fences as of t=%d: max=%d\n", tnow, i, tnow - D + f, fmax); f = 0; tok = fmax + 1; fmax = 0 }
#endif
fput:
    atomic {
      assert(tok <= MAXTOK);
      if
      :: FENCE_COND && fcv[tok] != INF ->
        select(f : 0 .. D); d_step { fence_max(f) }; f = 0;
        printf("MSC: t=%d c%d PUT fence %d: 412, exists\n", tnow, i, tok);
        tok = (tok + 1 > fmax + 1 -> tok + 1 : fmax + 1); fmax = 0;
        goto fput
      :: else ->
        select(lat : 0 .. W);
        fcv[tok] = MIN(fcv[tok], D + lat); wt[i] = lat;
        printf("MSC: t=%d c%d PUT fence %d, listed in %d\n", tnow, i, tok, lat); lat = 0
      fi
    }
  :: else
  fi;
  /* 6. held, if the lease is still trusted; it believes it holds while dlr[i] > 0 and it has not
   * crashed (DRIFT stretches dlr by the holder's clock-rate error and longest pause) */
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
          printf("MSC: t=%d c%d takes while c%d holds (exclusive: %d, %d)\n", tnow, i, j, mode[i], mode[j]);
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
        fence_violated = (tok <= lasttok);
        if
        :: fence_violated -> printf("MSC: t=%d c%d takes token %d, not above the last holder's %d\n", tnow, i, tok, lasttok)
        :: else
        fi;
        assert(!fence_violated); lasttok = tok
      :: else
      fi;
      printf("MSC: t=%d c%d HOLDS exclusive=%d token=%d\n", tnow, i, mode[i], tok);
      incs[i] = 1; acquired[i] = 1; tok = 0;
#if LIVE
      select(lat : 0 .. HOLD); wt[i] = lat; lat = 0
#endif
    :: else -> goto giveup
    fi
  }
  fi;
hold:
  if
  CRASH
#if !LIVE
  :: atomic { wt[i] == 0 -> wt[i] = 1; goto hold } /* hold one more tick */
#endif
  :: wt[i] == 0 -> skip
  fi;

  /* release (also the end of a failed attempt): stop the keeper, delete ticket, then lease */
giveup:
  atomic {
    printf("MSC: t=%d c%d releases / gives up\n", tnow, i);
    incs[i] = 0; keeping[i] = 0; rn[i] = 0; dlr[i] = 0; wt[i] = 0;
    delete_contender(i);
    j = 0;
    do
    :: j < N -> seen[i * N + j] = 0; sage[i * N + j] = 0; j++
    :: else -> break
    od;
    finished[i] = 1;
    f = 0; lat = 0; blk = 0; fmax = 0; tok = 0; j = 0; age = 0;
    brk = 0; lost = 0; prov = 0; gated = 0; broke = 0
  }
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

#if OPERATOR
/* T2: an operator runs breakLocks (inspect.ts breakTickets) once, at any tick, while contenders
 * run. Its candidates: the tickets its listing shows (the age gate is taken to pass). Each step may
 * be delayed any number of ticks. */
active proctype Operator() {
  byte f, j, cand, dead;
end_op_idle:
  if
  :: atomic { owt == 0 -> owt = 1; goto end_op_idle }
  :: atomic {
      owt == 0 -> select(f : 0 .. D);
      j = 0;
      do
      :: j < N -> if :: VIS(2 * j, f) || VIS(2 * j + 1, f) -> cand = cand | (1 << j) :: else fi; j++
      :: else -> j = 0; break
      od;
      printf("MSC: t=%d operator: breakLocks lists tickets as of t=%d: mask %d\n", tnow, tnow - D + f, cand); f = 0
    }
  fi;
#ifdef OP_AGE_ONLY
  /* REGRESSION (the code before issue 14): every old-enough ticket is deleted, by its age alone */
  dead = cand;
#else
  /* the fix: two lease listings OPWAIT apart; dead iff the same version in both, or none in either */
end_op_read1:
  atomic {
    owt == 0 -> select(f : 0 .. D);
    j = 0;
    do
    :: j < N -> if :: cand & (1 << j) -> opv[j] = LVER(j, f) :: else fi; j++
    :: else -> j = 0; break
    od;
    printf("MSC: t=%d operator: first lease listing as of t=%d\n", tnow, tnow - D + f); f = 0;
    owt = OPWAIT
  };
end_op_wait:
  if
  :: atomic { owt == 0 -> owt = 1; goto end_op_wait }
  :: atomic {
      owt == 0 -> select(f : 0 .. D);
      j = 0;
      do
      :: j < N ->
        if
        :: (cand & (1 << j)) && opv[j] == LVER(j, f) -> dead = dead | (1 << j)
        :: else
        fi;
        opv[j] = 0; j++
      :: else -> j = 0; break
      od;
      printf("MSC: t=%d operator: second lease listing as of t=%d: dead mask %d\n", tnow, tnow - D + f, dead); f = 0
    }
  fi;
#endif
end_op_stall:
  if
  :: atomic { owt == 0 -> owt = 1; goto end_op_stall }
  :: atomic {
      owt == 0 ->
      j = 0;
      do
      :: j < N ->
        if
        :: dead & (1 << j) -> printf("MSC: t=%d operator: breaks c%d\n", tnow, j); delete_contender(j)
        :: else
        fi;
        j++
      :: else -> j = 0; break
      od;
      cand = 0; dead = 0
    }
  fi;
end_op_done:
  skip
}
#endif

/* the clock, with what happens on each tick: countdowns, the keepers (lease-keeper.ts), the
 * observers' stopwatches, and the renaming of past stamps. The deterministic part is one d_step. */
active proctype Clock() {
  byte k, m, lat, has, below;
  do
  :: atomic {
      timeout ->
      if
      :: ALL_FINISHED -> break
      :: else
      fi;
      d_step {
        /* stamps: BASE is the stamp of a write now; all older stamps are below every future one,
         * so only their order matters: close the gaps between them */
        ph = (ph + 1) % G; tnow++;
        k = 0;
        do
        :: k < 2 * N ->
          if :: ph == 0 && cv[k] != INF -> st[k] = st[k] - G :: else fi;
          DOWN(cv[k]); DOWN(xv[k]);
          if :: xv[k] == 0 -> cv[k] = INF; xv[k] = INF; st[k] = 0 :: else fi;
          k++
        :: else -> break
        od;
        m = BASE - 1;
        do
        :: m >= BASE - 2 * N ->
          has = 0; below = 0; k = 0;
          do
          :: k < 2 * N ->
            if
            :: cv[k] != INF && st[k] == m -> has = 1
            :: cv[k] != INF && st[k] < m -> below = 1
            :: else
            fi;
            k++
          :: else -> break
          od;
          if
          :: !has && below ->
            k = 0;
            do
            :: k < 2 * N -> if :: cv[k] != INF && st[k] < m -> st[k]++ :: else fi; k++
            :: else -> break
            od
          :: else -> m--
          fi
        :: else -> break
        od;
        /* observers' stopwatches */
        k = 0;
        do
        :: k < N * N -> if :: seen[k] != 0 && sage[k] < LEASE -> sage[k]++ :: else fi; k++
        :: else -> break
        od;
#ifdef SIGHTING_FROM_SEND
        k = 0;
        do
        :: k < N -> if :: snc[k] < LEASE -> snc[k]++ :: else fi; k++
        :: else -> break
        od;
#endif
#if OPERATOR
        DOWN(owt);
#endif
        /* countdowns: waits, keepers' trust, renewal timers, lease versions */
        k = 0;
        do
        :: k < N ->
          DOWN(wt[k]);
#if LEASES
          DOWN(dlr[k]);
#endif
          DOWN(rn[k]); DOWN(lcv[k]); DOWN(lxv[k]);
          if
          :: lxv[k] == 0 ->
            lcv[k] = INF; lxv[k] = INF; lfirst[k] = 0;
            m = 0;
            do
            :: m < N ->
              seen[m * N + k] = 0; sage[m * N + k] = 0;
#if STALL
              obs[m * N + k] = 0;
#endif
              m++
            :: else -> break
            od;
#if OPERATOR
            if :: opv[k] != 0 -> opv[k] = 3 :: else fi; /* listed before, never again */
#endif
            m = 0
          :: else
          fi;
          if
          :: keeping[k] && dlr[k] == 0 -> keeping[k] = 0; rn[k] = 0; printf("MSC: t=%d c%d lease lost\n", tnow, k)
          :: else
          fi;
          k++
        :: else -> break
        od;
        k = 0;
        do
        :: k <= MAXTOK -> DOWN(fcv[k]); k++
        :: else -> break
        od;
        k = 0; m = 0; has = 0; below = 0
      }
      /* a contender may crash while it waits (crashes between its steps are CRASH options) */
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
      /* keepers: renew when due; a renewal that completes after the deadline does not count */
      k = 0;
      do
      :: k < N ->
        if
        :: keeping[k] && rn[k] == 0 ->
          if
          :: RENEWFAIL -> rn[k] = 1; printf("MSC: t=%d c%d renewal fails\n", tnow, k)
          :: true ->
            select(lat : 0 .. W);
            d_step {
              /* a new version: what observers saw becomes older */
              m = 0;
              do
              :: m < N ->
                if :: seen[m * N + k] == 1 || seen[m * N + k] == 2 -> seen[m * N + k]++ :: else fi;
#if STALL
                if :: obs[m * N + k] == 1 || obs[m * N + k] == 2 -> obs[m * N + k]++ :: else fi;
#endif
                m++
              :: else -> break
              od;
#if OPERATOR
              if :: opv[k] == 1 || opv[k] == 2 -> opv[k]++ :: else fi;
#endif
              m = 0;
              lcv[k] = D + lat; lfirst[k] = 0;
              printf("MSC: t=%d c%d renews, listed in %d, counts=%d\n", tnow, k, lat, lat < dlr[k]);
              if
              :: lat < dlr[k] -> dlr[k] = WINDOW; rn[k] = R
              :: else -> keeping[k] = 0; rn[k] = 0
              fi;
              lat = 0
            }
#if TCHECK
            /* the keeper's check after a renewal: its own ticket, complete, in a listing (0..D stale) */
            if
            :: keeping[k] ->
              select(lat : 0 .. D);
              if
              :: !(VIS(2 * k, lat) && VIS(2 * k + 1, lat)) ->
                printf("MSC: t=%d c%d keeper: own ticket not listed: lease lost\n", tnow, k);
                keeping[k] = 0; rn[k] = 0; dlr[k] = 0
              :: else
              fi;
              lat = 0
            :: else
            fi
#endif
          fi
        :: else
        fi;
        k++
      :: else -> k = 0; break
      od
    }
  od;
#if LIVE
  /* liveness: every contender that did not crash held the lock */
  k = 0;
  do
  :: k < N -> if :: !crashed[k] && !acquired[k] -> progress_violated = 1 :: else fi; k++
  :: else -> break
  od;
  assert(!progress_violated);
  /* a run that never gets here is a cycle of the finite state graph: compiled with -DNP and run
   * with pan -l, spin reports every such cycle (a non-progress cycle: nothing on it is labelled
   * progress; the end state is not a cycle) */
progress_done:
  skip
#endif
}

init {
  byte k;
  atomic {
    k = 0;
    do
    :: k < 2 * N -> cv[k] = INF; xv[k] = INF; k++
    :: else -> break
    od;
    k = 0;
    do
    :: k < N ->
      lcv[k] = INF; lxv[k] = INF;
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
    k = 1;
    do
    :: k <= MAXTOK -> fcv[k] = INF; k++
    :: else -> break
    od;
    k = 0;
    do
    :: k < N -> run Contender(k); k++
    :: else -> k = 0; break
    od
  }
}
