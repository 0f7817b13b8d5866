/**
 * The outcome of comparing two sets of result files: one row per metric and one verdict per
 * `--fail-on` rule. Plain data: every report format renders it.
 */
import type { MetricId, MetricKind } from '../gate/metrics.js';
import type { Interval } from './stats.js';

/** `~`: the difference is not significant at the diff's confidence level. */
export type DiffVerdict = 'better' | 'worse' | '~' | 'n/a';

/** How significance was judged; `none` for metrics without a sampling model (counts, rate). */
export type DiffTest = 'bootstrap' | 'two-proportion' | 'none';

export interface DiffRow {
  metric: MetricId;
  kind: MetricKind;
  /** Pooled over the side's runs; null when the side has no data for the metric. */
  base: number | null;
  candidate: number | null;
  /** candidate - base. */
  delta: number | null;
  /** 100 * delta / base; null when base is 0 or missing. */
  deltaPct: number | null;
  test: DiffTest;
  /** Interval for candidate - base at the per-metric level; null when not tested. */
  ci: Interval | null;
  verdict: DiffVerdict;
  note?: string;
}

export interface DiffSide {
  files: string[];
  names: string[];
  runs: number;
  /** Requests sent, summed over the runs. */
  sent: number;
}

export interface FailOnVerdict {
  rule: string;
  metric: MetricId;
  /** The change the rule measures: a fraction of the base when relative, else in the metric's unit. */
  change: number | null;
  relative: boolean;
  /**
   * Whether the change is significant in the rule's direction (false when too few samples to
   * test); null for metrics without a sampling model (counts, rate.achieved), taken as exact.
   */
  significant: boolean | null;
  /** False when the metric had too few samples to test: the rule then passes unless --strict. */
  tested: boolean;
  pass: boolean;
}

export interface Diff {
  base: DiffSide;
  candidate: DiffSide;
  /** Family-wise confidence over all tested metrics, e.g. 0.95. */
  confidence: number;
  /** Level each tested metric is judged at: (1 - confidence) / tested (Bonferroni). */
  alphaPerMetric: number;
  tested: number;
  seed: number;
  maxSamplesPerRun: number;
  strict: boolean;
  rows: DiffRow[];
  failOn: FailOnVerdict[];
  warnings: string[];
}
