/**
 * Builds the result record (SPEC section 7) from a finished run.
 */
import type { IntervalHistogram } from 'node:perf_hooks';
import type { LoadedProfile } from '../profile/types.js';
import { redact } from '../profile/redact.js';
import { encodeHistogram, summarize } from '../result/histogram.js';
import type { Summary } from '../result/histogram.js';
import type { RunRecord } from './runner.js';
import { plannedCount, scheduleDurationMs, targetRate } from '../schedule/index.js';
import { shardPlannedCount } from '../schedule/shard.js';
import type { Result, RunResult } from '../result/result.js';
import type { CostSummary } from '../lambda/cost.js';
import type { ErrorClass } from '../targets/target.js';
import { MAX_COLD_START_EVENTS, SCHEMA_VERSION } from '../result/result.js';
import { TOOL_VERSION } from '../version.js';
import type { AsyncSection, DataSection, LogsSection, RequestSection } from '../result/result.js';
import type { RequestPlan } from '../requests/plan.js';
import type { RequestStats } from './request-stats.js';
import { dirname, relative } from 'node:path';

export interface BuildInput {
  run: RunRecord;
  loaded: LoadedProfile;
  /** Wall-clock start of the run. */
  startedAt: Date;
  eventLoopDelay?: IntervalHistogram;
  cost?: CostSummary | null;
  targetInfo?: { architecture?: string; memorySizeMB?: number };
  /** What the reading of the function's logs found, when starts came from them (logs/section.ts). */
  logs?: { logs: LogsSection; async?: AsyncSection; histograms: Record<string, string> };
  /**
   * A checkpoint of a run still going (see buildCheckpoint): the timeline as it stands (the
   * recorder is read, never changed, so the run goes on undisturbed).
   */
  partial?: boolean;
  /** The plan that chose the requests and their rows. */
  plan?: RequestPlan;
}

export const PARTIAL_WARNING =
  'a checkpoint of a run that had not ended: it holds what was measured up to endedAt; requests in flight then are counted as abandoned';

/** Schedule lag past this at p99 means the generator could not keep up: the result says so. */
export const LAG_WARNING_P99_MS = 10;
/**
 * The event-loop delay monitor samples every 10 ms, so 10 ms is its floor: a p99 past this means
 * the thread was held 10 ms or more, often enough for latencies to show it.
 */
export const LOOP_DELAY_WARNING_P99_MS = 20;

/** The basis of a start a checkpoint counts unknown because the request's line was not read yet. */
export const WAITING_BASIS = 'CloudWatch Logs: line not read yet when the checkpoint was written';

/** A checkpoint of a run still going: the result so far, with status `partial`. */
export function buildCheckpoint(input: Omit<BuildInput, 'partial'>): Result {
  return { ...buildResult({ ...input, partial: true }), status: 'partial' };
}

