import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { FastRecordHistogram, decodeHistogram, encodeHistogram, meanAndStdDeviation, newHistogram, recordMs, valuesAtPercentiles } from '../../src/result/histogram.js';

const HIGHEST_US = 3_600_000_000;

/** The library's own histogram, built the way ours used to be. */
function libraryHistogram() {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, bitBucketSize: 32, autoResize: false });
}

/** A deterministic spread of values: every small value, powers of two and their neighbours, then pseudo-random ones. */
function values(): number[] {
  const out: number[] = [];
  for (let v = 0; v <= 5000; v++) out.push(v);
  for (let p = 0; p < 32; p++) for (const d of [-1, 0, 1]) if (2 ** p + d >= 0 && 2 ** p + d <= HIGHEST_US) out.push(2 ** p + d);
  let seed = 12345;
  for (let i = 0; i < 100_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(seed % 2 === 0 ? seed % 10_000_000 : Math.floor((seed / 2 ** 31) * HIGHEST_US));
  }
  out.push(HIGHEST_US);
  return out;
}

describe('FastRecordHistogram', () => {
  it('puts every value in the same bucket as the library, with the same total, min and max', () => {
    const fast = new FastRecordHistogram(1, HIGHEST_US, 3);
    const lib = libraryHistogram();
    for (const v of values()) {
      fast.recordValue(v);
      lib.recordValue(v);
    }
    expect(fast.countsArrayLength).toBe(lib.countsArrayLength);
    const differing: number[] = [];
    for (let i = 0; i < lib.countsArrayLength; i++) if (fast.getCountAtIndex(i) !== lib.getCountAtIndex(i)) differing.push(i);
    expect(differing).toEqual([]);
    expect(fast.totalCount).toBe(lib.totalCount);
    expect(fast.minNonZeroValue).toBe(lib.minNonZeroValue);
    expect(fast.maxValue).toBe(lib.maxValue);
    for (const p of [50, 90, 99, 99.9]) expect(fast.getValueAtPercentile(p)).toBe(lib.getValueAtPercentile(p));
    expect(encodeHistogram(fast)).toBe(encodeHistogram(lib));
  });

  it('leaves values it cannot take to the library, which refuses them as before', () => {
    const fast = new FastRecordHistogram(1, HIGHEST_US, 3);
    expect(() => fast.recordValue(HIGHEST_US * 2)).toThrow(/outside of histogram covered range/);
    expect(() => fast.recordValue(-1)).toThrow(/cannot be negative/);
    expect(fast.totalCount).toBe(0);
  });

  it('round-trips through the result file encoding', () => {
    const h = newHistogram();
    const lib = libraryHistogram();
    for (const ms of [0.2, 1.5, 12.25, 999, 61_000]) {
      recordMs(h, ms);
      recordMs(lib, ms);
    }
    const back = decodeHistogram(encodeHistogram(h));
    const libBack = decodeHistogram(encodeHistogram(lib));
    expect(back.totalCount).toBe(5);
    expect(back.maxValue).toBe(libBack.maxValue);
    expect(back.getValueAtPercentile(50)).toBe(h.getValueAtPercentile(50));
  });
});

describe('meanAndStdDeviation, valuesAtPercentiles', () => {
  it("equal the library's mean, stdDeviation and getValueAtPercentile exactly, for narrow, wide and skewed spreads", () => {
    const spreads: ((i: number) => number)[] = [
      (i) => 1 + (i % 7),
      (i) => (i * 7919) % 2_000_000,
      (i) => Math.floor(1000 * Math.exp(((i * 104729) % 1000) / 80)),
      (i) => (i % 1000 === 0 ? 3_000_000_000 : 250 + (i % 13)),
    ];
    for (const spread of spreads) {
      const h = newHistogram();
      for (let i = 0; i < 50_000; i++) h.recordValue(spread(i));
      const fast = meanAndStdDeviation(h);
      expect(fast.mean).toBe(h.mean);
      expect(fast.stdDeviation).toBe(h.stdDeviation);
      const percentiles = [0.001, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 99.999, 100];
      expect(valuesAtPercentiles(h, percentiles)).toEqual(percentiles.map((p) => h.getValueAtPercentile(p)));
    }
    expect(meanAndStdDeviation(newHistogram())).toEqual({ mean: 0, stdDeviation: 0 });
  });
});
