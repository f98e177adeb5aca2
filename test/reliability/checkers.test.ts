/**
 * The reliability suites' own checkers have teeth: each catches a planted violation and passes a
 * clean case, so a green suite means "looked and found nothing", not "did not look".
 */
import { describe, expect, it } from 'vitest';
import { checkCampaignLog } from '../support/campaign-log.js';
import { FencedResource } from '../support/fenced-resource.js';
import { type MemorySample, memoryProblems, memoryTrend, percentile, summarise } from '../support/figures.js';
import { checkLockLog } from '../support/lock-log.js';

describe('the critical-section log checker', () => {
  it('reports an exclusive holder entering while another is inside, and a shared one entering beside an exclusive one', () => {
    const report = checkLockLog([
      'enter a 1 exclusive 1',
      'enter a 2 exclusive 2', // planted: 1 is still inside
      'exit a 1',
      'exit a 2',
      'enter a 3 shared -',
      'enter a 4 exclusive 3', // planted: 3 (shared) is inside
      'exit a 3',
      'exit a 4',
    ]);
    expect(report.overlaps).toHaveLength(2);
    expect(report.entries).toBe(4);
  });

  it('accepts readers together, the same holder again, other locks, and holders that died', () => {
    const report = checkLockLog([
      'enter a 1 shared -',
      'enter a 2 shared -',
      'enter b 3 exclusive 1', // another lock
      'exit a 1',
      'exit a 2',
      'enter a 4 exclusive 1',
      'died 4', // SIGKILLed inside: out of every lock
      'enter a 5 exclusive 2',
      'exit a 5',
      'exit b 3',
    ]);
    expect(report.overlaps).toEqual([]);
    expect(report.tokenViolations).toEqual([]);
    expect(report.locks).toBe(2);
    expect(report.byMode).toEqual({ exclusive: 3, shared: 2 });
  });

  it('reports fencing tokens that do not rise, per lock, and lines that are not in the format', () => {
    const report = checkLockLog([
      'enter a 1 exclusive 5',
      'exit a 1',
      'enter a 2 exclusive 5', // planted: not above 5
      'exit a 2',
      'enter b 3 exclusive 1', // a different lock starts its own sequence
      'exit b 3',
      'enter a 4 exclusive 4', // planted: went down
      'exit a 4',
      'enter a 5 exclu', // a torn line
    ]);
    expect(report.tokenViolations).toHaveLength(2);
    expect(report.malformed).toEqual(['enter a 5 exclu']);
  });
});

