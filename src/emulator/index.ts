/**
 * The local Lambda emulator: a Lambda-compatible service on loopback whose execution
 * environments are real child processes. See docs/emulator.md.
 */
import { setMaxListeners } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RunError } from '../errors.js';
import type { LocalEmulatorConfig } from '../profile/types.js';
import { accessLogGroup, API_GATEWAY_PREFIX } from './api-gateway.js';
import { LogStore, type LogStoreStats } from './cloudwatch/log-store.js';
import { Account, TokenBucket } from './concurrency.js';
import type { EmulatorCore } from './core.js';
import { DEFAULT_MAX_LOG_BYTES, DEFAULT_MAX_LOG_EVENTS } from './defaults.js';
import { FunctionPool } from './function-pool.js';
import { FUNCTION_URL_PREFIX } from './function-url.js';
import { functionLogGroup } from './log-streams.js';
import { Recorder } from './recorder.js';
import { createHandler } from './server.js';
import type { EnvironmentInfo, GroundTruthInvocation } from './types.js';

export type { EnvironmentInfo, FrontKind, GroundTruthInvocation, InvocationStatus, InvocationType, RetireReason } from './types.js';
export type { LogStoreStats } from './cloudwatch/log-store.js';
export { ACCESS_LOG_FORMAT, ACCESS_LOG_STREAM, accessLogGroup, API_GATEWAY_PREFIX } from './api-gateway.js';
export { FUNCTION_URL_PREFIX } from './function-url.js';
export { LOGS_TARGET_PREFIX } from './cloudwatch/logs-api.js';
export { DEFAULT_LOG_DELAY_MS, DEFAULT_MAX_LOG_BYTES, DEFAULT_MAX_LOG_EVENTS } from './defaults.js';

