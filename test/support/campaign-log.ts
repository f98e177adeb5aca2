/**
 * The campaign's critical-section log (scripts/campaign.mjs) and its checker: the shared log of
 * lock-log.ts, extended so that the checker can tell what the processes provably believed when some
 * of them were suspended (SIGSTOP) in the middle of it.
 *
 * Why the plain log is not enough. A process writes `enter` after `acquire` resolved and `exit`
 * when it leaves; the checker of lock-log.ts calls any conflicting entry between the two an
 * overlap. A stopped process writes nothing: the lock library stops trusting its lease at its
 * deadline (on the suspend-aware clock) and another contender may then, by design, break it and
 * enter, but the stopped process can only write its `exit` once it runs again. Its interval in the
 * log then outlasts what it believed, and the plain checker reports an overlap that never was. What
 * a process believes is `lock.isHeld()`: true from `acquire` resolving until its deadline passes or
 * the lock is released, then false for the rest of that hold (it never comes back). The checker
 * here proves beliefs from where the process wrote lines, and where it cannot prove, it asks
 * whether a suspend explains the gap.
 *
 * Lines (`<id>` names one contender process for the whole campaign; `<lock>` has no spaces):
 *
 *   want <lock> <id> <mode>                 the process starts an acquisition
 *   enter <lock> <id> <mode> <token|->      `acquire` resolved true (written right after)
 *   beat <lock> <id>                        still inside; see certification below
 *   exit <lock> <id> <held|gone> <0|1>      it leaves: `held` if `isHeld()` was still true just
 *                                           before writing, `gone` if not (lost, released at exit,
 *                                           its signal aborted); the last field: certification
 *   stop <id> / cont <id>                   written by the campaign right BEFORE SIGSTOP and right
 *                                           AFTER SIGCONT: the window covers the whole suspend
 *   died <id>                               the campaign saw the process end (it left every lock)
 *   # …                                     a comment (phase markers)
 *
 * Certification. Right after writing each line of a hold the process evaluates `isHeld()`. A
 * `beat` is written only if that evaluation (after its previous line) was true, and an `exit`
 * carries it as its last field. So a `beat`, or an `exit … 1`, proves that the process believed it
 * held at some instant AFTER its previous line was written: an instant later in the log's order than
 * that line, whatever suspends came between (O_APPEND writes of one short line are atomic, so the
 * file's order is the order of the writes). `certUntil` of a hold is its last line so certified:
 * the process believed throughout from its `acquire` resolving (before its `enter`) to past
 * `certUntil`. A hold with no certified line proves only the instant `acquire` resolved (isHeld()
 * is true then), somewhere between its `want` and its `enter`.
 *
 * Verdicts on two conflicting holds of one lock, X entered before Y, Y entered before X left
 * (a "logged overlap", what lock-log.ts calls an overlap):
 * - proven (a violation): both provably believed at one instant. X certified with Y's `enter`
 *   before X's `certUntil`, and either Y certified too (both believed when Y's `enter` was
 *   written) or Y's `want` after X's `enter` (Y's acquire resolved inside X's proven belief).
 * - suspended (allowed): not proven, and a suspend explains it: X was stopped between its last
 *   proven belief and Y's `enter`, and X did not leave as a believer (`gone`, or died); or Y's
 *   belief is unproven after its `enter` (a `gone … 0` exit right away) and Y was stopped between
 *   its `want` and its `enter` (it acquired, was stopped, lost the lease while stopped, and wrote
 *   its `enter` late).
 * - unexplained (counted as a violation too): neither. With no suspend in the gap, a holder that
 *   runs writes its `exit` at once when its signal aborts, which the library does at its deadline,
 *   before anyone may break it; so an overlap nobody was stopped for is a failure of that promise
 *   (or a process starved for longer than the lease margin: outside the assumptions, reported).
 *
 * Fencing tokens (exclusive holds of one lock): two holds with one token are a violation; a hold X
 * logged before Y with a higher token is proven wrong if X entered before Y even began acquiring
 * (`want`), explained if Y was stopped between its `want` and its `enter` (its `enter` is late),
 * and otherwise unexplained (a violation).
 */
import { readFileSync } from 'node:fs';

export type Mode = 'exclusive' | 'shared';

/** One hold: an `enter` and what followed it, by line index in the log. */
export interface Hold {
  lock: string;
  id: string;
  mode: Mode;
  token: number | undefined;
  /** Index of the process's `want` line for this acquisition (-1 when none). */
  want: number;
  enter: number;
  /** Indexes of the hold's lines before its end: the `enter`, then every `beat`. */
  lines: number[];
  /** Index of the `exit` (or of the `died` that ended it); undefined while open at the log's end. */
  end: number | undefined;
  how: 'held' | 'gone' | 'died' | 'open';
  /** The last line whose following line certifies a belief after it; undefined if none. */
  certUntil: number | undefined;
}

