/**
 * The properties, as pure checks over one case's record. Each returns the violations it found
 * (empty: the property holds), worded so that a failing case explains itself.
 *
 * @module
 */
import { describeConfig } from './config.js';
import { US } from './scheduler.js';
import type { Hold, SimResult } from './world.js';

const ms = (us: number) => (Number.isFinite(us) ? `${(us / US).toFixed(3)}ms` : '∞');
const who = (h: Hold) =>
  `#${h.id} c${h.who}(${h.kind} ${h.mode} ${h.lockId}${h.token === undefined ? '' : ` token ${h.token}`})`;

/**
 * (1) No two conflicting holders at any instant while both believe they hold. A holder whose
 * machine was suspended believes nothing while suspended (it cannot act); on waking, it goes on
 * believing only if `isHeld()` says so (world.ts), so the overlap counted is what is left of the two
 * stretches once both holders' suspends are cut out.
 */
export function checkSafety(r: SimResult): string[] {
  const out: string[] = [];
  const holds = [...r.holds].sort((a, b) => a.fromUs - b.fromUs);
  for (let i = 0; i < holds.length; i++) {
    const a = holds[i] as Hold;
    for (let j = i + 1; j < holds.length; j++) {
      const b = holds[j] as Hold;
      if (b.fromUs >= a.toUs) continue;
      if (a.mode === 'shared' && b.mode === 'shared') continue;
      const both = awake(Math.max(a.fromUs, b.fromUs), Math.min(a.toUs, b.toUs), [...a.frozen, ...b.frozen]);
      if (both === undefined) continue;
      out.push(
        `overlap: ${who(a)} held ${ms(a.fromUs)}–${ms(a.toUs)} (${a.endedBy}${frozen(a)}) and ${who(b)} held ${ms(b.fromUs)}–${ms(b.toUs)} (${b.endedBy}${frozen(b)}), both awake from ${ms(both)}`,
      );
    }
  }
  return out;
}

/** The first instant of [from, to) outside every frozen stretch, if any. */
function awake(from: number, to: number, frozenStretches: Hold['frozen']): number | undefined {
  let t = from;
  for (const f of [...frozenStretches].sort((x, y) => x.fromUs - y.fromUs)) {
    if (f.fromUs > t) break;
    if (f.toUs > t) t = f.toUs;
  }
  return t < to ? t : undefined;
}

function frozen(h: Hold): string {
  return h.frozen.length === 0
    ? ''
    : `, suspended ${h.frozen.map((f) => `${ms(f.fromUs)}–${ms(f.toUs)}`).join(' ')}`;
}

/**
 * (2) Fencing tokens strictly increase in the order exclusive holders acquired, and the fenced
 * resource never accepted writes from two holders with the same token (with the acceptance rule
 * "token ≥ highest seen", that is: no write of an older holder after a newer holder wrote).
 */
export function checkFencing(r: SimResult): string[] {
  const out = [...r.fenceViolations];
  const exclusive = r.holds
    .filter((h) => h.kind === 'ts' && h.mode === 'exclusive')
    .sort((a, b) => a.fromUs - b.fromUs);
  for (let i = 0; i < exclusive.length; i++) {
    const h = exclusive[i] as Hold;
    if (h.token === undefined) {
      out.push(`${who(h)} holds exclusively without a fencing token`);
      continue;
    }
    const prev = exclusive[i - 1];
    if (prev?.token !== undefined && h.token <= prev.token) {
      out.push(`token order: ${who(prev)} acquired at ${ms(prev.fromUs)}, then ${who(h)} at ${ms(h.fromUs)}`);
    }
  }
  return out;
}

/** (3) Once faults stop, every blocking acquire of a live contender resolves true within the bound. */
export function checkLiveness(r: SimResult): string[] {
  const out: string[] = [];
  if (r.abort) out.push(`the case did not finish: ${r.abort}`);
  for (const c of r.stuck) out.push(`c${c} never finished its script (ended at ${ms(r.endUs)})`);
  const boundUs = r.livenessBoundMs * US;
  for (const a of r.acquires) {
    if (a.kind !== 'ts' || a.outcome === 'crashed') continue;
    const quiet = a.startUs >= r.quietFromUs;
    const waitedFrom = Math.max(a.startUs, r.quietFromUs);
    const endUs = a.endUs ?? r.endUs;
    const label = `c${a.who} ${a.label} (${a.mode}${a.blocking ? '' : ', non-blocking'}${a.timeoutMs === undefined ? '' : `, timeout ${a.timeoutMs}`}) started ${ms(a.startUs)}`;
    if (quiet && a.outcome !== 'won' && a.outcome !== 'not-won')
      out.push(`${label}: ${a.outcome} after faults stopped`);
    if (
      a.blocking &&
      a.timeoutMs === undefined &&
      a.outcome !== 'won' &&
      (quiet || a.outcome === 'pending')
    ) {
      out.push(`${label}: never won (${a.outcome})`);
    }
    if (a.outcome === 'won' && a.blocking && a.timeoutMs === undefined && endUs - waitedFrom > boundUs) {
      out.push(
        `${label}: won only at ${ms(endUs)}, ${ms(endUs - waitedFrom)} after faults stopped (bound ${r.livenessBoundMs.toFixed(0)}ms)`,
      );
    }
  }
  return out;
}

