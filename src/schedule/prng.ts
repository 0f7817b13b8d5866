/**
 * A small seeded generator (mulberry32) so a poisson phase plans the same instants on every
 * machine: only 32-bit integer operations, which JavaScript defines exactly.
 */
export type Random = () => number;

/** Uniform numbers in (0, 1]: never 0, so -ln(u) is always finite. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    x = (x ^ (x >>> 14)) >>> 0;
    return (x + 1) / 4_294_967_296;
  };
}

/**
 * An exponential gap with the given mean: if U is uniform on (0, 1], -mean * ln(U) is
 * exponential with that mean (inverse of the CDF 1 - e^(-x/mean)).
 */
export function exponentialGap(random: Random, mean: number): number {
  return -mean * Math.log(random());
}

/**
 * The `index`-th number (from 0) of mulberry32(seed), without drawing the ones before it: the
 * generator's state after k steps is seed + k * 0x6d2b79f5 (mod 2^32), and each output is a
 * function of its state alone. So a draw made for request `seq` is the same whichever order the
 * requests are sent in, and a skipped request does not shift the ones after it.
 */
export function mulberry32At(seed: number, index: number): number {
  let x = (seed + Math.imul((index + 1) >>> 0, 0x6d2b79f5)) >>> 0;
  x = Math.imul(x ^ (x >>> 15), x | 1);
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
  x = (x ^ (x >>> 14)) >>> 0;
  return (x + 1) / 4_294_967_296;
}

/** A seed for an independent stream `stream` derived from `seed` (a 32-bit integer mix). */
export function streamSeed(seed: number, stream: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul((stream + 1) >>> 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