export function buildResult(input: BuildInput): RunResult {
  const { run, loaded } = input;
  const { recorder } = run;
  const h = recorder.histograms;
  const profile = loaded.profile;
  const durationMs = run.endedAt - run.startedAt;
  // A checkpoint is written while requests still wait for their line in the function's logs:
  // their start is counted unknown in it, as a run's end counts those never matched.
  const waiting = input.partial === true ? recorder.undecided : 0;
  const c = waiting === 0 ? recorder.counts : { ...recorder.counts, unknown: recorder.counts.unknown + waiting };
  const classified = c.warm + c.cold + c.proactive;
  const isLambda = profile.target.kind === 'lambda';
  const reported = h.billed.totalCount > 0 || h.init.totalCount > 0;
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION, node: process.version },
    name: profile.name,
    status: run.status,
    startedAt: input.startedAt.toISOString(),
    endedAt: new Date(input.startedAt.getTime() + durationMs).toISOString(),
    durationMs: round3(durationMs),
    profile: loaded.redacted,
    target: targetSummary(loaded, input.targetInfo),
    counts: { ...c, abandoned: run.abandoned },
    rate: rates(run, loaded, input.partial === true),
    latency: { all: summarize(h.all), ok: summarize(h.ok), warm: summarize(h.warm), cold: summarize(h.cold) },
    serviceTime: summarize(h.serviceTime),
    scheduleLag: summarize(h.scheduleLag),
    eventLoopDelay: loopDelay(input.eventLoopDelay),
    init: reported ? summarize(h.init) : null,
    billed: reported ? summarize(h.billed) : null,
    memoryUsedMB: h.memoryUsed.totalCount > 0 ? summarize(h.memoryUsed) : null,
    overhead: (isLambda || input.logs !== undefined) && reported ? { warm: summarize(h.overheadWarm), cold: summarize(h.overheadCold) } : null,
    coldStartRate: classified > 0 ? round6(c.cold / classified) : null,
    errors: Object.fromEntries(recorder.errors),
    throttles: Object.fromEntries(recorder.throttles),
    cost: input.cost ?? null,
    coldStarts: input.partial === true ? recorder.coldStarts.slice() : recorder.coldStarts,
    timeline: input.partial === true ? recorder.timeline.snapshot() : recorder.timeline.finish(),
    timelineBucketMs: recorder.timeline.bucketMs,
    histograms: {
      all: encodeHistogram(h.all),
      ok: encodeHistogram(h.ok),
      warm: encodeHistogram(h.warm),
      cold: encodeHistogram(h.cold),
      serviceTime: encodeHistogram(h.serviceTime),
      scheduleLag: encodeHistogram(h.scheduleLag),
      init: encodeHistogram(h.init),
      billed: encodeHistogram(h.billed),
      memoryUsed: encodeHistogram(h.memoryUsed),
      overheadWarm: encodeHistogram(h.overheadWarm),
      overheadCold: encodeHistogram(h.overheadCold),
    },
    thresholds: [],
    warnings: [],
    startReasons: {
      warm: Object.fromEntries(recorder.startBases.warm),
      cold: Object.fromEntries(recorder.startBases.cold),
      proactive: Object.fromEntries(recorder.startBases.proactive),
      unknown: Object.fromEntries(recorder.startBases.unknown),
    },
  };
  if (waiting > 0) result.startReasons.unknown[WAITING_BASIS] = waiting;
  addRequests(result, recorder.requests);
  if (input.plan?.data !== undefined) result.data = dataSection(input.plan, run, loaded);
  if (input.logs !== undefined) {
    result.logs = input.logs.logs;
    if (input.logs.async !== undefined) result.async = input.logs.async;
    Object.assign(result.histograms, input.logs.histograms);
  }
  result.warnings = [...(input.partial === true ? [PARTIAL_WARNING] : []), ...warningsFor(result), ...(result.logs?.problems ?? [])];
  if (waiting > 0) {
    result.warnings.push(`${waiting} request${waiting === 1 ? ' was' : 's were'} still waiting for ${waiting === 1 ? 'its line' : 'their lines'} in the function's logs: counted unknown here, and their REPORT figures and cost are not in this checkpoint`);
  }
  if (run.ranOut !== undefined && result.data !== undefined) {
    const afterS = round3(run.ranOut.afterMs / 1000);
    result.warnings.push(`the data file's ${result.data.rows} rows ran out after ${afterS} s (order: once): every row was sent once and the run ended there, before the end of its load`);
  }
  return result;
}

/** The breakdown by request name, and its histograms under `requests.<name>.*`. */
function addRequests(result: Result, stats: readonly RequestStats[]): void {
  if (stats.length === 0) return;
  const sections: Record<string, RequestSection> = {};
  for (const s of stats) {
    sections[s.name] = {
      counts: { ...s.counts },
      latency: { all: summarize(s.histograms.all), warm: summarize(s.histograms.warm), cold: summarize(s.histograms.cold) },
      errors: Object.fromEntries(s.errors),
      throttles: Object.fromEntries(s.throttles),
    };
    for (const group of ['all', 'warm', 'cold'] as const) result.histograms[`requests.${s.name}.latency.${group}`] = encodeHistogram(s.histograms[group]);
  }
  result.requests = sections;
}