/**
 * (4) After everyone released and the janitor broke what crashed contenders left, nothing is left.
 * `orphanLeases: 'tolerate'` skips lease objects whose ticket is gone (known bug K2: nobody collects
 * them); every other leftover still counts.
 */
export function checkCleanup(r: SimResult, options: { orphanLeases?: 'tolerate' | 'report' } = {}): string[] {
  const out: string[] = [];
  if (r.abort) out.push(`the case did not finish: ${r.abort}`);
  if (r.janitor !== 'done')
    out.push(`janitor: ${r.janitor} (${r.acquires.at(-1)?.outcome ?? 'did not run'})`);
  const ticketIds = new Set(
    (r.leftovers ?? [])
      .filter((o) => o.key.includes('.lock.'))
      .map((o) => o.key.slice(o.key.lastIndexOf('.') + 1, -2)),
  );
  for (const o of r.leftovers ?? []) {
    if (options.orphanLeases === 'tolerate' && o.key.includes('.lease.')) {
      const lockId = o.key.split('.lease.')[1]?.split('.')[0] ?? '';
      if (!ticketIds.has(lockId)) continue;
    }
    out.push(
      `left behind: ${o.key}${o.versionId === 'null' ? '' : ` version ${o.versionId}`}${o.isDeleteMarker ? ' (delete marker)' : ''}`,
    );
  }
  return out;
}

/**
 * (6) Collection keeps up (conditional strategy): at every sample over the case, the turn and done
 * objects other than checkpoints number at most what collection may not take yet — the turns
 * younger than twice the retention, with their done markers — plus a few blocks of `checkpointEvery`
 * (the newest are never collected, and a run comes only every so many releases). Nothing grows with
 * the number of turns taken.
 */
export function checkCollection(r: SimResult): string[] {
  const k = r.turnSettings.checkpointEvery;
  const out: string[] = [];
  for (const s of r.turnObjects) {
    const bound = 2 * s.young + 8 * k + 40;
    if (s.count > bound) {
      out.push(
        `at ${ms(s.atUs)} after ${s.acquisitions} acquisitions (frontier ${s.turns}): ${s.count} turn and done objects besides checkpoints, more than ${bound} (${s.young} turns younger than 2 retentions)`,
      );
    }
  }
  return out.slice(0, 3);
}

/**
 * (4, conditional strategy) After the janitor let the retention pass and collected: no turn below
 * the frontier it saw is left but checkpoints, no turn is running, no done marker is orphaned, no
 * lease is left (see `conditionalLeftovers` in world.ts).
 */
export function checkConditionalCleanup(r: SimResult): string[] {
  const out: string[] = [];
  if (r.abort) out.push(`the case did not finish: ${r.abort}`);
  if (r.janitor !== 'done')
    out.push(`janitor: ${r.janitor} (${r.acquires.at(-1)?.outcome ?? 'did not run'})`);
  return [...out, ...(r.turnLeftovers ?? ['the janitor did not collect'])].slice(0, 8);
}

/** A readable trace of a case: its configuration, the holds and the acquisitions. */
export function describeResult(r: SimResult): string {
  const lines = [
    describeConfig(r.config),
    `ended at ${ms(r.endUs)} after ${r.events} events, ${r.requests} requests`,
  ];
  lines.push('holds:');
  for (const h of [...r.holds].sort((a, b) => a.fromUs - b.fromUs)) {
    lines.push(`  ${who(h)} ${ms(h.fromUs)}–${ms(h.toUs)} ${h.endedBy}`);
  }
  lines.push('acquisitions:');
  for (const a of r.acquires) {
    lines.push(
      `  c${a.who} ${a.label} ${a.mode} ${ms(a.startUs)}–${a.endUs === undefined ? '…' : ms(a.endUs)}: ${a.outcome}`,
    );
  }
  if (r.crashed.length > 0) lines.push(`crashed: ${r.crashed.map((c) => `c${c}`).join(' ')}`);
  return lines.join('\n');
}
