/**
 * The control-plane calls later work needs, on the Lambda API's REST paths:
 * GetFunctionConfiguration, UpdateFunctionConfiguration, GetFunction, ListFunctions,
 * Put/Get/DeleteFunctionConcurrency.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalFunctionConfig } from '../profile/types.js';
import { type EmulatorCore, resolvePool } from './core.js';
import { type FunctionPool, lambdaTimestamp } from './function-pool.js';
import { functionLogGroup } from './log-streams.js';
import { readBody, sendJson } from './http-util.js';
import { sendServiceError } from './service-errors.js';

/** How long an update stays InProgress: brief, but long enough for a poller to see it. */
export const UPDATE_IN_PROGRESS_MS = 50;

export function functionConfiguration(core: EmulatorCore, pool: FunctionPool): Record<string, unknown> {
  const c = pool.config;
  const ident = pool.identity();
  return {
    FunctionName: pool.name,
    FunctionArn: pool.arn,
    Runtime: ident.runtime,
    Role: `arn:aws:iam::${core.accountId}:role/coldbench-emulator`,
    Handler: c.handler,
    CodeSize: 0,
    Description: '',
    Timeout: Math.ceil(c.timeoutMs / 1000),
    MemorySize: c.memoryMB,
    LastModified: pool.lastModified,
    CodeSha256: '',
    Version: '$LATEST',
    Environment: { Variables: { ...c.environment } },
    State: 'Active',
    LastUpdateStatus: pool.lastUpdateStatus,
    PackageType: 'Zip',
    Architectures: [c.architecture],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: loggingConfig(pool.name, c),
    RuntimeVersionConfig: { RuntimeVersionArn: ident.runtimeVersionArn },
  };
}

/**
 * LoggingConfig as GetFunctionConfiguration returns it: the log levels only with the JSON format,
 * where they apply (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html:
 * "To use log-level filtering, your function must be configured to use the JSON log format"),
 * both INFO unless set.
 */
export function loggingConfig(name: string, c: LocalFunctionConfig): Record<string, string> {
  const group = functionLogGroup(name, c.logGroup);
  if (c.logFormat !== 'JSON') return { LogFormat: c.logFormat, LogGroup: group };
  return { LogFormat: 'JSON', ApplicationLogLevel: c.applicationLogLevel ?? 'INFO', SystemLogLevel: c.systemLogLevel ?? 'INFO', LogGroup: group };
}

type Route = 'configuration' | 'function' | 'concurrency';

export async function handleControlPlane(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  rawName: string,
  qualifier: string | undefined,
): Promise<void> {
  const { body } = await readBody(req, 1024 * 1024);
  const found = resolvePool(core, rawName, qualifier);
  if ('notFound' in found) return sendServiceError(res, 'ResourceNotFoundException', found.notFound);
  const pool = found.pool;
  const method = req.method ?? 'GET';
  if (route === 'configuration' && method === 'GET') return sendJson(res, 200, functionConfiguration(core, pool));
  if (route === 'configuration' && method === 'PUT') return update(core, res, pool, body);
  if (route === 'function' && method === 'GET') {
    const concurrency = pool.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: pool.reserved } } : {};
    return sendJson(res, 200, { Configuration: functionConfiguration(core, pool), Code: { RepositoryType: 'S3', Location: '' }, ...concurrency });
  }
  if (route === 'concurrency') return concurrency(core, res, pool, method, body);
  sendServiceError(res, 'UnknownOperationException', `Unknown operation ${method} ${req.url ?? ''}`);
}

export function listFunctions(core: EmulatorCore, res: ServerResponse): void {
  sendJson(res, 200, { Functions: [...core.pools.values()].map((p) => functionConfiguration(core, p)) });
}

