/**
 * The statistics of a keep-alive sweep: P(cold | gap) with a confidence interval, and the gap at
 * which half the environments are gone.
 */
import { normalQuantile } from '../../diff/random.js';

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for k successes in n trials at the given confidence:
 *
 *   (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n),   p = k/n
 *
 * Why Wilson and not the textbook p +- z sqrt(p(1-p)/n) (Wald): a sweep has few samples per gap
 * (tens) and its proportions sit at or near 0 and 1 (every environment still warm, or every one
 * gone). There Wald's interval collapses to a single point at 0/n and n/n and covers the true
 * value far less often than it claims; Wilson's stays inside [0, 1], is never empty, and keeps
 * close to its nominal coverage down to small n (Brown, Cai and DasGupta, "Interval Estimation
 * for a Binomial Proportion", Statistical Science 16(2), 2001, who recommend it for n < 40).
 * It assumes independent trials: environments that share a host may be evicted together, which
 * would make the real uncertainty wider (docs/sweep.md).
 */
export function wilson(k: number, n: number, confidence: number): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const z2n = (z * z) / n;
  const centre = p + z2n / 2;
  const half = z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  const scale = 1 + z2n;
  return { low: Math.max(0, (centre - half) / scale), high: Math.min(1, (centre + half) / scale) };
}

export interface CurvePoint {
  gapMs: number;
  p: number;
  low: number;
  high: number;
}

export interface KeepAliveEstimate {
  /** Where P(cold) first reaches 0.5; null when it does not within the gaps measured. */
  estimateMs: number | null;
  /**
   * The gaps between which it lies at the stated confidence: where the interval's upper bound
   * first reaches 0.5 (low) and where its lower bound does (high). Null: beyond the measured range
   * on that side (low null: at or below the shortest gap; high null: beyond the longest).
   */
  lowMs: number | null;
  highMs: number | null;
  /** What the numbers mean, in a sentence. */
  note: string;
}

/**
 * The gap at which a curve through the points first reaches 0.5, with straight lines between
 * neighbouring gaps (linear interpolation of P against the gap):
 *
 *   g* = g_(i-1) + (0.5 - P_(i-1)) (g_i - g_(i-1)) / (P_i - P_(i-1))
 *
 * for the first i with P_i >= 0.5. `null` before the first gap means the curve is already at 0.5
 * at the shortest gap; `undefined` means it never gets there.
 */
export function firstCrossing(points: readonly { gapMs: number; value: number }[]): number | null | undefined {
  for (let i = 0; i < points.length; i++) {
    const here = points[i]!;
    if (here.value < 0.5) continue;
    if (i === 0) return null;
    const before = points[i - 1]!;
    return before.gapMs + ((0.5 - before.value) * (here.gapMs - before.gapMs)) / (here.value - before.value);
  }
  return undefined;
}

/** The keep-alive from the measured curve, points in increasing gap order. */
export function estimateKeepAlive(points: readonly CurvePoint[]): KeepAliveEstimate {
  if (points.length === 0) return { estimateMs: null, lowMs: null, highMs: null, note: 'no gap was measured' };
  const at = (pick: (p: CurvePoint) => number) => firstCrossing(points.map((p) => ({ gapMs: p.gapMs, value: pick(p) })));
  const estimate = at((p) => p.p);
  const low = at((p) => p.high);
  const high = at((p) => p.low);
  const shortest = points[0]!.gapMs;
  const longest = points.at(-1)!.gapMs;
  let note = 'P(cold) crosses 0.5 between two measured gaps (straight line between them)';
  if (estimate === null) note = `more than half the environments were gone already after the shortest gap (${shortest} ms)`;
  if (estimate === undefined) note = `fewer than half the environments were gone even after the longest gap (${longest} ms)`;
  return { estimateMs: estimate ?? null, lowMs: low ?? null, highMs: high ?? null, note };
}
