// Summaries of repeated measurements: the median with a spread (p10–p90 from 10 samples on, else min–max).

/** The q-quantile (0..1) of sorted numbers, interpolated. */
function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** { median, lo, hi, spread: 'p10–p90' | 'min–max', n, samples } of the given numbers. */
export function summarize(samples) {
  const sorted = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const wide = sorted.length >= 10;
  return {
    median: quantile(sorted, 0.5),
    lo: wide ? quantile(sorted, 0.1) : sorted[0],
    hi: wide ? quantile(sorted, 0.9) : sorted[sorted.length - 1],
    spread: wide ? 'p10–p90' : 'min–max',
    n: sorted.length,
    samples,
  };
}

/** A number with about three significant digits, no exponent. */
export function fmt(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x).toLocaleString('en-US');
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** `12.3 (11.9–13.0)`: median and spread of a summary. */
export function fmtSummary(s, scale = 1) {
  if (!s || s.n === 0) return '–';
  return `${fmt(s.median * scale)} (${fmt(s.lo * scale)}–${fmt(s.hi * scale)})`;
}