/** One suspend of a process, by line index: from its `stop` to its `cont` (or `died`, or the end). */
export interface Suspend {
  id: string;
  from: number;
  to: number;
}

export type OverlapVerdict = 'proven' | 'suspended' | 'unexplained';

export interface Overlap {
  lock: string;
  verdict: OverlapVerdict;
  /** The hold inside, and the one that entered. */
  inside: Hold;
  entering: Hold;
  /** Why, in words. */
  reason: string;
}

export interface TokenIssue {
  lock: string;
  verdict: 'duplicate' | OverlapVerdict;
  earlier: Hold;
  later: Hold;
  reason: string;
}

export interface CampaignLogReport {
  lines: number;
  holds: Hold[];
  byMode: { exclusive: number; shared: number };
  /** Holds whose lines certify a belief (at least their `enter`). */
  certifiedHolds: number;
  beats: number;
  overlaps: Overlap[];
  tokens: TokenIssue[];
  suspends: Suspend[];
  malformed: string[];
  /** Overlaps and token issues that count as violations (proven, unexplained, duplicate). */
  violations: number;
}

const MODES = new Set(['exclusive', 'shared']);

/** Replays the lines of a campaign log; see the module comment. */
export function checkCampaignLog(lines: readonly string[]): CampaignLogReport {
  const holds: Hold[] = [];
  const open = new Map<string, Hold>(); // `${lock} ${id}` → open hold
  const lastWant = new Map<string, { lock: string; index: number }>();
  const stopped = new Map<string, number>(); // id → index of its open `stop`
  const suspends: Suspend[] = [];
  const malformed: string[] = [];
  let beats = 0;
  const close = (hold: Hold, index: number, how: Hold['how'], certifiesLast: boolean) => {
    hold.end = index;
    hold.how = how;
    if (certifiesLast) hold.certUntil = hold.lines[hold.lines.length - 1];
    open.delete(`${hold.lock} ${hold.id}`);
  };
  lines.forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(' ');
    const [kind, a, b, c, d] = f;
    if (kind === 'want' && f.length === 4 && a && b && MODES.has(c as string)) {
      lastWant.set(b, { lock: a, index });
    } else if (kind === 'enter' && f.length === 5 && a && b && MODES.has(c as string) && d) {
      const token = d === '-' ? undefined : Number(d);
      if (token !== undefined && !Number.isSafeInteger(token)) {
        malformed.push(line);
        return;
      }
      const want = lastWant.get(b);
      const hold: Hold = {
        lock: a,
        id: b,
        mode: c as Mode,
        token,
        want: want?.lock === a ? want.index : -1,
        enter: index,
        lines: [index],
        end: undefined,
        how: 'open',
        certUntil: undefined,
      };
      lastWant.delete(b);
      const previous = open.get(`${a} ${b}`);
      if (previous) malformed.push(`${line} (while ${b} was already inside ${a})`);
      holds.push(hold);
      open.set(`${a} ${b}`, hold);
    } else if (kind === 'beat' && f.length === 3 && a && b) {
      const hold = open.get(`${a} ${b}`);
      if (!hold) {
        malformed.push(`${line} (not inside)`);
        return;
      }
      beats++;
      hold.certUntil = hold.lines[hold.lines.length - 1];
      hold.lines.push(index);
    } else if (
      kind === 'exit' &&
      f.length === 5 &&
      a &&
      b &&
      (c === 'held' || c === 'gone') &&
      (d === '0' || d === '1')
    ) {
      const hold = open.get(`${a} ${b}`);
      if (!hold) {
        malformed.push(`${line} (not inside)`);
        return;
      }
      close(hold, index, c, d === '1');
    } else if ((kind === 'stop' || kind === 'cont' || kind === 'died') && f.length === 2 && a) {
      if (kind === 'stop') {
        if (!stopped.has(a)) stopped.set(a, index);
      } else {
        const from = stopped.get(a);
        if (from !== undefined) {
          suspends.push({ id: a, from, to: index });
          stopped.delete(a);
        }
        if (kind === 'died') {
          for (const hold of [...open.values()]) if (hold.id === a) close(hold, index, 'died', false);
          lastWant.delete(a);
        }
      }
    } else {
      malformed.push(line);
    }
  });
  for (const [id, from] of stopped) suspends.push({ id, from, to: lines.length });

  const suspendsOf = new Map<string, Suspend[]>();
  for (const s of suspends) suspendsOf.set(s.id, [...(suspendsOf.get(s.id) ?? []), s]);
  /** Whether `id` was stopped at some point strictly between line indexes `from` and `to`. */
  const stoppedBetween = (id: string, from: number, to: number) =>
    (suspendsOf.get(id) ?? []).some((s) => s.from < to && s.to > from);

  const overlaps: Overlap[] = [];
  const tokens: TokenIssue[] = [];
  const byLock = new Map<string, Hold[]>();
  for (const h of holds) byLock.set(h.lock, [...(byLock.get(h.lock) ?? []), h]);
  for (const [lock, list] of byLock) {
    // list is in `enter` order
    const inside: Hold[] = [];
    for (const y of list) {
      for (let i = inside.length - 1; i >= 0; i--) {
        const x = inside[i] as Hold;
        if (x.end !== undefined && x.end < y.enter) inside.splice(i, 1);
      }
      for (const x of inside) {
        if (x.id === y.id || (x.mode === 'shared' && y.mode === 'shared')) continue;
        overlaps.push({ lock, inside: x, entering: y, ...judgeOverlap(x, y, stoppedBetween) });
      }
      inside.push(y);
    }
    const exclusive = list.filter((h) => h.mode === 'exclusive' && h.token !== undefined);
    const seen = new Map<number, Hold>();
    let highest: Hold | undefined;
    for (const [i, y] of exclusive.entries()) {
      const token = y.token as number;
      const same = seen.get(token);
      if (same) {
        tokens.push({
          lock,
          verdict: 'duplicate',
          earlier: same,
          later: y,
          reason: `token ${token} given to two holds`,
        });
      } else seen.set(token, y);
      if (highest && (highest.token as number) > token) {
        for (const x of exclusive.slice(0, i)) {
          if ((x.token as number) <= token) continue;
          tokens.push({ lock, earlier: x, later: y, ...judgeInversion(x, y, stoppedBetween) });
        }
      }
      if (!highest || (highest.token as number) < token) highest = y;
    }
  }
  const violations =
    overlaps.filter((o) => o.verdict !== 'suspended').length +
    tokens.filter((t) => t.verdict !== 'suspended').length;
  return {
    lines: lines.length,
    holds,
    byMode: {
      exclusive: holds.filter((h) => h.mode === 'exclusive').length,
      shared: holds.filter((h) => h.mode === 'shared').length,
    },
    certifiedHolds: holds.filter((h) => h.certUntil !== undefined).length,
    beats,
    overlaps,
    tokens,
    suspends,
    malformed,
    violations,
  };
}

