/**
 * Opens the reading of a function's logs for a run: resolves the log group, checks it can be
 * read (and the access log, for API Gateway), and returns the reading to attach to the runner.
 */
import type { LogsConfig } from '../profile/types.js';
import type { TargetInfo } from '../targets/target.js';
import type { LogsClientOptions } from './api.js';
import { realReaderClock } from './reader.js';
import { groupSpecs, LogReading, platformPattern } from './reading.js';
import type { LogMode } from './reading.js';
import { probeLogGroup, resolveLogs } from './resolve.js';
import { WorkerLogSource } from './worker-source.js';

/** FilterLogEvents allows 5 calls a second per account and Region (CloudWatch Logs quotas). */
const MIN_AWS_POLL_MS = 200;

export interface OpenLogsOptions {
  mode: LogMode;
  /** Timeout of one API call. */
  timeoutMs: number;
}

export interface OpenedLogs {
  reading: LogReading;
  /** What the function's configuration told (memory and architecture, for cost). */
  info: TargetInfo;
}

export async function openLogReading(config: LogsConfig, opts: OpenLogsOptions): Promise<OpenedLogs> {
  const clock = realReaderClock;
  const resolved = await resolveLogs(config, opts.timeoutMs);
  const client: LogsClientOptions = {
    timeoutMs: opts.timeoutMs,
    ...(config.region !== undefined && { region: config.region }),
    ...(config.awsProfile !== undefined && { awsProfile: config.awsProfile }),
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
  };
  const filterPattern = platformPattern(resolved.logFormat, opts.mode);
  const groups = groupSpecs(config, resolved.logGroup, filterPattern);
  // The reading has its thread and client from the start: the probes go through them too.
  const source = await WorkerLogSource.start(client, groups);
  try {
    const notes = [...resolved.notes];
    if (config.endpoint === undefined && config.pollMs < MIN_AWS_POLL_MS) {
      notes.push(`coldStart.logs.poll is ${config.pollMs} ms: each poll calls FilterLogEvents for each group, and AWS allows 5 calls a second per account and Region: faster polls are throttled, and slow down every other reader of the account's logs`);
    }
    const probes: [string, string][] = [[resolved.logGroup, 'the log group']];
    if (config.accessLog !== undefined) probes.push([config.accessLog.logGroup, 'the access log group']);
    for (const [group, what] of probes) {
      const note = await probeLogGroup(source.api, group, what, clock.now());
      if (note !== undefined) notes.push(note);
    }
    const reading = new LogReading({ source, config, logGroup: resolved.logGroup, filterPattern, mode: opts.mode, clock, notes });
    return { reading, info: resolved.info };
  } catch (err) {
    source.close();
    throw err;
  }
}