function dataSection(plan: RequestPlan, run: RunRecord, loaded: LoadedProfile): DataSection {
  const data = plan.data!;
  return {
    file: relative(dirname(loaded.file), data.file) || data.file,
    format: data.format,
    order: plan.order ?? 'sequential',
    rows: data.rows,
    inMemory: data.inMemory,
    indexBytes: data.indexBytes,
    exhausted: run.ranOut !== undefined,
  };
}

function targetSummary(loaded: LoadedProfile, info: BuildInput['targetInfo']): Result['target'] {
  const t = loaded.profile.target;
  if (t.kind === 'http') return { kind: 'http', url: redact(t.url, loaded.secrets) };
  return {
    kind: 'lambda',
    function: t.function,
    client: t.client ?? 'fast',
    ...(info?.architecture !== undefined && { architecture: info.architecture }),
    ...(info?.memorySizeMB !== undefined && { memorySizeMB: info.memorySizeMB }),
  };
}

/**
 * The target rate is the schedule's planned count over its sending time (idle time excluded).
 * The achieved rate is what was sent over the same span, stretched by how late the last request
 * left: a generator that falls behind shows a lower achieved rate.
 */
function rates(run: RunRecord, loaded: LoadedProfile, partial: boolean): Result['rate'] {
  const load = loaded.profile.load;
  const { recorder } = run;
  if (load.model === 'closed') {
    const seconds = (run.endedAt - run.startedAt) / 1000;
    return { target: null, achieved: seconds > 0 ? round3(recorder.counts.sent / seconds) : 0 };
  }
  // A shard's target is its share of the arrivals over the same time.
  const planned = plannedCount(load.phases);
  const target = planned === 0 ? 0 : (targetRate(load.phases) * shardPlannedCount(load.phases, load.shard)) / planned;
  const activeMs = activeDurationMs(load.phases);
  if (activeMs === 0) {
    // Bursts only: there is no planned rate to compare with, only what the run achieved.
    const seconds = (run.endedAt - run.startedAt) / 1000;
    return { target: null, achieved: seconds > 0 ? round3(recorder.counts.sent / seconds) : 0 };
  }
  const lastLagMs = Math.max(0, recorder.lastSentAt - (run.startedAt + scheduleDurationMs(load.phases)));
  const spanMs = run.status === 'completed' && !partial ? activeMs + lastLagMs : Math.min(activeMs, run.endedAt - run.startedAt);
  return { target: round3(target), achieved: spanMs > 0 ? round3((recorder.counts.sent / spanMs) * 1000) : 0 };
}

function activeDurationMs(phases: Parameters<typeof scheduleDurationMs>[0]): number {
  return scheduleDurationMs(phases.filter((p) => p.kind !== 'idle'));
}

