/**
 * The result file's `logs` and `async` sections (SPEC section 7) from a finished reading, with
 * their histograms encoded so runs can be merged and compared later.
 */
import type { AsyncSection, LogsSection } from '../result/result.js';
import { encodeHistogram, summarize } from '../result/histogram.js';
import type { LogReadingOutcome } from './reading.js';

export interface LogsResultParts {
  logs: LogsSection;
  async?: AsyncSection;
  histograms: Record<string, string>;
}

export function logsResultParts(outcome: LogReadingOutcome): LogsResultParts {
  const j = outcome.join;
  const ms = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 1000) / 1000);
  const logs: LogsSection = {
    source: 'cloudwatch-logs',
    logGroup: outcome.logGroup,
    ...(outcome.accessLogGroup !== undefined && { accessLogGroup: outcome.accessLogGroup }),
    filterPattern: outcome.filterPattern ?? null,
    perRequest: j.deferred === 0 || j.withoutId < j.deferred,
    deferred: j.deferred,
    matched: j.matched,
    unmatched: j.unmatched,
    complete: j.unmatched === 0 && j.withoutId === 0 && !outcome.stoppedEarly,
    withoutId: j.withoutId,
    notInvoked: j.notInvoked,
    throttledBehindFront: j.throttledBehindFront,
    unclaimedReports: j.unclaimedReports,
    claimedReports: j.claimedReports,
    lagMs: j.lag.totalCount > 0 ? summarize(j.lag) : null,
    waitedMs: Math.round(outcome.waitedMs),
    stoppedEarly: outcome.stoppedEarly,
    apiCalls: outcome.stats.apiCalls,
    throttledCalls: outcome.stats.throttled,
    failedCalls: outcome.stats.failed,
    events: outcome.stats.events,
    duplicateEvents: outcome.stats.duplicates,
    clockSkewMs: { low: ms(j.skew.lowMs), high: ms(j.skew.highMs) },
    runLevel: {
      invocations: j.runLevel.invocations,
      coldStarts: j.runLevel.coldStarts,
      init: j.runLevel.init.totalCount > 0 ? summarize(j.runLevel.init) : null,
    },
    problems: outcome.problems,
  };
  const histograms: Record<string, string> = { logLag: encodeHistogram(j.lag), runLevelInit: encodeHistogram(j.runLevel.init) };
  if (j.async === undefined) return { logs, histograms };
  histograms.queueDelay = encodeHistogram(j.async.queueDelay);
  histograms.endToEnd = encodeHistogram(j.async.endToEnd);
  return {
    logs,
    histograms,
    async: {
      queueDelay: summarize(j.async.queueDelay),
      endToEnd: summarize(j.async.endToEnd),
      attempts: j.async.attempts,
      retries: j.async.retries,
      neverRan: j.async.neverRan,
    },
  };
}