type StoppedBetween = (id: string, from: number, to: number) => boolean;

/** The verdict on a logged overlap: `x` inside, `y` entering (see the module comment). */
function judgeOverlap(
  x: Hold,
  y: Hold,
  stoppedBetween: StoppedBetween,
): { verdict: OverlapVerdict; reason: string } {
  if (x.certUntil !== undefined && y.enter < x.certUntil) {
    if (y.certUntil !== undefined)
      return {
        verdict: 'proven',
        reason: `both believed they held when ${y.id}'s enter was written (each certified past it)`,
      };
    if (y.want >= 0 && x.enter < y.want)
      return {
        verdict: 'proven',
        reason: `${y.id} acquired after ${x.id} entered and while ${x.id} provably still believed it held`,
      };
  }
  // X's last proven belief: its certified line, else its acquire resolving (after its `want`)
  const xProven = x.certUntil ?? Math.max(x.want, 0);
  if (x.how !== 'held' && stoppedBetween(x.id, xProven, y.enter))
    return {
      verdict: 'suspended',
      reason: `${x.id} was stopped after its last proven belief and before ${y.id} entered, and left without believing it held`,
    };
  if (y.certUntil === undefined && y.how !== 'held' && stoppedBetween(y.id, Math.max(y.want, 0), y.enter))
    return {
      verdict: 'suspended',
      reason: `${y.id} was stopped between its acquire and its enter line, and never believed it held after it`,
    };
  return {
    verdict: 'unexplained',
    reason: `${y.id} entered while ${x.id} was inside, and no suspend explains it`,
  };
}

/** The verdict on `x` logged before `y` with a higher token. */
function judgeInversion(
  x: Hold,
  y: Hold,
  stoppedBetween: StoppedBetween,
): { verdict: OverlapVerdict; reason: string } {
  const what = `token ${x.token} entered before token ${y.token}`;
  if (y.want >= 0 && x.enter < y.want)
    return { verdict: 'proven', reason: `${what}, and ${y.id} began acquiring after ${x.id} entered` };
  if (stoppedBetween(y.id, Math.max(y.want, 0), y.enter))
    return { verdict: 'suspended', reason: `${what}: ${y.id} was stopped before writing its enter` };
  return { verdict: 'unexplained', reason: `${what}, and no suspend explains it` };
}

/** Reads and checks a log file (an absent file is an empty log). */
export function checkCampaignLogFile(path: string): CampaignLogReport {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return checkCampaignLog(text.split('\n'));
}

/** The log lines around a hold or overlap, numbered, for a report. */
export function excerpt(lines: readonly string[], from: number, to: number, context = 3): string[] {
  const start = Math.max(0, from - context);
  const end = Math.min(lines.length, to + context + 1);
  return lines.slice(start, end).map((line, i) => `${start + i}: ${line}`);
}
