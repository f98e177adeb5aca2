/*
 * s3func: a ticket-strategy contender and a conditional-strategy contender on one lock name
 * (docs/conditional-strategy.md, "Meeting the ticket strategy"; ticket/ticket-core.ts #checkNoTurns,
 * conditional-core.ts #prepare).
 *
 * The claim: a ticket-strategy holder and a conditional-strategy holder never hold at once. Each
 * side checks for the other:
 * - the conditional contender first makes sure the name's marker (turn 0) exists (create-only, or
 *   found by GET; never deleted), THEN lists tickets; a listed ticket makes it refuse;
 * - the ticket contender, after its confirming listing — at least SETTLE after its ticket became
 *   listable (the self-visibility gate saw it, and the settle delay runs from the win after it) —
 *   HEADs the marker (consistent) and refuses if it exists.
 * Why: if the ticket side's HEAD missed the marker, the marker was created after that HEAD, so the
 * conditional side's listing came later still, more than SETTLE >= S after the ticket became
 * listable: a listing at most S stale shows it.
 *
 * Abstraction (lock.pml's conventions: discrete time, a Clock that ticks only when no process can
 * act, `-D` parameters, mutants by flags): the ticket election among ticket contenders and the turn
 * queue among conditional contenders are not modelled — each side's own protocol keeps its holders
 * apart (lock.pml, conditional.pml); here there is one contender of each kind, each acquiring
 * REPEAT times (a new ticket each time; the conditional side remembers the marker once seen, as
 * marker.ts caches it). A ticket acquisition: write the ticket (listable at once), wait SETTLE ticks
 * or longer, HEAD the marker, hold or refuse, delete the ticket. A conditional acquisition: marker
 * (create-only PUT, or known), list tickets as of 0..S ticks ago (the state at the end of that
 * tick; the current state for 0), hold or refuse. Any step may be slow (any number of ticks); holds
 * last any number of ticks.
 *
 * Property: assert(!mutex_violated) when either side starts to hold.
 */

#ifndef S
#define S 1          /* listing staleness: a listing shows the store as of 0..S ticks ago */
#endif
#ifndef SETTLE
#define SETTLE S     /* the ticket side's settle delay: its HEAD comes at least SETTLE after its ticket became listable */
#endif
#ifndef REPEAT
#define REPEAT 2     /* acquisitions per contender */
#endif
/* mutants:
 *   HEAD_EARLY  the ticket side HEADs the marker before its settle delay (at once after the ticket)
 *   LIST_FIRST  the conditional side lists tickets before it makes sure the marker exists
 *   NO_HEAD     the ticket side never HEADs the marker (a contender that does not know turns:
 *               Python s3func, or this library before the conditional strategy)
 * SETTLE < S is a parameter. */

#if S > 6
#error "S must be 0..6"
#endif

bit  mk;           /* the marker exists */
bit  tex;          /* the ticket contender's ticket exists */
byte hist;         /* bit k: a ticket existed at the end of tick now - 1 - k */
bit  tholds, cholds;
byte twt, cwt;     /* ticks each still waits */
bit  tdone, cdone;
hidden byte tnow;
bit  mutex_violated;

#define SHOWN(f) ((f) == 0 -> tex : ((hist >> ((f) - 1)) & 1))

active proctype Ticket() {
  byte k;
  do
  :: k < REPEAT ->
    /* arrive, any time */
    do
    :: atomic { twt == 0 -> twt = 1 }
    :: twt == 0 -> break
    od;
    atomic { printf("MSC: t=%d T writes its ticket (listable)\n", tnow); tex = 1; twt = SETTLE };
#ifdef HEAD_EARLY
    if
    :: atomic {
        mk -> printf("MSC: t=%d T HEADs the marker early: exists, refuses\n", tnow);
        tex = 0; twt = 0; goto again
      }
    :: atomic { !mk -> printf("MSC: t=%d T HEADs the marker early: 404\n", tnow) }
    fi;
#endif
    /* the settle delay, or longer */
    do
    :: atomic { twt == 0 -> twt = 1 }
    :: twt == 0 -> break
    od;
    atomic {
      twt == 0 ->
#if !defined(HEAD_EARLY) && !defined(NO_HEAD)
      if
      :: mk -> printf("MSC: t=%d T HEADs the marker: exists, refuses\n", tnow); tex = 0; goto again
      :: else -> printf("MSC: t=%d T HEADs the marker: 404\n", tnow)
      fi;
#endif
      if
      :: cholds -> printf("MSC: t=%d T holds while C holds\n", tnow); mutex_violated = 1
      :: else
      fi;
      assert(!mutex_violated);
      printf("MSC: t=%d T HOLDS\n", tnow);
      tholds = 1
    };
    /* hold, any time */
    do
    :: atomic { twt == 0 -> twt = 1 }
    :: twt == 0 -> break
    od;
    atomic { printf("MSC: t=%d T releases, deletes its ticket\n", tnow); tholds = 0; tex = 0 };
again:
    k++
  :: else -> break
  od;
  tdone = 1
}

active proctype Cond() {
  byte k, f;
  bit known;       /* the marker was seen (marker.ts caches it for the life of the process) */
  do
  :: k < REPEAT ->
    do
    :: atomic { cwt == 0 -> cwt = 1 }
    :: cwt == 0 -> break
    od;
#ifndef LIST_FIRST
    if
    :: known
    :: else -> atomic { printf("MSC: t=%d C makes sure the marker exists (create-only)\n", tnow); mk = 1; known = 1 }
    fi;
    do
    :: atomic { cwt == 0 -> cwt = 1 }
    :: cwt == 0 -> break
    od;
#endif
    atomic {
      select(f : 0 .. S);
      if
      :: SHOWN(f) -> printf("MSC: t=%d C lists tickets as of %d ticks ago: one, refuses\n", tnow, f); f = 0; goto again
      :: else -> printf("MSC: t=%d C lists tickets as of %d ticks ago: none\n", tnow, f); f = 0
      fi
    };
#ifdef LIST_FIRST
    /* MUTANT: the marker after the listing */
    do
    :: atomic { cwt == 0 -> cwt = 1 }
    :: cwt == 0 -> break
    od;
    if
    :: known
    :: else -> atomic { printf("MSC: t=%d C creates the marker\n", tnow); mk = 1; known = 1 }
    fi;
#endif
    atomic {
      cwt == 0 ->
      if
      :: tholds -> printf("MSC: t=%d C holds while T holds\n", tnow); mutex_violated = 1
      :: else
      fi;
      assert(!mutex_violated);
      printf("MSC: t=%d C HOLDS\n", tnow);
      cholds = 1
    };
    do
    :: atomic { cwt == 0 -> cwt = 1 }
    :: cwt == 0 -> break
    od;
    atomic { printf("MSC: t=%d C releases\n", tnow); cholds = 0 };
again:
    k++
  :: else -> break
  od;
  cdone = 1
}

active proctype Clock() {
  do
  :: atomic {
      timeout && !(tdone && cdone) ->
      tnow++;
      hist = ((hist << 1) | tex) & ((1 << S) - 1);
      if :: twt > 0 -> twt-- :: else fi;
      if :: cwt > 0 -> cwt-- :: else fi
    }
  :: atomic { tdone && cdone -> break }
  od
}
