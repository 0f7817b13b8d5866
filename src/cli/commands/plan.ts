/**
 * `coldbench plan replay <profile> --keep-alive 10m --provisioned 2 --ping 5m`: simulate the
 * profile's planned instants against a model of the platform, for each option, and print the
 * cold starts and cost each predicts. Sends nothing.
 */
import { UsageError } from '../../errors.js';
import type { Architecture } from '../../lambda/cost.js';
import { loadProfile } from '../../profile/index.js';
import { readResult } from '../../result/read.js';
import { parseDuration } from '../../util/duration.js';
import type { Output } from '../output.js';

export interface PlanFlags {
  keepAlive?: string;
  provisioned?: string;
  ping?: string;
  duration?: string;
  init?: string;
  measured?: string;
  memory?: number;
  set: string[];
  json: boolean;
}

export async function planReplayCommand(file: string, flags: PlanFlags, out: Output): Promise<number> {
  const keepAliveMs = durationFlag('--keep-alive', flags.keepAlive);
  const provisioned = listFlag(flags.provisioned).map((n) => {
    const count = Number(n);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--provisioned: "${n}" is not a whole number of environments >= 1`);
    return count;
  });
  const pingEveryMs = listFlag(flags.ping).map((p) => durationFlag('--ping', p)!);
  if (flags.memory !== undefined && !(flags.memory >= 128 && flags.memory <= 10_240)) throw new UsageError('--memory: expected MB from 128 to 10240');
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addProfileSecrets(loaded);
  const { functionTiming, planReplay, renderPlan } = await import('../../experiments/replay/index.js');
  const measured = flags.measured === undefined ? undefined : { file: flags.measured, result: await readResult(flags.measured) };
  const timing = functionTiming(
    { ...(flags.duration !== undefined && { durationMs: durationFlag('--duration', flags.duration)! }), ...(flags.init !== undefined && { initMs: durationFlag('--init', flags.init)! }) },
    measured,
  );
  const target = measured?.result.target;
  const memoryMB = flags.memory ?? target?.memorySizeMB;
  const architecture = target?.architecture === 'arm64' || target?.architecture === 'x86_64' ? (target.architecture as Architecture) : undefined;
  const plan = planReplay({
    loaded,
    timing,
    ...(keepAliveMs !== undefined && { keepAliveMs }),
    provisioned,
    pingEveryMs,
    ...(memoryMB !== undefined && { memoryMB }),
    ...(architecture !== undefined && { architecture }),
  });
  if (flags.json) out.machine(JSON.stringify(plan, null, 2));
  out.human(renderPlan(plan));
  return 0;
}

function listFlag(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 0 || (name !== '--init' && ms === 0)) throw new UsageError(`${name}: "${value}" is not a duration`, `write it like ${name} 10m, 90s or 120ms`);
  return ms;
}
