/** `coldbench validate <profile>`: every problem at once, or a one-line description of the plan. */
import { loadProfile } from '../../profile/index.js';
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
  out.human(`${file}: ok: "${profile.name}", ${target}, ${plan}`);
  return 0;
}
