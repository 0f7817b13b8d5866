/**
 * From the validated user shape to the Profile type the rest of coldbench uses: renamed
 * fields with units, local paths anchored at the profile's folder, payloadFile read.
 */
import { resolve } from 'node:path';
import { phaseCount } from '../schedule/phases.js';
import { medianOf } from '../util/quantiles.js';
import type { ProfileOutput } from './schema.js';
import type { Problem } from './source.js';
import { formatOf } from './requests-schema.js';
import { replayPhase } from '../trace/replay-phase.js';
import type { DataConfig, HttpRequestConfig, HttpTargetConfig, LambdaRequestConfig, LambdaTargetConfig, LocalEmulatorConfig, LocalFunctionConfig, LogsConfig, MatrixConfig, Phase, Profile, ReplaySource } from './types.js';

export interface NormalizeContext {
  /** Absolute folder of the profile: relative paths in it are resolved against this. */
  baseDir: string;
  /** Reads a UTF-8 file (payloadFile); throws on failure. */
  readFile: (absolutePath: string) => string;
}

type HttpInput = Extract<ProfileOutput['target'], { kind: 'http' }>;
type LambdaInput = Extract<ProfileOutput['target'], { kind: 'lambda' }>;
type LocalInput = NonNullable<LambdaInput['local']>;

export function normalizeProfile(input: ProfileOutput, context: NormalizeContext): { profile: Profile; problems: Problem[] } {
  const problems: Problem[] = [];
  const target = input.target.kind === 'http' ? httpTarget(input.target, context) : lambdaTarget(input.target, context, problems);
  if (input.target.data !== undefined) target.data = dataConfig(input.target.data, context.baseDir);
  if (input.target.seed !== undefined) target.seed = input.target.seed;
  const load: Profile['load'] =
    input.load.model === 'open'
      ? { model: 'open', maxInFlight: input.load.maxInFlight ?? 1000, phases: (input.load.phases ?? []).map((phase, i) => resolvePhase(phase, i, context, problems)) }
      : {
          model: 'closed',
          concurrency: input.load.concurrency ?? 1,
          ...(input.load.duration !== undefined ? { durationMs: input.load.duration } : {}),
          ...(input.load.iterations !== undefined ? { iterations: input.load.iterations } : {}),
        };
  const unread = problems.some((problem) => problem.path[0] === 'load');
  if (load.model === 'open' && !unread && !load.phases.some((phase) => phaseCount(phase) > 0)) {
    problems.push({ path: ['load', 'phases'], message: 'the phases plan no requests' });
  }
  const profile: Profile = { name: input.name, target, load, thresholds: input.thresholds };
  if (input.prices !== undefined) profile.prices = withoutUndefined(input.prices);
  if (input.matrix !== undefined) profile.matrix = matrixConfig(input.matrix);
  if (input.sweep !== undefined) {
    const { gaps, samples, functions } = input.sweep;
    profile.sweep = { ...(gaps !== undefined && { gapsMs: gaps }), ...(samples !== undefined && { samples }), ...(functions !== undefined && { functions }) };
  }
  return { profile, problems };
}

/** A replay phase's trace is read here, so the schedule stays a pure function of the profile. */
function resolvePhase(phase: Phase | ReplaySource, index: number, context: NormalizeContext, problems: Problem[]): Phase {
  if (phase.kind !== 'replay-file') return phase;
  const resolved = replayPhase(phase, context);
  if ('kind' in resolved) return resolved;
  problems.push({ path: ['load', 'phases', index, 'replay', resolved.field], message: resolved.message });
  return { kind: 'idle', durationMs: 0 };
}

function httpTarget(input: HttpInput, context: NormalizeContext): HttpTargetConfig {
  const target: HttpTargetConfig = {
    kind: 'http',
    url: input.url,
    method: input.method.toUpperCase(),
    headers: input.headers,
    timeoutMs: input.timeout,
  };
  if (input.body !== undefined) {
    target.body = input.body.text;
    // A body written as a mapping or list is JSON: say so unless the profile already does.
    const hasContentType = Object.keys(input.headers).some((name) => name.toLowerCase() === 'content-type');
    if (input.body.encoded && !hasContentType) target.headers = { ...input.headers, 'content-type': 'application/json' };
  }
  if (input.coldStart?.header !== undefined) target.coldStartHeader = input.coldStart.header;
  if (input.coldStart?.logs !== undefined) target.coldStartLogs = logsConfig(input.coldStart.logs);
  if (input.connections !== undefined) target.connections = input.connections;
  if (input.requests !== undefined) target.requests = input.requests.map((request) => httpRequest(request, target));
  if (input.sign !== undefined) target.sign = input.sign;
  if (input.local !== undefined) {
    const { front, function: fn, ...emulator } = input.local;
    target.local = { front, function: fn, emulator: localEmulator(emulator, context.baseDir) };
  }
  return target;
}

type LogsInput = NonNullable<NonNullable<HttpInput['coldStart']>['logs']>;

function logsConfig(input: LogsInput): LogsConfig {
  const logs: LogsConfig = {
    requestIdHeader: input.requestIdHeader.toLowerCase(),
    waitMs: input.wait,
    pollMs: input.poll,
  };
  if (input.function !== undefined) logs.function = input.function;
  if (input.logGroup !== undefined) logs.logGroup = input.logGroup;
  if (input.region !== undefined) logs.region = input.region;
  if (input.awsProfile !== undefined) logs.awsProfile = input.awsProfile;
  if (input.endpoint !== undefined) logs.endpoint = input.endpoint;
  if (input.accessLog !== undefined) logs.accessLog = { ...input.accessLog, requestIdHeader: input.accessLog.requestIdHeader.toLowerCase() };
  return logs;
}

