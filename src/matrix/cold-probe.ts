/**
 * Forced cold starts, measured apart from the load, the way benchmark suites force them on AWS
 * (lambda-perf, SeBS): change the configuration (a new value of one environment variable), wait
 * until the update is done, which retires every warm environment, then invoke once. Each of the
 * N invocations is therefore a cold start of an otherwise idle function, never one queued
 * behind a scale-out. The invocations go into a recorder and a result of their own, so the cold
 * numbers have the same statistics (and histograms) as any run.
 */
import { performance } from 'node:perf_hooks';
import { CostAccumulator, resolvePrices } from '../lambda/cost.js';
import type { LoadedProfile, LambdaTargetConfig } from '../profile/types.js';
import { buildResult } from '../run/build-result.js';
import type { RunResult } from '../result/result.js';
import { Recorder } from '../run/recorder.js';
import type { RunStatus } from '../run/runner.js';
import { createLambdaTarget } from '../targets/lambda.js';
import type { FunctionControl } from './control.js';

/** The variable whose new value forces each cold start. */
export const COLD_START_VARIABLE = 'COLDBENCH_COLD_START';

export interface ProbeReport {
  requestId?: string;
  start?: string;
  /** REPORT Memory Size: the configuration the invocation really ran with. */
  memorySizeMB?: number;
  initDurationMs?: number;
  latencyMs: number;
}

export interface ColdProbe {
  result: RunResult;
  reports: ProbeReport[];
}

export interface ColdProbeInput {
  /** The configuration's profile (its target names the function and the endpoint). */
  loaded: LoadedProfile;
  control: FunctionControl;
  /** The environment the configuration runs with; the marker variable is added to it. */
  environment: Record<string, string>;
  count: number;
  /** Unique per matrix run, so every marker value is new. */
  marker: string;
  stop?: AbortSignal;
}

export async function forceColdStarts(input: ColdProbeInput): Promise<ColdProbe> {
  // Each probe is invoked synchronously whatever the load's invocationType: its own REPORT (the
  // log tail) is the measurement, and an async invoke's 202 answer carries none.
  const config: LambdaTargetConfig = { ...(input.loaded.profile.target as LambdaTargetConfig), invocationType: 'RequestResponse' };
  const target = await createLambdaTarget(config, { connections: 1 });
  try {
    const info = await target.preflight();
    const cost = new CostAccumulator(info.architecture ?? 'x86_64', resolvePrices(input.loaded.profile.prices));
    const startedAt = new Date();
    const t0 = performance.now();
    const recorder = new Recorder(t0, cost, info.memorySizeMB);
    const reports: ProbeReport[] = [];
    const never = new AbortController().signal;
    let status: RunStatus = 'completed';
    for (let i = 0; i < input.count; i++) {
      if (input.stop?.aborted === true) {
        status = 'interrupted';
        break;
      }
      await input.control.apply(config.function, { environment: { ...input.environment, [COLD_START_VARIABLE]: `${input.marker}-${i + 1}` } });
      recorder.planned();
      const sentAt = performance.now();
      recorder.sent(sentAt, sentAt);
      const outcome = await target.send({ seq: i, signal: never });
      const endedAt = performance.now();
      recorder.completed({ plannedAt: sentAt, sentAt, endedAt, outcome });
      const report: ProbeReport = { latencyMs: Math.round((endedAt - sentAt) * 1000) / 1000 };
      if (outcome.requestId !== undefined) report.requestId = outcome.requestId;
      if (outcome.start !== undefined) report.start = outcome.start;
      if (outcome.report?.memorySizeMB !== undefined) report.memorySizeMB = outcome.report.memorySizeMB;
      if (outcome.report?.initDurationMs !== undefined) report.initDurationMs = outcome.report.initDurationMs;
      reports.push(report);
    }
    const run = { status, recorder, startedAt: t0, endedAt: performance.now(), abandoned: 0, firstSendLateMs: null };
    const probeProfile: LoadedProfile = {
      ...input.loaded,
      profile: { ...input.loaded.profile, load: { model: 'closed', concurrency: 1, iterations: Math.max(1, input.count) } },
    };
    const result = buildResult({ run, loaded: probeProfile, startedAt, cost: cost.summary(), targetInfo: info });
    return { result, reports };
  } finally {
    await target.close();
  }
}