function loopDelay(h: IntervalHistogram | undefined): Summary {
  const ms = (ns: number): number => round3(ns / 1e6);
  if (h === undefined || h.count === 0) {
    return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  return {
    count: h.count, min: ms(h.min), mean: ms(h.mean), stdev: ms(h.stddev), p50: ms(h.percentile(50)),
    p90: ms(h.percentile(90)), p95: ms(h.percentile(95)), p99: ms(h.percentile(99)),
    p999: ms(h.percentile(99.9)), max: ms(h.max),
  };
}

function warningsFor(r: Result): string[] {
  const w: string[] = [];
  if (r.scheduleLag.p99 > LAG_WARNING_P99_MS) {
    w.push(`the load generator lagged: schedule lag p99 ${r.scheduleLag.p99} ms (max ${r.scheduleLag.max} ms); latencies still count from the planned instants, but the generator, not only the target, was slow`);
  }
  if (r.counts.dropped > 0) {
    w.push(`${r.counts.dropped} arrivals were dropped at maxInFlight; raise load.maxInFlight if the target should have been offered them`);
  }
  if (r.coldStarts.length >= MAX_COLD_START_EVENTS) {
    w.push(`only the first ${MAX_COLD_START_EVENTS} cold-start events are listed; the counts are exact`);
  }
  const logs = r.logs;
  if (logs !== undefined && logs.unmatched > 0) {
    const joinable = logs.deferred - logs.notInvoked - logs.withoutId;
    const share = joinable > 0 ? ` (${round3((100 * logs.matched) / joinable)}% matched)` : '';
    const why = logs.stoppedEarly ? 'the reading was stopped (Ctrl-C) before they were read' : 'raise coldStart.logs.wait if the logs are late';
    const where = logs.accessLogGroup === undefined ? `a REPORT line in ${logs.logGroup}` : `their lines in ${logs.accessLogGroup} and ${logs.logGroup}`;
    w.push(`${logs.unmatched} requests were not matched to ${where} within the wait${share}: their start is unknown (startReasons.unknown says which line was missing); ${why}`);
  }
  const loop = r.eventLoopDelay;
  if (loop !== null && loop.p99 > LOOP_DELAY_WARNING_P99_MS) {
    w.push(`coldbench's thread was held up to ${loop.max} ms during the load (event-loop delay p99 ${loop.p99} ms): answers that came meanwhile were read late and their latencies include the wait (a busy machine, or work of coldbench's own such as a checkpoint, can cause it)`);
  }
  if (logs?.stoppedEarly === true) w.push('the reading of the logs was stopped before its wait was over: the join may be incomplete');
  if (logs !== undefined && !logs.perRequest) {
    w.push(`no response carried a request id to join on: cold starts are known for the run as a whole only (logs.runLevel: ${logs.runLevel.coldStarts} cold start${logs.runLevel.coldStarts === 1 ? '' : 's'} in ${logs.runLevel.invocations} invocation${logs.runLevel.invocations === 1 ? '' : 's'} in the run window), not per request`);
  }
  if (r.cost !== null && r.cost.unreported > 0) {
    const { unreported, invocations } = r.cost;
    w.push(unreported === invocations
      ? `no invocation had REPORT figures: cost.total and cost.per1M are the request price only, their compute unknown`
      : `${unreported} of ${invocations} invocations had no REPORT figures: cost.total leaves out their compute (a lower bound), and cost.per1M prices them at the other invocations' mean`);
  }
  const unanswered = r.cost === null ? undefined : unansweredAfterSend(r.errors);
  if (unanswered !== undefined && unanswered.count > 0) {
    const claimedBy = logs === undefined ? '' : `; logs.unclaimedReports (${logs.unclaimedReports}) counts the REPORT lines read that no request claimed, theirs among them if the function ran them`;
    w.push(`${unanswered.count} request${unanswered.count === 1 ? '' : 's'} got no answer (${unanswered.classes}): Lambda bills an invocation that ran even when its caller gave up, and with no answer there is no request id to join a REPORT to, so cost.total leaves ${unanswered.count === 1 ? 'it' : 'them'} out${claimedBy}`);
  }
  if (r.counts.abandoned > 0) {
    w.push(`${r.counts.abandoned} requests were still in flight when the run stopped and are not counted`);
  }
  return w;
}

/**
 * Error classes of requests that left and got no answer: the function may have run them (a
 * refused connection, a failed DNS lookup or TLS handshake never reached it).
 */
const MAY_HAVE_RUN: readonly ErrorClass[] = ['timeout', 'reset', 'protocol'];

function unansweredAfterSend(errors: Record<string, number>): { count: number; classes: string } {
  const found = MAY_HAVE_RUN.filter((c) => (errors[c] ?? 0) > 0);
  return { count: found.reduce((a, c) => a + errors[c]!, 0), classes: found.map((c) => `${c}: ${errors[c]}`).join(', ') };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
