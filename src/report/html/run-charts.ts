/**
 * The charts of a run report, each as a figure: its spec for the page's script and the same
 * numbers as a table. Everything comes from the result file: the timeline, the cold-start
 * events and the stored histograms (decoded here, so the page carries summaries, not samples).
 */
import type { Histogram } from '../../result/histogram.js';
import type { TimelineEntry } from '../../result/result.js';
import type { Result } from '../../result/result.js';
import { logBuckets, percentileLabel, pooledHistogram, spectrumGrid, spectrumValues } from '../distribution.js';
import type { FigureInput } from './blocks.js';
import { round3 } from './blocks.js';
import type { ChartSpec, SeriesSpec } from './chart-spec.js';

/** A timeline longer than this is drawn with buckets merged (an hour of 1 s buckets is not). */
export const MAX_TIMELINE_POINTS = 3600;
/** At most this many cold-start events go into the page (evenly spread over the list). */
export const MAX_COLD_START_POINTS = 1000;

const nullIfZero = (x: number | null | undefined): number | null => (x === undefined || x === null || x === 0 ? null : x);

export interface TimelineView {
  entries: TimelineEntry[];
  bucketMs: number;
  /** How many of the result's buckets each entry merges (1: none). */
  merged: number;
}

/**
 * The result's timeline, with buckets merged k at a time past MAX_TIMELINE_POINTS: counts add;
 * a merged p50/p90/p99 is the highest of the buckets' own (percentiles do not add), and the
 * captions say so.
 */
export function timelineView(r: Result): TimelineView {
  const bucketMs = r.timelineBucketMs ?? 1000;
  const k = Math.ceil(r.timeline.length / MAX_TIMELINE_POINTS);
  if (k <= 1) return { entries: r.timeline, bucketMs, merged: 1 };
  const entries: TimelineEntry[] = [];
  for (let i = 0; i < r.timeline.length; i += k) {
    const group = r.timeline.slice(i, i + k);
    const sum = (f: (e: TimelineEntry) => number): number => group.reduce((s, e) => s + f(e), 0);
    const max = (f: (e: TimelineEntry) => number | null | undefined): number => Math.max(0, ...group.map((e) => f(e) ?? 0));
    entries.push({
      t: group[0]!.t, sent: sum((e) => e.sent), ok: sum((e) => e.ok), errors: sum((e) => e.errors),
      throttles: sum((e) => e.throttles), dropped: sum((e) => e.dropped), cold: sum((e) => e.cold),
      p50: max((e) => e.p50), p90: max((e) => e.p90), p99: max((e) => e.p99),
    });
  }
  return { entries, bucketMs: bucketMs * k, merged: k };
}

const bucketLabel = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

export function throughputFigure(r: Result, view: TimelineView): FigureInput {
  const { entries, bucketMs } = view;
  const perSec = 1000 / bucketMs;
  const rate = (f: (e: TimelineEntry) => number): number[] => entries.map((e) => round3(f(e) * perSec));
  const ok = rate((e) => e.ok);
  const errors = rate((e) => e.errors);
  const throttles = rate((e) => e.throttles);
  const dropped = rate((e) => e.dropped);
  const stack = (...parts: number[][]): number[] => entries.map((_, i) => round3(parts.reduce((s, p) => s + p[i]!, 0)));
  const series: SeriesSpec[] = [
    { label: 'dropped', color: 'c-drop', style: 'area', stacked: true },
    { label: 'throttled', color: 'c-thr', style: 'area', stacked: true },
    { label: 'errors', color: 'c-err', style: 'area', stacked: true },
    { label: 'ok', color: 'c-ok', style: 'area', stacked: true },
    { label: 'sent', color: 'c-all', style: 'dash' },
  ];
  // One tick per bucket with a cold start: finer than a bucket is finer than the chart draws.
  const bucketS = bucketMs / 1000;
  const coldTimes = [...new Set(r.coldStarts.filter((c) => c.class === 'cold').map((c) => round3(Math.floor(c.t / bucketS) * bucketS)))];
  const chart: ChartSpec = {
    id: 'chart-throughput', height: 260,
    x: { label: 'seconds since start', unit: 's' },
    y: { label: 'requests per second', unit: 'perSec', min: 0 },
    series,
    data: [entries.map((e) => e.t), stack(ok, errors, throttles, dropped), stack(ok, errors, throttles), stack(ok, errors), ok, rate((e) => e.sent)],
    ...(coldTimes.length > 0 && { ticks: { xs: coldTimes, color: 'c-cold' } }),
  };
  const merged = view.merged > 1 ? ` Each point merges ${view.merged} buckets of the result.` : '';
  return {
    id: chart.id,
    title: 'Requests per second',
    caption: ` Completed requests per second in ${bucketLabel(bucketMs)} buckets, stacked: ok, errors, throttled, and arrivals dropped at maxInFlight; the dashed line is requests sent.` +
      (coldTimes.length > 0 ? ' Ticks along the top mark the buckets in which a request that met a cold start was planned.' : '') + merged,
    chart: entries.length === 0 ? null : chart,
    emptyText: 'The result has no timeline.',
    columns: [{ head: 't (s)' }, { head: 'sent' }, { head: 'ok' }, { head: 'errors' }, { head: 'throttled' }, { head: 'dropped' }, { head: 'cold' }],
    rows: entries.map((e) => [e.t, e.sent, e.ok, e.errors, e.throttles, e.dropped, e.cold]),
    tableNote: `Counts per ${bucketLabel(bucketMs)} bucket starting at t.`,
  };
}

