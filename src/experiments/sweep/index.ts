/** The keep-alive sweep: `coldbench sweep idle` (docs/sweep.md). */
export { prepareSweep } from './run-sweep.js';
export type { PreparedSweep, SweepOptions } from './run-sweep.js';
export { gapsProblem, planSweep } from './plan.js';
export type { Lane, SweepPlan } from './plan.js';
export { estimateKeepAlive, firstCrossing, wilson } from './stats.js';
export type { KeepAliveEstimate } from './stats.js';
export { readSweepResult, writeSweepResult } from './result-file.js';
export { keepAliveLine, renderSweep, sweepMarkdown } from './render.js';
export type { GapResult, SweepResult } from './types.js';
