/**
 * Classifies one invocation's start as warm, cold, proactive or unknown from its log tail and
 * the client-observed service time. The rule, and why, is in docs/log-formats.md.
 */
import type { StartKind } from '../targets/target.js';
import type { InitReportRecord, InitStartRecord, LambdaReport } from './records.js';

/**
 * The caller waited for the init when the client saw more than Duration plus this fraction of
 * the Init Duration:
 *
 *   serviceTimeMs >= durationMs + PROACTIVE_WAIT_FRACTION * initDurationMs   => cold
 *
 * Client service time = network and queueing overhead + (init, if waited) + Duration. A caller
 * who waited for the whole init always clears the bar (overhead >= 0), so a real cold start is
 * never called proactive. A proactive init (done before the request) clears it only when the
 * overhead exceeds half the init, which errs towards "cold" for tiny inits. A request that
 * arrives while a proactive init is still running waits for part of it: the half-way point
 * splits that case evenly.
 */
export const PROACTIVE_WAIT_FRACTION = 0.5;

/**
 * Without client timing, Datadog's rule (datadog-lambda-js src/utils/cold-start.ts): an invoke
 * that starts more than 10 s after its init started was initialized ahead of the request.
 */
export const PROACTIVE_GAP_MS = 10_000;

export interface ClassifyInput {
  report?: LambdaReport;
  initStart?: InitStartRecord;
  /** Optional: an INIT_REPORT with `Phase: invoke` marks a suppressed init the caller waited for. */
  initReport?: InitReportRecord;
  /** Client-observed time from sending the request to the response (not from the planned instant). */
  serviceTimeMs: number;
  /** False when the invocation returned no log tail (HTTP targets, peers without LogType=Tail). */
  tailPresent: boolean;
}

export interface StartClassification {
  start: StartKind;
  /** What decided it, in words without numbers: the key the result counts decisions by. */
  basis: string;
  /** The basis with the figures that decided this invocation. */
  reason: string;
}

function decided(start: StartKind, basis: string, detail?: string): StartClassification {
  return { start, basis, reason: detail === undefined ? basis : `${basis} (${detail})` };
}

export function classifyStart(input: ClassifyInput): StartClassification {
  const { report, initReport, tailPresent } = input;
  if (!tailPresent) return decided('unknown', 'no log tail');
  if (report === undefined) return decided('unknown', 'no REPORT in log tail');
  if (isPositive(report.restoreDurationMs)) {
    return decided('cold', 'SnapStart restore', `REPORT Restore Duration ${fmt(report.restoreDurationMs)} ms`);
  }
  if (initReport?.phase === 'invoke') {
    return decided('cold', 'suppressed init (INIT_REPORT Phase: invoke), re-run inside the invoke');
  }
  const initMs = report.initDurationMs;
  if (initMs === undefined || !Number.isFinite(initMs)) {
    return decided('warm', 'REPORT without Init Duration');
  }
  return classifyInit(initMs, input);
}

function classifyInit(initMs: number, input: ClassifyInput): StartClassification {
  const { report, serviceTimeMs } = input;
  if (!Number.isFinite(serviceTimeMs) || serviceTimeMs < 0) return classifyByGap(initMs, input);
  const durationKnown = report?.durationMs !== undefined && Number.isFinite(report.durationMs);
  // Missing Duration is taken as 0: the bar only gets lower, so the doubt goes to "cold".
  const durationMs = durationKnown ? (report?.durationMs as number) : 0;
  const barMs = durationMs + PROACTIVE_WAIT_FRACTION * initMs;
  const math = `service ${fmt(serviceTimeMs)} ms ${serviceTimeMs >= barMs ? '>=' : '<'} duration ${
    durationKnown ? fmt(durationMs) : '? (taken as 0)'
  } + ${PROACTIVE_WAIT_FRACTION} x init ${fmt(initMs)} ms`;
  if (serviceTimeMs >= barMs) return decided('cold', 'REPORT Init Duration, caller waited', math);
  return decided('proactive', 'REPORT Init Duration, caller did not wait', math);
}

/** No usable client time: fall back to the INIT_START -> invoke gap when both times are known. */
function classifyByGap(initMs: number, input: ClassifyInput): StartClassification {
  const initStartMs = Date.parse(input.initStart?.time ?? '');
  const reportTime = (input.report as (LambdaReport & { time?: string }) | undefined)?.time;
  const reportMs = Date.parse(reportTime ?? '');
  const durationMs = input.report?.durationMs;
  if (Number.isFinite(initStartMs) && Number.isFinite(reportMs) && durationMs !== undefined) {
    // The REPORT is written when the invoke ends: invoke start ~ report time - Duration.
    const gapMs = reportMs - durationMs - initStartMs;
    if (gapMs > PROACTIVE_GAP_MS) {
      return decided('proactive', `init started more than ${PROACTIVE_GAP_MS} ms before the invoke`, `${fmt(gapMs)} ms`);
    }
    return decided('cold', 'REPORT Init Duration, init started just before the invoke', `init ${fmt(initMs)} ms, started ${fmt(gapMs)} ms before`);
  }
  return decided('cold', 'REPORT Init Duration, no client time to test for proactive init', `init ${fmt(initMs)} ms`);
}

function isPositive(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}

function fmt(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(2);
}
