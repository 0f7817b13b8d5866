/**
 * The two tests behind a diff verdict: a bootstrap confidence interval for a difference of
 * statistics, and a two-proportion z-test for a difference of rates. Both are judged at the
 * per-metric level alpha (the diff divides its family-wise level among the metrics it tests).
 */
import { normalQuantile } from './random.js';

export interface Interval {
  lo: number;
  hi: number;
}

/** The test's interval for candidate - base, and whether it excludes zero. */
export interface TestResult {
  ci: Interval;
  significant: boolean;
}

/**
 * Enough bootstrap draws that each tail of the interval is estimated from about 10 draws: a
 * tail holds alpha/2 of them, so draws >= 20 / alpha, within [2000, 10000].
 */
export function drawsFor(alpha: number): number {
  return Math.min(10_000, Math.max(2000, Math.ceil(20 / alpha)));
}

/**
 * Percentile bootstrap interval of D = candidate - base from independent draws of each side's
 * statistic: the alpha/2 and 1 - alpha/2 quantiles of the simulated D.
 */
export function bootstrapDifference(drawBase: () => number, drawCandidate: () => number, alpha: number): TestResult {
  const draws = drawsFor(alpha);
  const d = new Float64Array(draws);
  for (let i = 0; i < draws; i++) d[i] = drawCandidate() - drawBase();
  d.sort();
  const at = (q: number): number => d[Math.min(draws - 1, Math.max(0, Math.round(q * (draws - 1))))]!;
  const ci = { lo: at(alpha / 2), hi: at(1 - alpha / 2) };
  return { ci, significant: ci.lo > 0 || ci.hi < 0 };
}

/**
 * Two-proportion z-test of x1/n1 (base) against x2/n2 (candidate). Under "no difference" both
 * come from the pooled rate p = (x1 + x2) / (n1 + n2), so the difference has standard error
 *   se = sqrt(p (1 - p) (1/n1 + 1/n2))
 * and z = (|x2/n2 - x1/n1| - c) / se, with Yates' continuity correction c = (1/n1 + 1/n2) / 2
 * (counts are whole numbers; without it the test is overconfident when events are few).
 * The interval shown is d +- (z_crit se + c), so it excludes zero exactly when the test rejects.
 * When both rates are 0 (or both 1) se is 0 and nothing is significant.
 */
export function twoProportion(x1: number, n1: number, x2: number, n2: number, alpha: number): TestResult {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const d = p2 - p1;
  const half = criticalZ(alpha) * se + (1 / n1 + 1 / n2) / 2;
  return { ci: { lo: d - half, hi: d + half }, significant: se > 0 && Math.abs(d) > half };
}

/** Two-sided critical value: z with P(|Z| > z) = alpha. */
export function criticalZ(alpha: number): number {
  return normalQuantile(1 - alpha / 2);
}
