/**
 * Putting the functions back as they were: the settings are read before the first change, and
 * written back at the end whatever happened (completed, Ctrl-C, a failure). When that fails, the
 * outcome carries the exact AWS CLI command that restores them by hand.
 */
import type { LambdaTargetConfig } from '../profile/types.js';
import type { FunctionControl, FunctionSettings } from './control.js';

export interface FunctionRestore {
  function: string;
  original: FunctionSettings;
  ok: boolean;
  error?: string;
  /** Present when restoring failed: what to run by hand. */
  command?: string;
}

export interface RestoreOutcome {
  ok: boolean;
  functions: FunctionRestore[];
}

export class Originals {
  private readonly settings = new Map<string, FunctionSettings>();

  /** Reads and keeps a function's settings the first time it is about to change. */
  async remember(control: FunctionControl, fn: string): Promise<void> {
    if (!this.settings.has(fn)) this.settings.set(fn, await control.read(fn));
  }

  get(fn: string): FunctionSettings | undefined {
    return this.settings.get(fn);
  }

  /** Writes every remembered function back; never throws. */
  async restore(control: FunctionControl, target: LambdaTargetConfig): Promise<RestoreOutcome> {
    const functions: FunctionRestore[] = [];
    for (const [fn, original] of this.settings) {
      try {
        await control.apply(fn, original);
        functions.push({ function: fn, original, ok: true });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        functions.push({ function: fn, original, ok: false, error, command: manualRestoreCommand(fn, original, target) });
      }
    }
    return { ok: functions.every((f) => f.ok), functions };
  }
}

/**
 * `aws lambda update-function-configuration` with the original memory and environment, and the
 * target's region, endpoint and profile. The architecture is not a configuration setting on AWS
 * (it goes with the code), so it is left to a comment.
 */
export function manualRestoreCommand(fn: string, original: FunctionSettings, target: LambdaTargetConfig): string {
  const args = [
    'aws lambda update-function-configuration',
    `--function-name ${shellQuote(fn)}`,
    `--memory-size ${original.memoryMB}`,
    `--environment ${shellQuote(JSON.stringify({ Variables: original.environment }))}`,
  ];
  if (target.region !== undefined) args.push(`--region ${shellQuote(target.region)}`);
  if (target.endpoint !== undefined) args.push(`--endpoint-url ${shellQuote(target.endpoint)}`);
  if (target.awsProfile !== undefined) args.push(`--profile ${shellQuote(target.awsProfile)}`);
  return `${args.join(' ')}\n# the original architecture was ${original.architecture}`;
}

/** POSIX shell single quotes: everything literal, a quote written as '\''. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
