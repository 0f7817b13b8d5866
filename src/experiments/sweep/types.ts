/**
 * The sweep result file (docs/sweep-result.schema.json): one keep-alive sweep, P(cold | gap) per
 * gap with its interval, the init after each gap, and the estimated keep-alive. Times in ms.
 */
import type { CostSummary } from '../../lambda/cost.js';
import type { Summary } from '../../result/histogram.js';
import type { RunStatus } from '../../result/result.js';
import type { KeepAliveEstimate } from './stats.js';

export const SWEEP_SCHEMA_VERSION = 1;

/** How the invocations of one burst (N at once) ended and started. */
export interface BurstCounts {
  sent: number;
  /** Started in a new environment and the caller waited for its init. */
  cold: number;
  /** Started in a new environment initialized ahead of the request. */
  proactive: number;
  warm: number;
  /** Answered, but the start could not be told. */
  unknown: number;
  errors: number;
  throttles: number;
}

export interface GapResult {
  gapMs: number;
  function: string;
  /** measured; interrupted (stopped before or during its probe); failed (the function could not be reached). */
  status: 'measured' | 'interrupted' | 'failed';
  /** From the last answer of the touch (the burst that starts every environment idling) to the probe's send. */
  measuredGapMs: number | null;
  /** The first burst: how many environments it had to start. */
  warmup: BurstCounts & {
    /** Touches run (bursts of N that start every environment idling together; see lane.ts). */
    touches: number;
    /** Environments the last touch still had to start (0: it found all N warm). */
    touchNew: number;
    /** The last touch's answers, first to last: environments that finished early were idle up to this much longer. */
    spreadMs: number | null;
  };
  probe: BurstCounts | null;
  /** Probe invocations served by a new environment (cold + proactive), over those whose start is known. */
  newEnvironments: number;
  classified: number;
  /** P(cold | gap) = newEnvironments / classified; null when nothing was classified. */
  pCold: number | null;
  interval: { low: number; high: number } | null;
  /** Init durations of the probe's new environments. */
  init: Summary | null;
  error?: string;
}

export interface SweepResult {
  kind: 'sweep';
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  tool: { name: 'coldbench'; version: string; node: string };
  name: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  profile: unknown;
  target: {
    kind: 'lambda';
    /** The functions (or aliases) the gaps ran on. */
    functions: string[];
    /** true: the built-in emulator, one copy of the profile's function per gap. */
    local: boolean;
    architecture?: string;
    memorySizeMB?: number;
  };
  samples: number;
  confidence: number;
  /** Expected length, invocations and the most GB-seconds it could bill, computed before the run. */
  plan: { expectedMs: number; invocations: number; maxGbSeconds: number | null };
  gaps: GapResult[];
  keepAlive: KeepAliveEstimate & { method: string };
  cost: CostSummary;
  warnings: string[];
}
