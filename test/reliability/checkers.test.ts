/**
 * The reliability suites' own checkers have teeth: each catches a planted violation and passes a
 * clean case, so a green suite means "looked and found nothing", not "did not look".
 */
import { describe, expect, it } from 'vitest';
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
