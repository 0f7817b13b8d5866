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
