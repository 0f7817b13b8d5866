/**
 * The result file: a public contract (SPEC section 7). Field names are fixed; fields may be
 * added, none renamed without bumping SCHEMA_VERSION. Times are milliseconds.
 */
import type { Summary } from '../run/histogram.js';
import type { ColdStartEvent, Counts } from '../run/recorder.js';
import type { RunStatus } from '../run/runner.js';
import type { TimelineEntry } from '../run/timeline.js';
import type { CostSummary } from '../lambda/cost.js';

export const SCHEMA_VERSION = 1;

export interface ThresholdVerdict {
  rule: string;
  actual: number | null;
  pass: boolean;
}

export interface Result {
  schemaVersion: number;
  tool: { name: 'coldbench'; version: string; node: string };
  name: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  profile: unknown;
  target: { kind: 'http' | 'lambda'; function?: string; url?: string; architecture?: string; memorySizeMB?: number };
  counts: Counts & { abandoned: number };
  /** Per second. `target` is the schedule's planned rate; null in the closed model. */
  rate: { target: number | null; achieved: number };
  latency: { all: Summary; ok: Summary; warm: Summary; cold: Summary };
  serviceTime: Summary;
  scheduleLag: Summary;
  /** Event-loop delay of the load generator itself. */
  eventLoopDelay: Summary;
  init: Summary | null;
  billed: Summary | null;
  memoryUsedMB: Summary | null;
  overhead: { warm: Summary; cold: Summary } | null;
  /** cold / (warm + cold + proactive); null when nothing was classified. */
  coldStartRate: number | null;
  errors: Record<string, number>;
  throttles: Record<string, number>;
  cost: CostSummary | null;
  coldStarts: ColdStartEvent[];
  timeline: TimelineEntry[];
  histograms: Record<string, string>;
  thresholds: ThresholdVerdict[];
  /** Problems with the measurement itself (the generator lagged, events were truncated...). */
  warnings: string[];
}
