/**
 * A distribution given by evenly spaced quantiles q_0 <= q_1 <= ... <= q_n (q_0 the minimum,
 * q_n the maximum, q_k the k/n quantile), with straight lines between them: the inverse CDF is
 *
 *   F^-1(p) = q_k + (p n - k) (q_{k+1} - q_k),   k = floor(p n)
 *
 * so the density is flat between two neighbouring quantiles. Two quantiles [min, max] are the
 * uniform distribution on [min, max].
 */
import type { Random } from '../schedule/prng.js';

export function inverseCdf(quantiles: readonly number[], p: number): number {
  const n = quantiles.length - 1;
  if (n < 0) throw new Error('a distribution needs at least one quantile');
  if (n === 0 || p <= 0) return quantiles[0]!;
  if (p >= 1) return quantiles[n]!;
  const position = p * n;
  const k = Math.floor(position);
  const lo = quantiles[k]!;
  return lo + (position - k) * (quantiles[k + 1]! - lo);
}

/** The median, F^-1(0.5). */
export function medianOf(quantiles: readonly number[]): number {
  return inverseCdf(quantiles, 0.5);
}

/**
 * Draws from the distribution by inverting its CDF at a uniform number: `random` gives (0, 1],
 * so 1 - u is in [0, 1) and every draw is in [q_0, q_n].
 */
export function sampler(quantiles: readonly number[], random: Random): () => number {
  return () => inverseCdf(quantiles, 1 - random());
}
