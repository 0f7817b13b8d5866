/** Diff: compare result files with statistics, and gate on regressions. */
export { diffResults, DEFAULT_DIFF_METRICS } from './diff.js';
export type { DiffOptions } from './diff.js';
export { parseFailOn, parseFailOnRule } from './fail-on.js';
export type { FailOnRule, FailOnOp } from './fail-on.js';
export type { Diff, DiffRow, DiffSide, DiffTest, DiffVerdict, FailOnVerdict } from './types.js';
export { DEFAULT_MAX_SAMPLES_PER_RUN } from './empirical.js';
