/**
 * A Node.js runtime for the emulator's execution environments, behaving like Lambda's Node
 * runtime: it loads `_HANDLER` from LAMBDA_TASK_ROOT (ESM or CommonJS, `file.export`, nested
 * folders, dotted export paths), then loops over the Runtime API: GET next, run the handler
 * (async or callback style), POST response or error. Console output gets Lambda's prefixes.
 *
 * It talks to the emulator only over HTTP (AWS_LAMBDA_RUNTIME_API), and it exits when the
 * emulator goes away: when its stdin closes or the Runtime API stops answering.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

type Handler = (event: unknown, context: object, callback: (err?: unknown, value?: unknown) => void) => unknown;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const [apiHost, apiPort] = splitHostPort(process.env['AWS_LAMBDA_RUNTIME_API'] ?? '127.0.0.1:9001');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const jsonLogs = process.env['AWS_LAMBDA_LOG_FORMAT'] === 'JSON';
let currentRequestId: string | undefined;

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: apiHost, port: apiPort, method, path: `/2018-06-01/runtime/${path}`, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The Runtime API is gone: the emulator has stopped, so this environment ends too. */
function apiLost(): never {
  process.exit(1);
}

// ---- console, as Lambda's Node runtime prints it ----

function writeLog(level: string, args: unknown[]): void {
  const message = format(...args);
  const time = new Date().toISOString();
  const line = jsonLogs
    ? JSON.stringify({ timestamp: time, level, requestId: currentRequestId, message })
    : `${time}\t${currentRequestId ?? 'undefined'}\t${level}\t${message.replace(/\n/g, '\r')}`;
  process.stdout.write(`${line}\n`);
}

function patchConsole(): void {
  const levels: Array<[keyof Console, string]> = [
    ['log', 'INFO'],
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
    ['debug', 'DEBUG'],
    ['trace', 'TRACE'],
  ];
  for (const [method, level] of levels) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => writeLog(level, args);
  }
}

// ---- errors ----

class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function errorDocument(err: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
  }
  return { errorType: typeof err === 'string' ? 'string' : 'Error', errorMessage: String(err), trace: [] };
}

// ---- loading the handler ----

async function loadHandler(): Promise<Handler> {
  const handlerString = process.env['_HANDLER'] ?? '';
  const taskRoot = process.env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  const slash = handlerString.lastIndexOf('/');
  const dot = handlerString.indexOf('.', slash + 1);
  if (dot < 0) throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  const modulePath = handlerString.slice(0, dot);
  const exportPath = handlerString.slice(dot + 1);
  const base = resolve(taskRoot, modulePath);
  const file = ['.js', '.mjs', '.cjs', ''].map((ext) => base + ext).find((f) => existsSync(f));
  if (file === undefined) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new RuntimeError('Runtime.ImportModuleError', String(err));
    }
    throw err;
  }
  const fn = lookup(mod, exportPath) ?? lookup(mod['default'], exportPath);
  if (typeof fn !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${modulePath}.${exportPath} is undefined or not exported`);
  }
  return fn as Handler;
}

function lookup(root: unknown, dottedPath: string): unknown {
  let value = root;
  for (const part of dottedPath.split('.')) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

// ---- invoking ----

function makeContext(headers: IncomingHttpHeaders, requestId: string): object {
  const deadlineMs = Number(headers['lambda-runtime-deadline-ms'] ?? Date.now());
  const clientContext = headers['lambda-runtime-client-context'];
  return {
    awsRequestId: requestId,
    invokedFunctionArn: String(headers['lambda-runtime-invoked-function-arn'] ?? ''),
    functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'] ?? '',
    functionVersion: process.env['AWS_LAMBDA_FUNCTION_VERSION'] ?? '$LATEST',
    memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] ?? '',
    logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'] ?? '',
    logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'] ?? '',
    callbackWaitsForEmptyEventLoop: true,
    clientContext: typeof clientContext === 'string' ? JSON.parse(clientContext) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

/** Async handlers resolve their promise; callback handlers call back; a plain 1-2 argument function's return value is the result. */
function runHandler(handler: Handler, event: unknown, context: object): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const callback = (err?: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolvePromise(value);
    };
    Object.assign(context, {
      done: callback,
      succeed: (value: unknown) => callback(null, value),
      fail: (err: unknown) => callback(err ?? new Error('failed')),
    });
    let returned: unknown;
    try {
      returned = handler(event, context, callback);
    } catch (err) {
      callback(err);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then((v) => callback(null, v), (e: unknown) => callback(e ?? new Error('rejected')));
    } else if (handler.length < 3) {
      callback(null, returned);
    }
  });
}

/**
 * Output still queued in this process would reach the emulator after the result, and miss the
 * invocation's log: wait until stdout has handed everything to the pipe.
 */
function flushStdout(): Promise<void> | undefined {
  if (process.stdout.writableLength === 0) return undefined;
  return new Promise((resolvePromise) => process.stdout.once('drain', resolvePromise));
}

async function postError(requestId: string, err: unknown): Promise<void> {
  const doc = errorDocument(err);
  writeLog('ERROR', [`Invoke Error \t${JSON.stringify(doc)}`]);
  await flushStdout();
  await call('POST', `invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(doc), {
    'content-type': 'application/json',
    'lambda-runtime-function-error-type': doc.errorType,
  });
}

async function loop(handler: Handler): Promise<never> {
  for (;;) {
    const next = await call('GET', 'invocation/next').catch(apiLost);
    if (next.status !== 200) apiLost();
    const requestId = String(next.headers['lambda-runtime-aws-request-id'] ?? '');
    currentRequestId = requestId;
    try {
      const event: unknown = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
      const result = await runHandler(handler, event, makeContext(next.headers, requestId));
      const body = JSON.stringify(result === undefined ? null : result);
      await flushStdout();
      await call('POST', `invocation/${encodeURIComponent(requestId)}/response`, body, { 'content-type': 'application/json' }).catch(apiLost);
    } catch (err) {
      await postError(requestId, err).catch(apiLost);
    }
  }
}

async function main(): Promise<void> {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  patchConsole();
  process.on('uncaughtException', (err) => {
    // As Lambda's runtime does: report against the current invocation (if any), then exit.
    const done = currentRequestId !== undefined ? postError(currentRequestId, err) : Promise.resolve();
    done.finally(() => process.exit(129)).catch(() => process.exit(129));
  });
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const doc = errorDocument(err);
    writeLog('ERROR', [`Uncaught Exception \t${JSON.stringify(doc)}`]);
    await call('POST', 'init/error', JSON.stringify(doc), {
      'content-type': 'application/json',
      'lambda-runtime-function-error-type': doc.errorType,
    }).catch(() => undefined);
    process.exit(129);
  }
  await loop(handler);
}

void main();
