/**
 * coldbench as a library: load a profile, run it, save and render the result.
 *
 *   import { loadProfile, runProfile, writeResult, renderSummary } from 'coldbench';
 */
export { loadProfile } from './profile/index.js';
export type { LoadedProfile, Profile, Phase, LoadModel, TargetConfig } from './profile/types.js';
export { plannedOffsets, plannedCount, scheduleDurationMs } from './schedule/index.js';
export { runProfile } from './run/run-profile.js';
export type { RunProfileOptions } from './run/run-profile.js';
export { Runner, runLoad } from './run/runner.js';
export type { RunRecord, RunStatus } from './run/runner.js';
export { writeResult } from './result/write.js';
export type { Result } from './result/result.js';
export { renderSummary } from './report/summary.js';
export { parseLogLine, parseLogText, decodeLogResult } from './lambda/logs.js';
export type { Outcome, Target } from './targets/target.js';
export { ColdbenchError, UsageError, ProfileError, RunError, GateError } from './errors.js';
