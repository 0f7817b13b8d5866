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

/**
 * The counts of a histogram, sparse: the index and count of each bucket that holds values, with
 * the total and the smallest and largest values recorded (exact, as recordValue kept them). A
 * histogram on another thread travels this way (a few hundred buckets, not the 24,576 of the
 * whole), and is added by addCounts as the library's `add` adds a histogram of the same shape.
 */
export interface SparseCounts {
  /** countsArrayLength of the histogram taken: only one of the same shape takes its counts. */
  length: number;
  indexes: Int32Array;
  counts: Float64Array;
  total: number;
  min: number;
  max: number;
}

/** The counts `h` recorded since it was last taken (undefined: none), and `h` empty again. */
export function takeCounts(h: Histogram): SparseCounts | undefined {
  const fast = ownHistogram(h);
  if (fast.totalCount === 0) return undefined;
  const all = fast._counts;
  const n = fast.countsArrayLength;
  // Values recorded lie in index 0 (zeros) and from the smallest other value's to the largest's:
  // a few thousand buckets of the 24,576, the rest need not be read.
  const from = fast.minNonZeroValue <= fast.maxValue ? Math.max(1, fast.countsArrayIndex(fast.minNonZeroValue)) : n;
  const to = Math.min(n - 1, fast.countsArrayIndex(fast.maxValue));
  let used = all[0] !== 0 ? 1 : 0;
  for (let i = from; i <= to; i++) if (all[i] !== 0) used++;
  const indexes = new Int32Array(used);
  const counts = new Float64Array(used);
  let k = 0;
  const keep = (i: number): void => {
    indexes[k] = i;
    counts[k++] = all[i]!;
  };
  if (all[0] !== 0) keep(0);
  for (let i = from; i <= to; i++) if (all[i] !== 0) keep(i);
  const taken: SparseCounts = { length: n, indexes, counts, total: fast.totalCount, min: fast.minNonZeroValue, max: fast.maxValue };
  fast.reset();
  return taken;
}

/** Adds counts taken by takeCounts from a histogram of the same shape, as `h.add` would add that histogram. */
export function addCounts(h: Histogram, c: SparseCounts): void {
  const fast = ownHistogram(h);
  if (c.length !== fast.countsArrayLength) throw new Error(`counts of ${c.length} buckets cannot be added to a histogram of ${fast.countsArrayLength}`);
  for (let k = 0; k < c.indexes.length; k++) fast.addToCountAtIndex(c.indexes[k]!, c.counts[k]!);
  fast.setTotalCount(fast.totalCount + c.total);
  fast.updatedMaxValue(Math.max(fast.maxValue, c.max));
  fast.updateMinNonZeroValue(Math.min(fast.minNonZeroValue, c.min));
}

/** The library's members takeCounts and addCounts read, which its types leave out. */
interface CountsAccess {
  _counts: ArrayLike<number>;
  countsArrayLength: number;
  totalCount: number;
  minNonZeroValue: number;
  maxValue: number;
  reset(): void;
  countsArrayIndex(value: number): number;
  addToCountAtIndex(index: number, value: number): void;
  setTotalCount(total: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

function ownHistogram(h: Histogram): CountsAccess {
  if (!(h instanceof FastRecordHistogram)) throw new Error('counts are taken from and added to histograms of newHistogram() only');
  return h as unknown as CountsAccess;
}

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
  const [p50, p90, p95, p99, p999] = valuesAtPercentiles(h, SUMMARY_PERCENTILES).map((v) => ms(Math.min(v, max)));
  const moments = meanAndStdDeviation(h);
  return {
    count: h.totalCount,
    min: ms(exact?.minUs ?? h.minNonZeroValue),
    mean: ms(moments.mean),
    stdev: ms(moments.stdDeviation),
    p50: p50!,
    p90: p90!,
    p95: p95!,
    p99: p99!,
    p999: p999!,
    max: ms(max),
  };
}

const SUMMARY_PERCENTILES = [50, 90, 95, 99, 99.9];

/** The counts array of one of our histograms, or undefined for any other kind. */
function countsOf(h: Histogram): { counts: Uint32Array | Int32Array; length: number; half: number } | undefined {
  if (!(h instanceof FastRecordHistogram) || h.unitMagnitude !== 0) return undefined;
  const counts: unknown = h._counts;
  if (!(counts instanceof Uint32Array || counts instanceof Int32Array)) return undefined;
  return { counts, length: Math.min(h.countsArrayLength, counts.length), half: h.subBucketHalfCount };
}

/**
 * The library's getValueAtPercentile for several percentiles (ascending, above 0) in one pass
 * over the counts, with its arithmetic: the count to reach is ceil(p/100 x total - 1 ulp), at
 * least 1, and the value is the highest equivalent value of the bucket that reaches it. The
 * library starts from the first bucket for each percentile. Equal results: tested.
 */
export function valuesAtPercentiles(h: Histogram, percentiles: readonly number[]): number[] {
  const found = countsOf(h);
  if (found === undefined) return percentiles.map((p) => h.getValueAtPercentile(p));
  const { counts, length, half } = found;
  const total = h.totalCount;
  const targets = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    return Math.max(Math.ceil(fp - ulp(fp)), 1);
  });
  const values = percentiles.map(() => 0);
  let next = 0;
  let cumulative = 0;
  for (let i = 0; i < length && next < targets.length; i++) {
    cumulative += counts[i]!;
    while (next < targets.length && cumulative >= targets[next]!) {
      const { lowest, width } = bucketAtIndex(i, half);
      values[next++] = lowest + width - 1;
    }
  }
  return values;
}

