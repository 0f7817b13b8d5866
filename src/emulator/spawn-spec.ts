/**
 * How an environment's process is started: command, working directory and the environment
 * variables Lambda gives a runtime (SPEC section 8).
 */
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import type { LocalFunctionConfig } from '../profile/types.js';
import type { SpawnSpec } from './environment.js';

export interface SpawnContext {
  baseDir: string;
  host: string;
  region: string;
  /** Absolute path of our compiled Node runtime (runtime/node-runtime.cjs). */
  nodeRuntimePath: string;
}

export interface FunctionIdentity {
  runtime: string;
  runtimeVersion: string;
  runtimeVersionArn: string;
}

const NODE_MAJOR = process.versions.node.split('.')[0] ?? '20';
const NODE_MINOR = process.versions.node.split('.')[1] ?? '0';

export function functionIdentity(cfg: LocalFunctionConfig, region: string): FunctionIdentity {
  const runtime = cfg.bootstrap !== undefined ? 'provided.al2023' : `nodejs${NODE_MAJOR}.x`;
  const runtimeVersion =
    cfg.bootstrap !== undefined ? 'provided:al2023.v0' : `nodejs:${NODE_MAJOR}.v${NODE_MINOR}`;
  const sha = createHash('sha256').update(`coldbench-emulator:${runtimeVersion}`).digest('hex');
  return { runtime, runtimeVersion, runtimeVersionArn: `arn:aws:lambda:${region}::runtime:${sha}` };
}

/**
 * `functions/hello.handler` -> task root `<baseDir>/functions`, _HANDLER `hello.handler`: the task
 * root is the folder holding the handler file, and the export may be a dotted path.
 */
export function splitHandler(baseDir: string, handler: string): { taskRoot: string; handlerName: string } {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  const file = dot < 0 ? handler : handler.slice(0, dot);
  const exportPath = dot < 0 ? '' : handler.slice(dot);
  return { taskRoot: resolve(baseDir, dirname(file)), handlerName: `${basename(file)}${exportPath}` };
}

export function buildSpawnSpec(
  id: string,
  name: string,
  cfg: LocalFunctionConfig,
  ctx: SpawnContext,
  log: { group: string; stream: string },
): SpawnSpec {
  let command: string;
  let args: string[];
  let taskRoot: string;
  let handlerName: string;
  if (cfg.bootstrap !== undefined) {
    command = resolve(ctx.baseDir, cfg.bootstrap);
    args = [];
    taskRoot = dirname(command);
    handlerName = cfg.handler;
  } else {
    ({ taskRoot, handlerName } = splitHandler(ctx.baseDir, cfg.handler));
    command = process.execPath;
    // Memory size is the V8 old-space limit, the part of a Node process that grows with use.
    args = [`--max-old-space-size=${cfg.memoryMB}`, ctx.nodeRuntimePath];
  }
  const lambdaEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: dirname(ctx.nodeRuntimePath),
    _HANDLER: handlerName,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(cfg.memoryMB),
    AWS_LAMBDA_LOG_FORMAT: cfg.logFormat,
    AWS_LAMBDA_LOG_GROUP_NAME: log.group,
    AWS_LAMBDA_LOG_STREAM_NAME: log.stream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
  };
  if (cfg.bootstrap === undefined) lambdaEnv['AWS_EXECUTION_ENV'] = `AWS_Lambda_nodejs${NODE_MAJOR}.x`;
  // Lambda tells the runtime the application log level with the JSON format (INFO by default);
  // managed runtimes then drop the records below it.
  if (cfg.logFormat === 'JSON') lambdaEnv['AWS_LAMBDA_LOG_LEVEL'] = cfg.applicationLogLevel ?? 'INFO';
  // As on Lambda, the reserved variables win over the function's own environment.
  return {
    id, functionName: name, command, args, cwd: taskRoot, env: { ...cfg.environment, ...lambdaEnv }, host: ctx.host,
    ...(cfg.cpuShare === true && { cpuShareMemoryMB: cfg.memoryMB }),
  };
}