export function latencyOverTimeFigure(view: TimelineView): FigureInput {
  const { entries, bucketMs } = view;
  const hasP90 = entries.some((e) => e.p90 !== undefined);
  const series: SeriesSpec[] = [
    { label: 'p50', color: 'c-p50', style: 'line' },
    ...(hasP90 ? [{ label: 'p90', color: 'c-p90', style: 'dash' as const }] : []),
    { label: 'p99', color: 'c-p99', style: 'dashdot' },
  ];
  const data = [
    entries.map((e) => e.t),
    entries.map((e) => nullIfZero(e.p50)),
    ...(hasP90 ? [entries.map((e) => nullIfZero(e.p90))] : []),
    entries.map((e) => nullIfZero(e.p99)),
  ];
  const drawn = entries.some((e) => (e.p50 ?? 0) > 0);
  const merged = view.merged > 1 ? ` Each point merges ${view.merged} buckets and shows the highest of their percentiles.` : '';
  return {
    id: 'chart-latency-time',
    title: 'Latency over time',
    caption: ` p50${hasP90 ? ', p90' : ''} and p99 of the requests that completed in each ${bucketLabel(bucketMs)} bucket, on a log scale; gaps are buckets in which nothing completed.` +
      (hasP90 ? '' : ' This result file predates p90 per bucket.') + merged,
    chart: drawn ? { id: 'chart-latency-time', height: 240, x: { label: 'seconds since start', unit: 's' }, y: { label: 'latency', unit: 'ms', log: true }, series, data } : null,
    emptyText: 'No request completed: there is no latency to draw.',
    columns: [{ head: 't (s)' }, { head: 'p50 (ms)' }, ...(hasP90 ? [{ head: 'p90 (ms)' }] : []), { head: 'p99 (ms)' }],
    rows: entries.map((e) => [e.t, e.p50 || null, ...(hasP90 ? [e.p90 || null] : []), e.p99 || null]),
  };
}

export interface NamedHistogram {
  label: string;
  color: string;
  style: SeriesSpec['style'];
  h: Histogram | null;
}

/** The stored histograms of a run that the distribution charts draw. */
export function runHistograms(r: Result): NamedHistogram[] {
  const get = (name: string): Histogram | null => pooledHistogram([r.histograms[name]]);
  return [
    { label: 'all', color: 'c-all', style: 'line', h: get('all') },
    { label: 'warm', color: 'c-warm', style: 'dash', h: get('warm') },
    { label: 'cold', color: 'c-cold', style: 'dashdot', h: get('cold') },
    { label: 'init', color: 'c-init', style: 'dot', h: get('init') },
  ];
}

/** Percentile spectra on HdrHistogram's axis, x = 1/(1-p); shared by the run and diff pages. */
export function spectrumFigure(id: string, title: string, hs: NamedHistogram[], caption: string): FigureInput {
  const present = hs.filter((n) => n.h !== null);
  const grid = spectrumGrid(Math.max(0, ...present.map((n) => n.h!.totalCount)));
  const values = present.map((n) => spectrumValues(n.h, grid));
  const splits = [1, 2, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000].filter((x) => x <= Math.max(2, grid.at(-1) ?? 1));
  const chart: ChartSpec = {
    id, height: 280,
    x: { label: 'percentile', unit: 'pct', log: true, splits },
    y: { label: 'latency', unit: 'ms', log: true },
    series: present.map((n) => ({ label: n.label, color: n.color, style: n.style })),
    data: [grid, ...values],
  };
  return {
    id, title, caption,
    chart: present.length === 0 || grid.length < 2 ? null : chart,
    emptyText: 'No request completed: there is no distribution to draw.',
    columns: [{ head: 'percentile' }, ...present.map((n) => ({ head: `${n.label} (ms)` }))],
    rows: grid.map((x, i) => [percentileLabel(x), ...values.map((v) => v[i] ?? null)]),
  };
}

