/**
 * Runs a profile's matrix: for each configuration (in interleaved rounds) apply it, force the
 * cold starts asked for, run the profile's load with runProfile, and save the result at once;
 * then restore the original configuration, whatever happened, and compare. Nothing here prints
 * or exits.
 */
import { randomBytes } from 'node:crypto';
import { RunError } from '../errors.js';
import type { LambdaTargetConfig, LoadedProfile } from '../profile/types.js';
import { redactRecord } from '../result/redact-record.js';
import type { Result, RunResult } from '../result/result.js';
import { writeResult } from '../result/write.js';
import { ResultFolder } from '../result/save.js';
import type { FolderFile } from '../result/save.js';
import { startLocalEmulator } from '../run/local.js';
import type { LocalEmulator } from '../run/local.js';
import { runProfile } from '../run/run-profile.js';
import type { RunProfileOptions } from '../run/run-profile.js';
import type { ResultStatus } from '../result/result.js';
import { forceColdStarts } from './cold-probe.js';
import type { ProbeReport } from './cold-probe.js';
import { compareConfigurations } from './compare.js';
import type { CompareOptions, ConfigurationRuns } from './compare.js';
import { expandMatrix, runOrder } from './configurations.js';
import type { Configuration, Slot } from './configurations.js';
import { createFunctionControl } from './control.js';
import type { ControlOptions, FunctionControl, SettingsChange } from './control.js';
import { Originals } from './restore.js';
import { buildMatrixResult, writeMatrixResult } from './matrix-result.js';
import type { MatrixResult } from './matrix-result.js';

export interface RunMatrixOptions extends RunProfileOptions {
  /** Save each configuration's result here as soon as it is measured, then the matrix result. */
  outDir?: string;
  /** Called before each configuration runs (index from 0 over all rounds). */
  onConfiguration?: (slot: Slot, index: number, total: number) => void;
  control?: ControlOptions;
  compare?: CompareOptions;
}

/** A configuration's result as saved: the run, plus what the matrix adds. */
export type ConfigurationResult = RunResult & {
  matrix: { name: string; configuration: string; round: number; settings: SettingsChange & { function: string } };
  /** The forced cold starts, measured apart from the load (null when none were asked for). */
  forcedColdStarts: (RunResult & { reports: ProbeReport[] }) | null;
};

export interface ConfigurationRun {
  slot: Slot;
  result: ConfigurationResult;
  file?: string;
}

export interface MatrixRun {
  matrix: MatrixResult;
  runs: ConfigurationRun[];
  /** Where the matrix result was saved. */
  file?: string;
  /**
   * Set when a file could not be written in outDir: the matrix result and every configuration
   * result were then saved together in the temporary folder `savedIn`.
   */
  fallback?: { folder: string; error: string; savedIn: string };
  /** Files that could be saved nowhere (their data is only in this run's output). */
  saveErrors: string[];
}

interface Context {
  loaded: LoadedProfile;
  target: LambdaTargetConfig;
  control: FunctionControl;
  originals: Originals;
  marker: string;
  opts: RunMatrixOptions;
  /** Where results go (absent with no outDir), and what each configuration's was saved as. */
  folder?: ResultFolder;
  saved: Map<ConfigurationRun, FolderFile>;
  saveErrors: string[];
}

export async function runMatrix(loaded: LoadedProfile, opts: RunMatrixOptions = {}): Promise<MatrixRun> {
  const matrix = loaded.profile.matrix;
  const target = loaded.profile.target;
  if (matrix === undefined || target.kind !== 'lambda') throw new RunError('the profile has no matrix for a lambda target');
  const slots = runOrder(expandMatrix(matrix, target.function), matrix.rounds, matrix.coldStarts);
  let emulator: LocalEmulator | undefined;
  if (target.local !== undefined) {
    opts.onStep?.('starting the local Lambda emulator');
    emulator = await startLocalEmulator(target.local);
  }
  try {
    // One emulator for every configuration: each run gets its endpoint instead of starting its own.
    const shared: LambdaTargetConfig = emulator === undefined ? target : { ...withoutLocal(target), endpoint: emulator.endpoint };
    const control = await createFunctionControl(shared, opts.control);
    try {
      const ctx: Context = {
        loaded, target: shared, control, originals: new Originals(), marker: randomBytes(4).toString('hex'), opts,
        ...(opts.outDir !== undefined && { folder: new ResultFolder(opts.outDir) }),
        saved: new Map(), saveErrors: [],
      };
      return await runSlots(ctx, slots);
    } finally {
      control.close();
    }
  } finally {
    await emulator?.close();
  }
}

