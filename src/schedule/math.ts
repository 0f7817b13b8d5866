/**
 * Closed forms for the arrival instants of each rate shape.
 *
 * Convention (all shapes): within a phase, N(t) is the cumulative planned count, the integral of
 * the rate from the phase start. The n-th arrival (n = 0, 1, ...) is at the t_n with N(t_n) = n,
 * and a phase of duration d plans floor(N(d)) arrivals: only whole arrivals, so every t_n < d and
 * a fractional remainder at the end of a phase is dropped, never rounded up.
 * Times here are seconds and rates per second; the schedule converts to milliseconds.
 */

/**
 * floor(x), forgiving the rounding of products such as 0.29 * 100 = 28.999999999999996, which
 * a user means as 29. The slack (1e-9 relative) is far below one arrival at any real rate.
 */
export function wholeArrivals(x: number): number {
  if (!(x > 0)) return 0;
  return Math.floor(x + 1e-9 * Math.max(1, x));
}

/**
 * Ramp from rate a to rate b over d seconds: rate(t) = a + (b - a) t / d, so
 *   N(t) = a t + (b - a) t^2 / (2 d).
 * Solving N(t) = n, i.e. k t^2 + a t - n = 0 with k = (b - a) / (2 d), the root that is >= 0 is
 *   t = (-a + sqrt(a^2 + 4 k n)) / (2 k)  =  2 n / (a + sqrt(a^2 + 4 k n))
 * (multiply by the conjugate). The second form never subtracts nearly equal numbers, and it also
 * holds for k = 0 (a flat ramp: t = n / a), for k < 0 (a falling ramp: for n <= N(d) the
 * discriminant is >= b^2 >= 0) and for a = 0 (t = sqrt(n / k)). Only n = 0 with a = 0 is 0 / 0.
 */
export function rampInstantSec(n: number, fromPerSec: number, toPerSec: number, durationSec: number): number {
  if (n === 0) return 0;
  const k = (toPerSec - fromPerSec) / (2 * durationSec);
  const discriminant = Math.max(0, fromPerSec * fromPerSec + 4 * k * n);
  return (2 * n) / (fromPerSec + Math.sqrt(discriminant));
}

/** Ramp count: N(d) = (a + b) d / 2, the area of the trapezoid. */
export function rampCount(fromPerSec: number, toPerSec: number, durationSec: number): number {
  return wholeArrivals(((fromPerSec + toPerSec) * durationSec) / 2);
}

/**
 * Sine with mean m, amplitude A <= m, period P: rate(t) = m + A sin(2 pi t / P), so
 *   N(t) = m t + (A P / (2 pi)) (1 - cos(2 pi t / P)).
 */
export function sineCumulative(t: number, meanPerSec: number, amplitudePerSec: number, periodSec: number): number {
  const wave = (amplitudePerSec * periodSec) / (2 * Math.PI);
  return meanPerSec * t + wave * (1 - Math.cos((2 * Math.PI * t) / periodSec));
}

function sineRate(t: number, meanPerSec: number, amplitudePerSec: number, periodSec: number): number {
  return meanPerSec + amplitudePerSec * Math.sin((2 * Math.PI * t) / periodSec);
}

/**
 * Inverse of sineCumulative. N has no closed-form inverse; it is monotone (rate >= m - A >= 0),
 * and since 0 <= N(t) - m t <= A P / pi, the root lies in
 *   [(n - A P / pi) / m, n / m].
 * Newton's method from inside that bracket converges in a few steps; where it would leave the
 * bracket (near a zero of the rate when A = m) the step is a bisection instead.
 */
export function sineInstantSec(n: number, meanPerSec: number, amplitudePerSec: number, periodSec: number): number {
  if (n === 0) return 0;
  let lo = Math.max(0, (n - (amplitudePerSec * periodSec) / Math.PI) / meanPerSec);
  let hi = n / meanPerSec;
  let t = hi;
  for (let i = 0; i < 100; i++) {
    const excess = sineCumulative(t, meanPerSec, amplitudePerSec, periodSec) - n;
    if (Math.abs(excess) < 1e-12 * Math.max(1, n)) return t;
    if (excess < 0) lo = t;
    else hi = t;
    const rate = sineRate(t, meanPerSec, amplitudePerSec, periodSec);
    const next = rate > 0 ? t - excess / rate : Number.NaN;
    t = next > lo && next < hi ? next : (lo + hi) / 2;
    if (hi - lo < 1e-12 * Math.max(1, hi)) return t;
  }
  return t;
}

/** Sine count: floor(N(d)). */
export function sineCount(meanPerSec: number, amplitudePerSec: number, periodSec: number, durationSec: number): number {
  return wholeArrivals(sineCumulative(durationSec, meanPerSec, amplitudePerSec, periodSec));
}
