/** Configuration matrices: run a profile once per configuration, compare them with cost. */
export { runMatrix } from './run-matrix.js';
export type { ConfigurationResult, ConfigurationRun, MatrixRun, RunMatrixOptions } from './run-matrix.js';
export { expandMatrix, runOrder, coldStartsInRound } from './configurations.js';
export type { Architecture, Configuration, Slot } from './configurations.js';
export { compareConfigurations, COMPARED_METRICS } from './compare.js';
export type { Cell, Comparison, ComparisonRow, ComparedMetric, ConfigurationRuns, Mark } from './compare.js';
export { createFunctionControl } from './control.js';
export type { ControlOptions, FunctionControl, FunctionSettings, SettingsChange } from './control.js';
export { manualRestoreCommand, shellQuote } from './restore.js';
export type { RestoreOutcome } from './restore.js';
export { buildMatrixResult, writeMatrixResult } from './matrix-result.js';
export type { MatrixResult } from './matrix-result.js';
export { comparisonJson, comparisonJunit, comparisonMarkdown, renderComparisonTable, renderMatrixSummary, restoreLines } from './render.js';
export { COLD_START_VARIABLE } from './cold-probe.js';
