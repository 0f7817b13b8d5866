/**
 * Before the load: which log group holds the function's platform lines, in which format, and
 * whether they can be read. What can be known then is a clear error then (no credentials, no
 * permission, a missing group, platform lines turned off), never a run that ends blind.
 */
import { RunError } from '../errors.js';
import type { LambdaTargetConfig, LogsConfig } from '../profile/types.js';
import type { TargetInfo } from '../targets/target.js';
import { createLambdaClient } from '../targets/lambda-client.js';
import { preflightError } from '../targets/lambda-preflight.js';
import type { LogsApi } from './api.js';
import { logsFailureOf } from './api.js';

export interface ResolvedLogs {
  logGroup: string;
  /** From the function's LoggingConfig; undefined when it could not be read. */
  logFormat: 'Text' | 'JSON' | undefined;
  /** What the function's configuration told (memory and architecture, for cost). */
  info: TargetInfo;
  /** Things the user should know that do not stop the run. */
  notes: string[];
}

/**
 * Lambda writes START / REPORT only at SystemLogLevel INFO or DEBUG (JSON format); at WARN and
 * above they are not written at all.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 */
const PLATFORM_LEVELS = new Set(['DEBUG', 'INFO']);

/** The log group: `logGroup`, else the function's LoggingConfig.LogGroup, else /aws/lambda/<function>. */
export async function resolveLogs(config: LogsConfig, timeoutMs: number): Promise<ResolvedLogs> {
  const notes: string[] = [];
  if (config.function === undefined) {
    return { logGroup: config.logGroup!, logFormat: undefined, info: {}, notes };
  }
  const lambda: LambdaTargetConfig = {
    kind: 'lambda',
    function: config.function,
    timeoutMs,
    invocationType: 'RequestResponse',
    ...(config.region !== undefined && { region: config.region }),
    ...(config.awsProfile !== undefined && { awsProfile: config.awsProfile }),
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
  };
  const parts = await createLambdaClient(lambda, 1);
  const fallback = config.logGroup ?? `/aws/lambda/${functionName(config.function)}`;
  try {
    const out = await parts.client.send(new parts.sdk.GetFunctionConfigurationCommand({ FunctionName: config.function }));
    const logging = out.LoggingConfig;
    const level = logging?.SystemLogLevel;
    if (level !== undefined && !PLATFORM_LEVELS.has(level)) {
      throw new RunError(
        `function "${config.function}" has SystemLogLevel ${level}: Lambda does not write its START and REPORT lines, so no cold start can be read from its logs`,
        'set the function\'s SystemLogLevel to INFO (LoggingConfig), or read starts from a response header (coldStart.header)',
      );
    }
    const info: TargetInfo = { architecture: out.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64' };
    if (out.MemorySize !== undefined) info.memorySizeMB = out.MemorySize;
    const format = logging?.LogFormat === 'JSON' ? 'JSON' : logging?.LogFormat === 'Text' ? 'Text' : undefined;
    return { logGroup: config.logGroup ?? logging?.LogGroup ?? fallback, logFormat: format, info, notes };
  } catch (err) {
    if (err instanceof RunError) throw err;
    const stop = preflightError(err, lambda, parts.where, 'target.coldStart.logs');
    if (stop !== undefined) throw stop;
    notes.push(`could not read the configuration of function "${config.function}" (${nameOf(err)}): reading ${fallback}, in either log format; cost is estimated without its memory size`);
    return { logGroup: fallback, logFormat: undefined, info: {}, notes };
  } finally {
    parts.destroy();
  }
}

/** One small read of the group: fails now, with a hint, what would fail every read later. */
export async function probeLogGroup(api: LogsApi, logGroup: string, what: string, nowMs: number): Promise<string | undefined> {
  try {
    await api.filter({ logGroupName: logGroup, startTime: nowMs - 1000, endTime: nowMs });
    return undefined;
  } catch (err) {
    const failure = logsFailureOf(err);
    switch (failure.kind) {
      case 'denied':
        throw new RunError(
          `not allowed to read ${what} ${logGroup} (${failure.awsName}): ${failure.message}`,
          'grant logs:FilterLogEvents on the log group (docs/logs.md lists the permissions)',
          { cause: err },
        );
      case 'not-found':
        throw new RunError(
          `${what} ${logGroup} does not exist`,
          'check coldStart.logs (function, logGroup, region, endpoint); Lambda creates a function\'s group at its first invocation: invoke it once',
          { cause: err },
        );
      case 'credentials':
        throw new RunError(`no usable AWS credentials to read ${what} ${logGroup}: ${failure.message}`, 'set AWS_PROFILE, or coldStart.logs.awsProfile', { cause: err });
      case 'invalid':
        throw new RunError(`CloudWatch Logs refused the read of ${logGroup}: ${failure.message}`, undefined, { cause: err });
      case 'throttled':
      case 'transient':
      case 'aborted':
        // Worth trying during the run: a throttle or a hiccup now says nothing about later.
        return `the first read of ${logGroup} failed (${failure.awsName}): ${failure.message}`;
    }
  }
}

/** `name` of a name, `name:alias` or an ARN. */
function functionName(fn: string): string {
  const parts = fn.split(':');
  const at = parts.indexOf('function');
  return at >= 0 && parts[at + 1] !== undefined ? parts[at + 1]! : parts[0]!;
}

function nameOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : 'Error';
}
