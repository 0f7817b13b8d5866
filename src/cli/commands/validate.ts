/** `coldbench validate <profile>`: every problem at once, or a one-line description of the plan. */
import { loadProfile } from '../../profile/index.js';
import type { Profile } from '../../profile/types.js';
import { withLogsDefaults } from '../../run/open-target.js';
import { plannedCount, scheduleDurationMs } from '../../schedule/index.js';
import { formatDuration } from '../../util/duration.js';
import type { Output } from '../output.js';

export async function validateCommand(file: string, flags: { set: string[]; json: boolean }, out: Output): Promise<number> {
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addProfileSecrets(loaded);
  if (flags.json) {
    out.json(loaded.redacted);
    return 0;
  }
  const { profile } = loaded;
  const load = profile.load;
  const plan =
    load.model === 'open'
      ? `open model, ${load.phases.length} phase${load.phases.length === 1 ? '' : 's'}, ${plannedCount(load.phases).toLocaleString('en-US')} request${plannedCount(load.phases) === 1 ? '' : 's'} over ${formatDuration(scheduleDurationMs(load.phases))}`
      : `closed model, ${load.concurrency} workers, ${load.iterations !== undefined ? `${load.iterations} iterations` : `for ${formatDuration(load.durationMs ?? 0)}`}`;
  const target = profile.target.kind === 'http' ? `http ${profile.target.method} ${profile.target.url}` : `lambda ${profile.target.function}${profile.target.local ? ' (local emulator)' : ''}`;
  const logs = logsPlan(profile.target);
  out.human(`${file}: ok: "${profile.name}", ${target}, ${plan}${logs === undefined ? '' : `, ${logs}`}`);
  return 0;
}

/**
 * Where a run will read its cold starts from (target.coldStart.logs), as far as the profile
 * tells: a function's log group is looked up when the run starts (GetFunctionConfiguration).
 */
export function logsPlan(config: Profile['target']): string | undefined {
  const logs = withLogsDefaults(config, undefined).coldStartLogs;
  if (logs === undefined) return undefined;
  const group = logs.logGroup !== undefined
    ? `log group ${logs.logGroup}`
    : logs.function !== undefined
      ? `the log group of function ${logs.function} (its LoggingConfig.LogGroup, else /aws/lambda/${logs.function})`
      : 'the log group of the function';
  const access = logs.accessLog === undefined ? '' : `, joined through the access log ${logs.accessLog.logGroup}`;
  const front = config.kind === 'http' && config.local?.front === 'api-gateway' && logs.accessLog === undefined ? ", joined through the API Gateway front's access log" : '';
  return `cold starts read from ${group}${access}${front}`;
}
