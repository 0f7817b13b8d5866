/**
 * HDR histograms of times. Values are recorded in microseconds (3 significant digits, up to one
 * hour) and reported in milliseconds. Counts only, never samples: memory stays flat.
 */
import { Int32Histogram, build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram, JsHistogram } from 'hdr-histogram-js';

export type { Histogram };

const HIGHEST_US = 3_600_000_000;

/**
 * hdr-histogram-js's 32-bit histogram, recording faster. Its recordValue finds a value's bucket
 * with Math.log2 and Math.pow (about 70 ns per value, five values per request); here the same
 * bucket comes from bit arithmetic (about 11 ns; bench/engine-overhead.mjs). Counts, total, min
 * and max end up exactly as the library's own recordValue leaves them (a test records the same
 * values into both); everything else (percentiles, adding, encoding) is the library's.
 *
 * Valid for a lowest discernible value of 1 (unit magnitude 0) and integers below 2^32, which is
 * all this histogram is built for; anything else goes to the library's own path.
 */
export class FastRecordHistogram extends Int32Histogram {
  override recordValue(value: number): void {
    if (!(value >= 0 && value < 2 ** 32) || value % 1 !== 0 || this.unitMagnitude !== 0) {
      super.recordValue(value);
      return;
    }
    const half = this.subBucketHalfCountMagnitude;
    // The bucket: floor(log2(value)) - half, at least 0; the sub-bucket: value >> bucket.
    let bucket = 31 - Math.clz32(value) - half;
    if (bucket < 0) bucket = 0;
    const index = (bucket << half) + (value >>> bucket);
    const count = index < this.countsArrayLength ? this._counts[index]! + 1 : -1;
    if (count < 0 || count > INT32_MAX) {
      super.recordValue(value); // out of range or an overflowing count: the library says so
      return;
    }
    this._counts[index] = count;
    if (value > this.maxValue) this.maxValue = value;
    if (value !== 0 && value < this.minNonZeroValue) this.minNonZeroValue = value;
    this._totalCount++;
  }
}

const INT32_MAX = 2 ** 31 - 1;

export function newHistogram(): Histogram {
  return new FastRecordHistogram(1, HIGHEST_US, 3);
}

/** Records a duration given in milliseconds; clamps to the trackable range. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(us < 1 ? 1 : us > HIGHEST_US ? HIGHEST_US : us);
}

/** SPEC section 7's summary S, in milliseconds. */
export interface Summary {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const ms = (us: number): number => round3(us / 1000);

/**
 * The summary of a histogram. `exact` gives the smallest and largest values recorded, in us,
 * where the histogram cannot: one decoded from its encoding, which keeps bucket counts only, has
 * its min and max rounded to their buckets' ends (1,234,567 us comes back as 1,234,943).
 */
export function summarize(h: Histogram, exact?: { minUs: number; maxUs: number }): Summary {
  if (h.totalCount === 0) {
    return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  // A quantile is reported as the highest value of its bucket, which can exceed the largest
  // value recorded: clamp, so that p99 <= max always reads true.
  const max = exact?.maxUs ?? h.maxValue;
  const q = (p: number): number => ms(Math.min(h.getValueAtPercentile(p), max));
  return {
    count: h.totalCount,
    min: ms(exact?.minUs ?? h.minNonZeroValue),
    mean: ms(h.mean),
    stdev: ms(h.stdDeviation),
    p50: q(50),
    p90: q(90),
    p95: q(95),
    p99: q(99),
    p999: q(99.9),
    max: ms(max),
  };
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64, 32);
}

/** The settings two histograms must share to be added exactly. */
export interface HistogramParameters {
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  numberOfSignificantValueDigits: number;
}

export function parametersOf(h: Histogram): HistogramParameters {
  // Every histogram here is a JsHistogram (this package never builds the WebAssembly kind).
  const js = h as JsHistogram;
  return {
    lowestDiscernibleValue: js.lowestDiscernibleValue,
    highestTrackableValue: h.highestTrackableValue,
    numberOfSignificantValueDigits: h.numberOfSignificantValueDigits,
  };
}

/** An empty histogram to add others into: 64-bit counts, so a sum of many never overflows. */
export function newSumHistogram(p: HistogramParameters): Histogram {
  return build({
    bitBucketSize: 64,
    lowestDiscernibleValue: p.lowestDiscernibleValue,
    highestTrackableValue: p.highestTrackableValue,
    numberOfSignificantValueDigits: p.numberOfSignificantValueDigits as 1 | 2 | 3 | 4 | 5,
  });
}