export function histogramFigure(r: Result, hs: NamedHistogram[]): FigureInput {
  const byLabel = new Map(hs.map((n) => [n.label, n.h]));
  const classified = byLabel.get('warm') !== null || byLabel.get('cold') !== null;
  const shown = classified
    ? [{ label: 'warm', color: 'c-warm', h: byLabel.get('warm') ?? null }, { label: 'cold', color: 'c-cold', h: byLabel.get('cold') ?? null }]
    : [{ label: 'all', color: 'c-all', h: byLabel.get('all') ?? null }];
  const buckets = logBuckets(shown.map((s) => s.h), 10);
  const centre = (b: { fromMs: number; toMs: number }): number => round3(Math.sqrt(b.fromMs * b.toMs));
  const chart: ChartSpec = {
    id: 'chart-histogram', height: 240,
    x: { label: 'latency', unit: 'ms', log: true },
    y: { label: 'requests (log scale)', unit: 'count', log: true },
    series: shown.map((s, i) => ({ label: s.label, color: s.color, style: i === 0 ? 'barsLeft' : 'barsRight' })),
    data: [buckets.map(centre), ...shown.map((_, i) => buckets.map((b) => nullIfZero(b.counts[i])))],
  };
  const why = r.target.kind === 'http' && !classified ? ' This run has no cold-start data, so all requests are shown together.' : '';
  return {
    id: chart.id,
    title: classified ? 'Warm and cold latency histogram' : 'Latency histogram',
    caption: ` Requests per latency bucket; buckets are 10 a decade (1, 1.25, 1.6, 2, 2.5 ... ms), the count axis is logarithmic.` +
      (classified ? ' Warm bars are on the left of each bucket (solid), cold on the right (lighter): two modes that percentiles hide.' : '') + why,
    chart: buckets.length === 0 ? null : chart,
    emptyText: 'No request completed: there is no histogram to draw.',
    columns: [{ head: 'from (ms)' }, { head: 'to (ms)' }, ...shown.map((s) => ({ head: s.label }))],
    rows: buckets.map((b) => [b.fromMs, b.toMs, ...b.counts]),
  };
}

export function coldStripFigure(r: Result): FigureInput {
  const all = r.coldStarts;
  const step = Math.max(1, Math.ceil(all.length / MAX_COLD_START_POINTS));
  const events = all.filter((_, i) => i % step === 0).sort((a, b) => a.t - b.t);
  const byInit = events.some((e) => e.initMs !== undefined);
  const y = (e: (typeof events)[number]): number | null => (byInit ? (e.initMs ?? null) : e.latencyMs);
  const chart: ChartSpec = {
    id: 'chart-cold-strip', height: 220,
    x: { label: 'seconds since start', unit: 's' },
    y: { label: byInit ? 'init duration' : 'latency', unit: 'ms', min: 0 },
    series: [
      { label: 'cold', color: 'c-cold', style: 'points' },
      { label: 'proactive', color: 'c-init', style: 'hollow' },
    ],
    data: [events.map((e) => e.t), events.map((e) => (e.class === 'cold' ? y(e) : null)), events.map((e) => (e.class === 'proactive' ? y(e) : null))],
  };
  const sampled = step > 1 ? ` ${events.length} of the ${all.length} events are drawn (every ${step}th).` : '';
  const truncated = r.counts.cold + r.counts.proactive > all.length ? ` The result lists the first ${all.length} of ${r.counts.cold + r.counts.proactive} cold and proactive starts.` : '';
  return {
    id: chart.id,
    title: 'Cold starts',
    caption: ` Each cold start at the instant its request was planned, against its ${byInit ? 'init duration (from the REPORT line)' : 'latency'}; filled dots waited for init, hollow ones were initialized ahead of the request (proactive).` + sampled + truncated,
    chart: events.length === 0 ? null : chart,
    emptyText: r.counts.cold + r.counts.proactive + r.counts.warm === 0
      ? 'This run has no cold-start data: the target reported none (an HTTP target without a cold-start header or logs).'
      : 'No cold start happened in this run.',
    columns: [{ head: 't (s)' }, { head: 'class', text: true }, { head: 'init (ms)' }, { head: 'latency (ms)' }, { head: 'request id', text: true }],
    rows: events.map((e) => [e.t, e.class, e.initMs ?? null, e.latencyMs, e.requestId ?? null]),
  };
}