describe('the campaign log checker (beliefs proven from the log, suspends)', () => {
  const verdicts = (lines: string[]) => checkCampaignLog(lines).overlaps.map((o) => o.verdict);

  it('proves an overlap when both holders certified a belief past the second entry', () => {
    const report = checkCampaignLog([
      'want a A exclusive',
      'enter a A exclusive 1',
      'want a B exclusive',
      'enter a B exclusive 2', // planted: A is inside and still believes (its beat below)
      'beat a A', // A evaluated isHeld() true after its enter line…
      'beat a A', // …and after the previous beat, which came after B's enter
      'beat a B',
      'exit a A held 1',
      'exit a B held 1',
    ]);
    expect(report.overlaps.map((o) => o.verdict)).toEqual(['proven']);
    expect(report.violations).toBe(1);
    expect(report.certifiedHolds).toBe(2);
  });

  it('proves an overlap from a newcomer that began acquiring after the holder entered, certified or not', () => {
    expect(
      verdicts([
        'want a A exclusive',
        'enter a A exclusive 1',
        'want a B shared', // B starts after A entered…
        'enter a B shared -', // …and its acquire resolved while A provably believed
        'exit a B gone 0',
        'beat a A',
        'beat a A',
        'exit a A held 1',
      ]),
    ).toEqual(['proven']);
  });

  it('calls an overlap nobody was stopped for unexplained, and one a suspend explains suspended', () => {
    const lines = [
      'want a A exclusive',
      'enter a A exclusive 1',
      'beat a A',
      'want a B exclusive',
      'enter a B exclusive 2', // A's belief is proven only up to its enter
      'beat a B',
      'exit a A gone 0', // A learns it lost only now
      'exit a B held 1',
    ];
    expect(verdicts(lines)).toEqual(['unexplained']);
    // the same, with A stopped after its last proven belief: the lease ran out while it was stopped
    const stopped = [...lines.slice(0, 3), 'stop A', ...lines.slice(3, 6), 'cont A', ...lines.slice(6)];
    const report = checkCampaignLog(stopped);
    expect(report.overlaps.map((o) => o.verdict)).toEqual(['suspended']);
    expect(report.violations).toBe(0);
    expect(report.suspends).toEqual([{ id: 'A', from: 3, to: 7 }]);
  });

  it('does not excuse a stopped holder that left still believing it held', () => {
    expect(
      verdicts([
        'want a A exclusive',
        'enter a A exclusive 1',
        'stop A',
        'want a B exclusive',
        'enter a B exclusive 2',
        'cont A',
        'exit a A held 0', // planted: isHeld() was still true when it left
        'beat a B',
        'exit a B held 1',
      ]),
    ).toEqual(['unexplained']);
  });

  it('excuses a newcomer stopped between its acquire and its enter line that never believed after it', () => {
    const lines = [
      'want a B exclusive',
      'stop B', // B's acquire resolved, then B was stopped and lost its lease
      'want a A exclusive',
      'enter a A exclusive 2',
      'beat a A',
      'cont B',
      'enter a B exclusive 1', // B's late enter line, with the older token
      'exit a B gone 0',
      'beat a A',
      'exit a A held 1',
    ];
    const report = checkCampaignLog(lines);
    // A's beats prove its belief past B's enter, but B's acquire may have resolved before A's:
    // not proven; B's suspend explains the overlap and its older token
    expect(report.overlaps.map((o) => o.verdict)).toEqual(['suspended']);
    expect(report.tokens.map((t) => t.verdict)).toEqual(['suspended']);
    expect(report.violations).toBe(0);
  });

  it('reports duplicate tokens, and inversions it can prove or nobody was stopped for', () => {
    const report = checkCampaignLog([
      'want a A exclusive',
      'enter a A exclusive 5',
      'exit a A held 1',
      'want a B exclusive', // began after A entered: its token must be above 5
      'enter a B exclusive 4',
      'exit a B held 1',
      'want a C exclusive',
      'want a D exclusive',
      'enter a C exclusive 7',
      'exit a C held 1',
      'enter a D exclusive 6', // D began before C entered, and nobody was stopped
      'exit a D held 1',
      'want a E exclusive',
      'enter a E exclusive 7', // planted: C's token again
      'exit a E held 1',
    ]);
    expect(report.tokens.map((t) => t.verdict).sort()).toEqual(['duplicate', 'proven', 'unexplained']);
    expect(report.overlaps).toEqual([]);
  });

  it('accepts shared holders together, holders that died, and a clean log; flags torn lines', () => {
    const report = checkCampaignLog([
      '# phase 0 ticket',
      'want a A shared',
      'want a B shared',
      'enter a A shared -',
      'enter a B shared -',
      'beat a A',
      'exit a A held 1',
      'exit a B gone 1',
      'want a C exclusive',
      'enter a C exclusive 1',
      'died C', // SIGKILLed inside
      'want a D exclusive',
      'enter a D exclusive 2',
      'exit a D held 1',
      'enter a E exclu',
    ]);
    expect(report.overlaps).toEqual([]);
    expect(report.tokens).toEqual([]);
    expect(report.byMode).toEqual({ exclusive: 2, shared: 2 });
    expect(report.holds.map((h) => h.how)).toEqual(['held', 'gone', 'died', 'held']);
    expect(report.malformed).toEqual(['enter a E exclu']);
  });
});

describe('the fenced resource', () => {
  it('refuses a write whose token is below the highest accepted, and accepts equal and higher ones', async () => {
    const resource = await FencedResource.start();
    try {
      const post = (token: number) =>
        fetch(`${resource.endpoint}/r?token=${token}&writer=w${token}`, { method: 'POST' }).then(
          (r) => r.status,
        );
      expect(await post(3)).toBe(200);
      expect(await post(3)).toBe(200); // the same holder again
      expect(await post(7)).toBe(200);
      expect(await post(5)).toBe(409); // planted: a stale holder's late write
      expect(await fetch(`${resource.endpoint}/r`).then((r) => r.json())).toEqual({ highest: 7 });
      expect(resource.writes.map((w) => w.accepted)).toEqual([true, true, true, false]);
      expect(await fetch(`${resource.endpoint}/r?token=x`, { method: 'POST' }).then((r) => r.status)).toBe(
        400,
      );
    } finally {
      await resource.close();
    }
  });
});

describe('the memory trend', () => {
  const series = (perSecond: number, noise = 0): MemorySample[] =>
    Array.from({ length: 60 }, (_, t) => ({
      tS: t,
      heapUsed: 10e6 + perSecond * t + (t % 3) * noise,
      rss: 60e6 + perSecond * t,
    }));
  const limits = { maxHeapGrowth: 2 * 1024 * 1024, maxRssGrowth: 16 * 1024 * 1024 };

  it('calls a flat series flat, noise included', () => {
    expect(memoryProblems(memoryTrend(series(0, 300_000)), limits)).toEqual([]);
  });

  it('catches a planted leak of 100 KB a second', () => {
    const problems = memoryProblems(memoryTrend(series(100_000)), limits);
    expect(problems.join('\n')).toMatch(/heap grew/);
    expect(problems.join('\n')).toMatch(/trends up/);
  });

  it('refuses to judge from too few samples', () => {
    expect(memoryProblems(memoryTrend(series(0).slice(0, 5)), limits).join()).toMatch(/only \d samples/);
  });
});

describe('percentiles', () => {
  it('by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(summarise([3, 1, 2])).toEqual({ count: 3, p50: 2, p99: 3, max: 3 });
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