async function runSlots(ctx: Context, slots: Slot[]): Promise<MatrixRun> {
  const startedAt = new Date();
  const runs: ConfigurationRun[] = [];
  let status: ResultStatus = 'completed';
  let failure: unknown;
  try {
    for (const [index, slot] of slots.entries()) {
      if (ctx.opts.stop?.aborted === true) {
        status = ctx.opts.stopStatus?.() ?? 'interrupted';
        break;
      }
      ctx.opts.onConfiguration?.(slot, index, slots.length);
      const run = await runSlot(ctx, slot);
      runs.push(run);
      // A threshold with abortOnFail stops this configuration's load only ('aborted'): the
      // others are still worth measuring. A stop by the user ('interrupted') ends the matrix.
      if (run.result.status === 'interrupted') {
        status = 'interrupted';
        break;
      }
    }
  } catch (err) {
    failure = err;
  }
  ctx.opts.onStep?.('restoring the original configuration');
  const restore = await ctx.originals.restore(ctx.control, ctx.target);
  if (failure !== undefined) throw withRestoreFailure(failure, restore);
  const comparison = compareConfigurations(groupRuns(runs), ctx.opts.compare);
  // Built again if saving it moves every file to a temporary folder: it names them by file name.
  const build = (): MatrixResult => {
    for (const run of runs) {
      const saved = ctx.saved.get(run);
      if (saved !== undefined) run.file = saved.file;
    }
    return buildMatrixResult({ loaded: ctx.loaded, status, startedAt, runs, comparison, restore });
  };
  let matrix = build();
  const saved = await save(ctx, (dir) => {
    matrix = build();
    return writeMatrixResult(matrix, dir);
  });
  const fallback = ctx.folder?.fallback;
  return { matrix, runs, ...(saved !== undefined && { file: saved.file }), ...(fallback !== undefined && { fallback }), saveErrors: ctx.saveErrors };
}

/** Writes a file in the run's folder (see ResultFolder); a file saved nowhere is noted, not thrown. */
async function save(ctx: Context, write: (dir: string) => Promise<string>): Promise<FolderFile | undefined> {
  if (ctx.folder === undefined) return undefined;
  try {
    return await ctx.folder.write(write);
  } catch (err) {
    ctx.saveErrors.push((err as Error).message);
    return undefined;
  }
}

async function runSlot(ctx: Context, slot: Slot): Promise<ConfigurationRun> {
  const { config } = slot;
  await ctx.originals.remember(ctx.control, config.function);
  const original = ctx.originals.get(config.function)!;
  const environment = config.environment === undefined ? original.environment : { ...original.environment, ...config.environment.variables };
  const change = changeFor(config, environment);
  if (Object.keys(change).length > 0) {
    ctx.opts.onStep?.(`applying ${config.id} to ${config.function}`);
    await ctx.control.apply(config.function, change);
  }
  const loaded = configurationProfile(ctx, slot);
  let cold: ConfigurationResult['forcedColdStarts'] = null;
  if (slot.coldStarts > 0) {
    ctx.opts.onStep?.(`forcing ${slot.coldStarts} cold start${slot.coldStarts === 1 ? '' : 's'} of ${config.id}`);
    const probe = await forceColdStarts({ loaded, control: ctx.control, environment, count: slot.coldStarts, marker: ctx.marker, ...(ctx.opts.stop && { stop: ctx.opts.stop }) });
    cold = { ...probe.result, reports: probe.reports };
  }
  const run = await runProfile(loaded, ctx.opts);
  const result: ConfigurationResult = redactRecord({
    ...run,
    matrix: { name: ctx.loaded.profile.name, configuration: config.id, round: slot.round + 1, settings: { function: config.function, ...change } },
    forcedColdStarts: cold,
  }, ctx.loaded.secrets);
  if (cold !== null && cold.status !== 'completed' && result.status === 'completed') result.status = cold.status;
  const saved = await save(ctx, (dir) => writeResult(result, dir));
  if (saved !== undefined) await ctx.opts.checkpoint?.sink.discard?.();
  const done: ConfigurationRun = { slot, result, ...(saved !== undefined && { file: saved.file }) };
  if (saved !== undefined) ctx.saved.set(done, saved);
  return done;
}

/** What to change: the configuration's settings; the environment only when the matrix sets one. */
function changeFor(config: Configuration, environment: Record<string, string>): SettingsChange {
  const change: SettingsChange = {};
  if (config.memoryMB !== undefined) change.memoryMB = config.memoryMB;
  if (config.architecture !== undefined) change.architecture = config.architecture;
  if (config.environment !== undefined) change.environment = environment;
  return change;
}

/** The profile one configuration runs: its own name (which names its result file) and function. */
function configurationProfile(ctx: Context, slot: Slot): LoadedProfile {
  const rounds = ctx.loaded.profile.matrix?.rounds ?? 1;
  const name = `${ctx.loaded.profile.name}-${slot.config.id}${rounds > 1 ? `-r${slot.round + 1}` : ''}`;
  const { matrix: _matrix, ...profile } = ctx.loaded.profile;
  return { ...ctx.loaded, profile: { ...profile, name, target: { ...ctx.target, function: slot.config.function } } };
}

function withoutLocal(target: LambdaTargetConfig): LambdaTargetConfig {
  const { local: _local, ...rest } = target;
  return rest;
}

function groupRuns(runs: readonly ConfigurationRun[]): ConfigurationRuns[] {
  const byId = new Map<string, ConfigurationRuns>();
  for (const run of runs) {
    const id = run.slot.config.id;
    const entry = byId.get(id) ?? { config: run.slot.config, load: [], cold: [] };
    entry.load.push(run.result);
    if (run.result.forcedColdStarts !== null) entry.cold.push(run.result.forcedColdStarts);
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/** A failure during the matrix; when restoring failed too, the error says what to run by hand. */
function withRestoreFailure(err: unknown, restore: Awaited<ReturnType<Originals['restore']>>): unknown {
  if (restore.ok) return err;
  const failed = restore.functions.filter((f) => !f.ok);
  const message = err instanceof Error ? err.message : String(err);
  return new RunError(
    `${message}; restoring the original configuration also failed (${failed.map((f) => `${f.function}: ${f.error}`).join('; ')})`,
    `restore it by hand:\n${failed.map((f) => f.command).join('\n')}`,
    { cause: err },
  );
}