export interface EmulatorOptions {
  /** Port of the Invoke / control-plane API; default 0 = any free port. */
  port?: number;
  host?: '127.0.0.1' | '::1';
  /** Folder for one log file per function (`<name>.log`); default none. */
  logDir?: string;
  /** Lambda's init limit before a suppressed init; default 10 s. */
  initTimeoutMs?: number;
  /** Ground-truth records kept (oldest dropped first); default 100,000. */
  maxRecords?: number;
  /** CloudWatch Logs events kept, all groups together (oldest dropped first); default 500,000. */
  maxLogEvents?: number;
  /** UTF-8 bytes of log messages kept (oldest dropped first); default 128 MB. */
  maxLogBytes?: number;
  /** Requests per second the Logs API answers, all operations together; past it ThrottlingException. Default: no limit. */
  logsApiRatePerSec?: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT: the Invoke / control-plane API and the CloudWatch Logs API. */
  endpoint: string;
  /** The Function URL-like HTTP front of one function. */
  functionUrl(name: string): string;
  /** The API Gateway HTTP API-like front of one function. */
  apiGatewayUrl(name: string): string;
  /** The function's CloudWatch log group (`/aws/lambda/<name>` or its `logGroup`). */
  logGroup(name: string): string;
  /** The log group of the API Gateway front's access log (`/aws/apigateway/<name>`). */
  accessLogGroup(name: string): string;
  /** Events kept and dropped by the log store. */
  logStats(): LogStoreStats;
  /** Same data as GET /_emulator/invocations. */
  invocations(): GroundTruthInvocation[];
  /** The environments created, live and retired. */
  environments(): EnvironmentInfo[];
  /** Ends every child and the server; idempotent. */
  close(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';

export async function startEmulator(config: LocalEmulatorConfig, opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  const recorder = new Recorder(opts.maxRecords ?? 100_000);
  const pools = new Map<string, FunctionPool>();
  const account = new Account(config.accountConcurrency, () => pools.values());
  const logs = new LogStore({ maxEvents: opts.maxLogEvents ?? DEFAULT_MAX_LOG_EVENTS, maxBytes: opts.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES });
  const core: EmulatorCore = {
    pools,
    region: REGION,
    accountId: ACCOUNT_ID,
    accountConcurrency: config.accountConcurrency,
    logs,
    logsApiRate: opts.logsApiRatePerSec !== undefined ? new TokenBucket(opts.logsApiRatePerSec, performance.now()) : undefined,
    background: new Set(),
    stopping: new AbortController(),
    closed: false,
  };
  // Every async event waiting for its retry or for room listens for the close: hundreds at once
  // are no leak, and Node's warning about them would reach the run's output.
  setMaxListeners(0, core.stopping.signal);
  const logFiles: WriteStream[] = [];
  if (opts.logDir !== undefined) mkdirSync(opts.logDir, { recursive: true });
  const nodeRuntimePath = resolveNodeRuntime();
  let envSeq = 0;
  for (const [name, fn] of Object.entries(config.functions)) {
    const logFile = opts.logDir !== undefined ? createWriteStream(join(opts.logDir, `${name}.log`), { flags: 'a' }) : undefined;
    if (logFile !== undefined) logFiles.push(logFile);
    const pool = new FunctionPool(name, { ...fn, environment: { ...fn.environment } }, {
      baseDir: config.baseDir,
      host,
      region: REGION,
      nodeRuntimePath,
      accountId: ACCOUNT_ID,
      initTimeoutMs: opts.initTimeoutMs ?? 10_000,
      account,
      recorder,
      logStore: logs,
      logFile,
      nextEnvironmentId: (fnName) => `${fnName}-${++envSeq}`,
    });
    pools.set(name, pool);
    // The groups exist from the start, as for a deployed function whose group was created.
    logs.ensureGroup(functionLogGroup(name, fn.logGroup));
    logs.ensureGroup(accessLogGroup(name));
  }

  const server = createServer(createHandler(core, recorder));
  server.keepAliveTimeout = 65_000; // above typical client idle timeouts, so pooled sockets are not cut
  server.requestTimeout = 0; // an invocation may run up to 15 min
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host === '::1' ? '[::1]' : host}:${port}`;

  // Safety net: if the host process exits without close() (process.exit, an uncaught
  // exception), kill the children synchronously. Not a signal handler: the CLI owns signals.
  const onExit = (): void => {
    for (const pool of pools.values()) pool.close();
  };
  process.on('exit', onExit);

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    functionUrl: (name) => `${endpoint}${FUNCTION_URL_PREFIX}${encodeURIComponent(name)}/`,
    apiGatewayUrl: (name) => `${endpoint}${API_GATEWAY_PREFIX}${encodeURIComponent(name)}/`,
    logGroup: (name) => pools.get(name)?.logGroup ?? functionLogGroup(name, undefined),
    accessLogGroup,
    logStats: () => logs.stats(),
    invocations: () => recorder.invocations(),
    environments: () => recorder.environments(),
    close() {
      closing ??= closeAll(server, core, logFiles, () => process.off('exit', onExit));
      return closing;
    },
  };
}

/** How long close waits for the environments' processes to exit once killed. */
const PROCESS_EXIT_WAIT_MS = 2000;

async function exitedWithin(waits: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.all(waits), late]);
  clearTimeout(timer);
}

async function closeAll(server: Server, core: EmulatorCore, logFiles: WriteStream[], detach: () => void): Promise<void> {
  core.closed = true;
  core.stopping.abort();
  for (const pool of core.pools.values()) pool.close();
  // Killed, each environment's process is gone a moment later: wait for it (bounded), so that
  // none outlives the emulator's close.
  await exitedWithin([...core.pools.values()].map((pool) => pool.exited()), PROCESS_EXIT_WAIT_MS);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await Promise.allSettled([...core.background]);
  await closed;
  await Promise.all(logFiles.map((f) => new Promise<void>((resolve) => f.end(() => resolve()))));
  detach();
}

/**
 * Our Node runtime is compiled next to this module (dist/emulator/runtime/node-runtime.cjs).
 * When this module runs from src/ (under vitest) the .ts file cannot be executed by Node, so
 * the compiled copy in dist/ is used: run `npm run build` first.
 */
function resolveNodeRuntime(): string {
  const here = fileURLToPath(new URL('./runtime/node-runtime.cjs', import.meta.url));
  if (existsSync(here)) return here;
  const fromDist = here.replace(/([\\/])src([\\/])emulator([\\/])/, '$1dist$2emulator$3');
  if (existsSync(fromDist)) return fromDist;
  throw new RunError(`the emulator's Node runtime was not found at ${here} or ${fromDist}`, 'run `npm run build` first');
}