function lambdaTarget(input: LambdaInput, context: NormalizeContext, problems: Problem[]): LambdaTargetConfig {
  const target: LambdaTargetConfig = { kind: 'lambda', function: input.function, timeoutMs: input.timeout, invocationType: input.invocationType, client: input.client };
  if (input.coldStart !== undefined) target.coldStartLogs = logsConfig(input.coldStart.logs);
  if (input.qualifier !== undefined) target.qualifier = input.qualifier;
  if (input.region !== undefined) target.region = input.region;
  if (input.awsProfile !== undefined) target.awsProfile = input.awsProfile;
  if (input.endpoint !== undefined) target.endpoint = input.endpoint;
  if (input.memory !== undefined) target.memoryMB = input.memory;
  if (input.architecture !== undefined) target.architecture = input.architecture;
  if (input.payload !== undefined) target.payload = input.payload.text;
  if (input.payloadFile !== undefined) {
    const file = resolve(context.baseDir, input.payloadFile);
    try {
      target.payload = context.readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      problems.push({ path: ['target', 'payloadFile'], message: `cannot read ${file} (${code})` });
    }
  }
  if (input.local !== undefined) target.local = localEmulator(input.local, context.baseDir);
  if (input.requests !== undefined) {
    target.requests = input.requests.map((request, index) => lambdaRequest(request, context, (message) => problems.push({ path: ['target', 'requests', index, 'payloadFile'], message })));
  }
  return target;
}

/** A request of the mix with the target's method and headers where it sets none; a mapping body is JSON. */
function httpRequest(input: NonNullable<HttpInput['requests']>[number], target: HttpTargetConfig): HttpRequestConfig {
  const headers = { ...target.headers, ...input.headers };
  const request: HttpRequestConfig = { name: input.name, weight: input.weight, method: (input.method ?? target.method).toUpperCase(), headers };
  if (input.path !== undefined) request.path = input.path;
  if (input.url !== undefined) request.url = input.url;
  if (input.body !== undefined) {
    request.body = input.body.text;
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    if (input.body.encoded && !hasContentType) request.headers = { ...headers, 'content-type': 'application/json' };
  } else if (target.body !== undefined) {
    request.body = target.body;
  }
  return request;
}

function lambdaRequest(input: NonNullable<LambdaInput['requests']>[number], context: NormalizeContext, problem: (message: string) => void): LambdaRequestConfig {
  const request: LambdaRequestConfig = { name: input.name, weight: input.weight };
  if (input.function !== undefined) request.function = input.function;
  if (input.qualifier !== undefined) request.qualifier = input.qualifier;
  if (input.payload !== undefined) request.payload = input.payload.text;
  if (input.payloadFile !== undefined) {
    const file = resolve(context.baseDir, input.payloadFile);
    try {
      request.payload = context.readFile(file);
    } catch (error) {
      problem(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return request;
}

function dataConfig(input: NonNullable<HttpInput['data']>, baseDir: string): DataConfig {
  return { file: resolve(baseDir, input.file), format: input.format ?? formatOf(input.file) ?? 'csv', order: input.order };
}

function localEmulator(input: Pick<LocalInput, 'accountConcurrency' | 'functions'>, baseDir: string): LocalEmulatorConfig {
  const functions: Record<string, LocalFunctionConfig> = {};
  for (const [name, fn] of Object.entries(input.functions)) {
    const config: LocalFunctionConfig = {
      // A custom runtime gets the handler in _HANDLER; "index.handler" is what provided.al2023 templates use.
      handler: fn.handler ?? 'index.handler',
      memoryMB: fn.memory,
      timeoutMs: fn.timeout,
      idleTimeoutMs: typeof fn.idleTimeout === 'number' ? fn.idleTimeout : medianOf(fn.idleTimeout.quantilesMs),
      maxLifetimeMs: fn.maxLifetime,
      environment: fn.environment,
      architecture: fn.architecture,
      logFormat: fn.logFormat,
      cpuShare: fn.cpuShare,
    };
    if (typeof fn.idleTimeout !== 'number') config.idleTimeoutDistribution = fn.idleTimeout;
    if (fn.bootstrap !== undefined) config.bootstrap = fn.bootstrap;
    if (fn.concurrency !== undefined) config.concurrency = fn.concurrency;
    if (fn.scaleRate !== undefined) config.scaleRatePerSec = fn.scaleRate;
    if (fn.logDelay !== undefined) config.logDelayMs = fn.logDelay;
    if (fn.logGroup !== undefined) config.logGroup = fn.logGroup;
    if (fn.systemLogLevel !== undefined) config.systemLogLevel = fn.systemLogLevel;
    if (fn.applicationLogLevel !== undefined) config.applicationLogLevel = fn.applicationLogLevel;
    if (fn.asyncRetries !== undefined) config.asyncRetries = fn.asyncRetries;
    if (fn.asyncRetryDelay !== undefined) config.asyncRetryDelayMs = fn.asyncRetryDelay;
    if (fn.asyncMaxEventAge !== undefined) config.asyncMaxEventAgeMs = fn.asyncMaxEventAge;
    if (fn.authType !== undefined) config.authType = fn.authType;
    functions[name] = config;
  }
  return { baseDir, accountConcurrency: input.accountConcurrency, functions };
}

function matrixConfig(input: NonNullable<ProfileOutput['matrix']>): MatrixConfig {
  const matrix: MatrixConfig = { coldStarts: input.coldStarts, rounds: input.rounds };
  if (input.memory !== undefined) matrix.memoryMB = input.memory;
  if (input.architecture !== undefined) matrix.architectures = input.architecture;
  if (input.environment !== undefined) matrix.environments = input.environment;
  if (input.functions !== undefined) matrix.functions = input.functions;
  return matrix;
}

function withoutUndefined<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