/** hdr-histogram-js's ulp(): the gap to the next double above x. */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}

/**
 * The library's `mean` and `stdDeviation`, computed the same way (each bucket's median
 * equivalent value times its count, summed in index order, so the floating-point results are
 * identical: a test compares them) in one plain loop over the counts. The library walks its
 * iterator objects twice for the standard deviation (mean, then deviations): ~15 ms each for a
 * histogram with a wide spread of latencies, which a checkpoint every 10 s would take from the
 * load's thread eleven times over. Histograms of another class go to the library.
 */
export function meanAndStdDeviation(h: Histogram): { mean: number; stdDeviation: number } {
  const found = countsOf(h);
  if (found === undefined) return { mean: h.mean, stdDeviation: h.stdDeviation };
  const { counts, length, half } = found;
  const total = h.totalCount;
  if (total === 0) return { mean: 0, stdDeviation: 0 };
  let sum = 0;
  forEachBucket(counts, length, half, (median, count) => (sum += median * count));
  const mean = sum / total;
  let deviations = 0;
  forEachBucket(counts, length, half, (median, count) => {
    const deviation = median - mean;
    deviations += deviation * deviation * count;
  });
  return { mean, stdDeviation: Math.sqrt(deviations / total) };
}

/**
 * Calls `visit` with the library's medianEquivalentValue(valueFromIndex(i)) (the bucket's lowest
 * value plus half its width) and the count, for every index with a count, in index order. The
 * counts are laid out in blocks of `half`: blocks 0 and 1 hold values 0 .. 2 half - 1 one apart;
 * block k >= 2 holds sub-buckets half .. 2 half - 1, each 2^(k-1) wide (bucketAtIndex, unrolled).
 */
function forEachBucket(counts: Uint32Array | Int32Array, length: number, half: number, visit: (median: number, count: number) => void): void {
  let i = 0;
  for (let block = 0; i < length; block++) {
    const width = block < 2 ? 1 : 2 ** (block - 1);
    const halfWidth = Math.floor(width / 2);
    const end = Math.min(length, (block + 1) * half);
    for (let sub = block === 0 ? 0 : half; i < end; i++, sub++) {
      const count = counts[i]!;
      if (count !== 0) visit(sub * width + halfWidth, count);
    }
  }
}

/**
 * The values counted at one index, for unit magnitude 0 (valueFromIndex, lowestEquivalentValue
 * and sizeOfEquivalentValueRange of hdr-histogram-js's JsHistogram): from `lowest`, `width` wide.
 */
function bucketAtIndex(index: number, subBucketHalfCount: number): { lowest: number; width: number } {
  let bucket = Math.floor(index / subBucketHalfCount) - 1;
  let subBucket = (index % subBucketHalfCount) + subBucketHalfCount;
  if (bucket < 0) {
    subBucket -= subBucketHalfCount;
    bucket = 0;
  }
  const width = 2 ** bucket;
  return { lowest: subBucket * width, width };
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
