/**
 * Small statistics for the reliability suites: percentiles of waits, and whether a memory series
 * grows. Pure functions, tested against planted series in test/reliability/checkers.test.ts.
 */

/** The `p`-th percentile (0–100) of `values` by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50, p99 and max of `values`, rounded to whole units. */
export function summarise(values: readonly number[]): {
  count: number;
  p50: number;
  p99: number;
  max: number;
} {
  return {
    count: values.length,
    p50: Math.round(percentile(values, 50)),
    p99: Math.round(percentile(values, 99)),
    max: Math.round(values.length === 0 ? Number.NaN : Math.max(...values)),
  };
}

/** One memory sample of a process: seconds since it started sampling, and bytes. */
export interface MemorySample {
  tS: number;
  heapUsed: number;
  rss: number;
}

/** How a memory series moved once warmed up. */
export interface MemoryTrend {
  samples: number;
  /** Seconds covered after the warm-up. */
  spanS: number;
  /** Least-squares slope of heapUsed, bytes per second. */
  heapSlopeBps: number;
  /** Median heapUsed of the last third minus that of the first third (after warm-up), bytes. */
  heapGrowth: number;
  rssGrowth: number;
  heapFirst: number;
  heapLast: number;
}

const median = (values: number[]) => percentile(values, 50);

/**
 * The trend of `samples` after dropping the first `warmupFraction` (JIT, pools and caches fill up
 * early). Thirds are compared by their medians, so a single GC-timing outlier does not decide.
 */
export function memoryTrend(samples: readonly MemorySample[], warmupFraction = 0.2): MemoryTrend {
  const kept = samples.slice(Math.floor(samples.length * warmupFraction));
  const third = Math.max(1, Math.floor(kept.length / 3));
  const first = kept.slice(0, third);
  const last = kept.slice(-third);
  const n = kept.length;
  const meanT = kept.reduce((s, x) => s + x.tS, 0) / n;
  const meanH = kept.reduce((s, x) => s + x.heapUsed, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of kept) {
    num += (x.tS - meanT) * (x.heapUsed - meanH);
    den += (x.tS - meanT) ** 2;
  }
  return {
    samples: n,
    spanS: n === 0 ? 0 : (kept[n - 1] as MemorySample).tS - (kept[0] as MemorySample).tS,
    heapSlopeBps: den === 0 ? 0 : num / den,
    heapGrowth: median(last.map((x) => x.heapUsed)) - median(first.map((x) => x.heapUsed)),
    rssGrowth: median(last.map((x) => x.rss)) - median(first.map((x) => x.rss)),
    heapFirst: median(first.map((x) => x.heapUsed)),
    heapLast: median(last.map((x) => x.heapUsed)),
  };
}

/**
 * Problems with a memory trend, empty when flat: the heap (measured after a forced GC) may not grow
 * by more than `maxHeapGrowth` bytes between the first and last thirds, nor trend upwards by more
 * than `maxHeapGrowth` over the span; RSS (which the allocator returns lazily) gets `maxRssGrowth`.
 */
export function memoryProblems(
  trend: MemoryTrend,
  { maxHeapGrowth, maxRssGrowth }: { maxHeapGrowth: number; maxRssGrowth: number },
): string[] {
  const problems: string[] = [];
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
  if (trend.samples < 6) problems.push(`only ${trend.samples} samples after warm-up`);
  if (trend.heapGrowth > maxHeapGrowth)
    problems.push(`heap grew ${mb(trend.heapGrowth)} (limit ${mb(maxHeapGrowth)})`);
  if (trend.heapSlopeBps * trend.spanS > maxHeapGrowth)
    problems.push(
      `heap trends up ${mb(trend.heapSlopeBps * trend.spanS)} over ${trend.spanS.toFixed(0)} s (limit ${mb(maxHeapGrowth)})`,
    );
  if (trend.rssGrowth > maxRssGrowth)
    problems.push(`RSS grew ${mb(trend.rssGrowth)} (limit ${mb(maxRssGrowth)})`);
  return problems;
}
