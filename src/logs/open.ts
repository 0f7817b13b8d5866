/**
 * Opens the reading of a function's logs for a run: resolves the log group, checks it can be
 * read (and the access log, for API Gateway), and returns the reading to attach to the runner.
 */
import type { LogsConfig } from '../profile/types.js';
import type { TargetInfo } from '../targets/target.js';
import type { LogsApi } from './api.js';
import { createSdkLogsApi } from './api.js';
import type { ReaderClock } from './reader.js';
import { LogReading } from './reading.js';
import type { LogMode } from './reading.js';
import { probeLogGroup, resolveLogs } from './resolve.js';

export interface OpenLogsOptions {
  mode: LogMode;
  /** Timeout of one API call. */
  timeoutMs: number;
  /** For tests: a Logs API of their own instead of the SDK client. */
  api?: LogsApi;
  clock?: ReaderClock;
}

export interface OpenedLogs {
  reading: LogReading;
  /** What the function's configuration told (memory and architecture, for cost). */
  info: TargetInfo;
}

export const realReaderClock: ReaderClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export async function openLogReading(config: LogsConfig, opts: OpenLogsOptions): Promise<OpenedLogs> {
  const clock = opts.clock ?? realReaderClock;
  const resolved = await resolveLogs(config, opts.timeoutMs);
  const api =
    opts.api ??
    (await createSdkLogsApi({
      timeoutMs: opts.timeoutMs,
      ...(config.region !== undefined && { region: config.region }),
      ...(config.awsProfile !== undefined && { awsProfile: config.awsProfile }),
      ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
    }));
  try {
    const notes = [...resolved.notes];
    const groups: [string, string][] = [[resolved.logGroup, 'the log group']];
    if (config.accessLog !== undefined) groups.push([config.accessLog.logGroup, 'the access log group']);
    for (const [group, what] of groups) {
      const note = await probeLogGroup(api, group, what, clock.now());
      if (note !== undefined) notes.push(note);
    }
    const reading = new LogReading({ api, config, logGroup: resolved.logGroup, logFormat: resolved.logFormat, mode: opts.mode, clock, notes });
    return { reading, info: resolved.info };
  } catch (err) {
    api.close();
    throw err;
  }
}