function update(core: EmulatorCore, res: ServerResponse, pool: FunctionPool, body: Buffer): void {
  if (pool.lastUpdateStatus === 'InProgress') {
    return sendServiceError(res, 'ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${pool.arn}`);
  }
  const parsed = parseUpdate(body, pool.config);
  if (typeof parsed === 'string') return sendServiceError(res, 'InvalidParameterValueException', parsed);
  pool.update(parsed);
  pool.lastUpdateStatus = 'InProgress';
  pool.lastModified = lambdaTimestamp(new Date());
  const timer = setTimeout(() => (pool.lastUpdateStatus = 'Successful'), UPDATE_IN_PROGRESS_MS);
  timer.unref();
  sendJson(res, 200, functionConfiguration(core, pool));
}

/** The new configuration, or a message naming the bad field. */
function parseUpdate(body: Buffer, current: LocalFunctionConfig): LocalFunctionConfig | string {
  let input: Record<string, unknown>;
  try {
    input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } catch {
    return 'Request body is not valid JSON';
  }
  const next: LocalFunctionConfig = { ...current, environment: { ...current.environment } };
  if (input['MemorySize'] !== undefined) {
    const mb = Number(input['MemorySize']);
    if (!Number.isInteger(mb) || mb < 128 || mb > 10240) return 'MemorySize must be an integer from 128 to 10240';
    next.memoryMB = mb;
  }
  if (input['Timeout'] !== undefined) {
    const s = Number(input['Timeout']);
    if (!Number.isInteger(s) || s < 1 || s > 900) return 'Timeout must be an integer from 1 to 900 seconds';
    next.timeoutMs = s * 1000;
  }
  const env = input['Environment'] as { Variables?: Record<string, string> } | undefined;
  if (env !== undefined) next.environment = { ...(env.Variables ?? {}) };
  const arch = input['Architectures'] as unknown[] | undefined;
  if (arch !== undefined) {
    if (arch.length !== 1 || (arch[0] !== 'x86_64' && arch[0] !== 'arm64')) return 'Architectures must be ["x86_64"] or ["arm64"]';
    next.architecture = arch[0];
  }
  const logging = input['LoggingConfig'] as Record<string, unknown> | undefined;
  return logging === undefined ? next : updateLogging(next, logging);
}

const SYSTEM_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
const APPLICATION_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

function updateLogging(next: LocalFunctionConfig, logging: Record<string, unknown>): LocalFunctionConfig | string {
  if (logging['LogFormat'] === 'JSON' || logging['LogFormat'] === 'Text') next.logFormat = logging['LogFormat'];
  if (typeof logging['LogGroup'] === 'string' && logging['LogGroup'] !== '') next.logGroup = logging['LogGroup'];
  const system = logging['SystemLogLevel'];
  const application = logging['ApplicationLogLevel'];
  if (system !== undefined) {
    if (!SYSTEM_LEVELS.includes(system as never)) return `SystemLogLevel must be one of ${SYSTEM_LEVELS.join(', ')}`;
    next.systemLogLevel = system as LocalFunctionConfig['systemLogLevel'];
  }
  if (application !== undefined) {
    if (!APPLICATION_LEVELS.includes(application as never)) return `ApplicationLogLevel must be one of ${APPLICATION_LEVELS.join(', ')}`;
    next.applicationLogLevel = application as LocalFunctionConfig['applicationLogLevel'];
  }
  if (next.logFormat !== 'JSON' && (system !== undefined || application !== undefined)) {
    return 'Log levels can only be set with the JSON log format (LoggingConfig.LogFormat JSON)';
  }
  return next;
}

function concurrency(core: EmulatorCore, res: ServerResponse, pool: FunctionPool, method: string, body: Buffer): void {
  if (method === 'GET') {
    return sendJson(res, 200, pool.reserved !== undefined ? { ReservedConcurrentExecutions: pool.reserved } : {});
  }
  if (method === 'DELETE') {
    pool.reserved = undefined;
    res.writeHead(204);
    res.end();
    return;
  }
  let value: number;
  try {
    value = Number((JSON.parse(body.toString('utf8')) as { ReservedConcurrentExecutions?: unknown }).ReservedConcurrentExecutions);
  } catch {
    value = Number.NaN;
  }
  if (!Number.isInteger(value) || value < 0) {
    return sendServiceError(res, 'InvalidParameterValueException', 'ReservedConcurrentExecutions must be a non-negative integer');
  }
  const othersReserved = [...core.pools.values()].filter((p) => p !== pool).reduce((sum, p) => sum + (p.reserved ?? 0), 0);
  if (othersReserved + value > core.accountConcurrency) {
    return sendServiceError(res, 'InvalidParameterValueException', `Specified ReservedConcurrentExecutions for function ${pool.name} would exceed the account limit of ${core.accountConcurrency}`);
  }
  pool.reserved = value;
  sendJson(res, 200, { ReservedConcurrentExecutions: value });
}
