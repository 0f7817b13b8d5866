/**
 * Runs a loaded profile end to end: start the local emulator if the profile asks for one, create
 * and check the target, drive the load, and build the result. Nothing here prints or exits; the
 * caller (the CLI, or a library user) decides what to do with the result.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadedProfile, Profile, TargetConfig } from '../profile/types.js';
import { buildResult } from '../result/build.js';
import type { Result } from '../result/result.js';
import type { Target, TargetInfo } from '../targets/target.js';
import { CostAccumulator, resolvePrices } from '../lambda/cost.js';
import { Runner } from './runner.js';
import type { RunState, RunStatus } from './runner.js';
import { startLocalEmulator } from './local.js';
import type { LocalEmulator } from './local.js';

export interface RunProfileOptions {
  /** Aborting it stops sending and saves what was measured. */
  stop?: AbortSignal;
  stopStatus?: () => RunStatus;
  hardStop?: AbortSignal;
  drainMs?: number;
  /** Called once the load starts, with live state for a progress display. */
  onStart?: (state: RunState) => void;
  /** Called with a short note of what is being prepared (emulator start, preflight). */
  onStep?: (message: string) => void;
}

/** Opened target: the target, what is known about the function, and how to release it. */
interface OpenTarget {
  target: Target;
  info: TargetInfo;
  close(): Promise<void>;
}

export async function runProfile(loaded: LoadedProfile, opts: RunProfileOptions = {}): Promise<Result> {
  const open = await openTarget(loaded.profile, opts);
  try {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const startedAt = new Date();
    const cost = loaded.profile.target.kind === 'lambda'
      ? new CostAccumulator(open.info.architecture ?? 'x86_64', resolvePrices(loaded.profile.prices))
      : undefined;
    const runner = new Runner({
      load: loaded.profile.load,
      target: open.target,
      ...(cost && { cost }),
      ...(open.info.memorySizeMB !== undefined && { memoryMB: open.info.memorySizeMB }),
      ...(opts.stop && { stop: opts.stop }),
      ...(opts.stopStatus && { stopStatus: opts.stopStatus }),
      ...(opts.hardStop && { hardStop: opts.hardStop }),
      ...(opts.drainMs !== undefined && { drainMs: opts.drainMs }),
    });
    opts.onStart?.(runner);
    loopDelay.enable();
    const run = await runner.run().finally(() => loopDelay.disable());
    return buildResult({
      run,
      loaded,
      startedAt,
      eventLoopDelay: loopDelay,
      cost: cost?.summary() ?? null,
      targetInfo: open.info,
    });
  } finally {
    await open.close();
  }
}

async function openTarget(profile: Profile, opts: RunProfileOptions): Promise<OpenTarget> {
  const connections = profile.load.model === 'open' ? profile.load.maxInFlight : profile.load.concurrency;
  const config: TargetConfig = profile.target;
  if (config.kind === 'http') {
    const { createHttpTarget } = await import('../targets/http.js');
    const target = createHttpTarget(config, { connections });
    return { target, info: {}, close: () => target.close() };
  }
  let emulator: LocalEmulator | undefined;
  if (config.local !== undefined) {
    opts.onStep?.('starting the local Lambda emulator');
    emulator = await startLocalEmulator(config.local);
  }
  try {
    const { createLambdaTarget } = await import('../targets/lambda.js');
    const effective = emulator ? { ...config, endpoint: emulator.endpoint } : config;
    const target = await createLambdaTarget(effective, { connections });
    opts.onStep?.(`checking function ${config.function}`);
    const info = (await target.preflight?.()) ?? {};
    return {
      target,
      info: emulator && info.architecture === undefined ? { ...info, ...emulator.infoOf(config.function) } : info,
      close: async () => {
        await target.close();
        await emulator?.close();
      },
    };
  } catch (err) {
    await emulator?.close();
    throw err;
  }
}
