/**
 * A Node.js runtime for the emulator's execution environments, behaving like Lambda's Node
 * runtime: it loads `_HANDLER` from LAMBDA_TASK_ROOT (ESM or CommonJS, `file.export`, nested
 * folders, dotted export paths), then loops over the Runtime API: GET next, run the handler
 * (async or callback style), POST response or error. Console output gets Lambda's prefixes.
 *
 * It talks to the emulator only over HTTP (AWS_LAMBDA_RUNTIME_API), and it exits when the
 * emulator goes away: when its stdin closes or the Runtime API stops answering.
 *
 * A CommonJS file (.cts -> .cjs) on purpose: an ES module entry point makes every Node process
 * start its ES module loader, ~14 ms of each cold start before any user code runs.
 */
import fs = require('node:fs');
import net = require('node:net');
import path = require('node:path');
import url = require('node:url');
import util = require('node:util');

const { existsSync, readFileSync } = fs;
const { dirname, join, resolve } = path;
const { pathToFileURL } = url;
const { format } = util;
type Socket = net.Socket;

type Handler = (event: unknown, context: object, callback: (err?: unknown, value?: unknown) => void) => unknown;

/** Header names in lower case. */
type Headers = Record<string, string>;

interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
}

const [apiHost, apiPort] = splitHostPort(process.env['AWS_LAMBDA_RUNTIME_API'] ?? '127.0.0.1:9001');
const jsonLogs = process.env['AWS_LAMBDA_LOG_FORMAT'] === 'JSON';
// With the JSON format, records below AWS_LAMBDA_LOG_LEVEL (the function's ApplicationLogLevel)
// are dropped, as Lambda's managed runtimes do; the text format keeps everything.
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const minLevel = jsonLogs ? Math.max(0, LEVELS.indexOf(process.env['AWS_LAMBDA_LOG_LEVEL'] ?? 'INFO')) : 0;
let currentRequestId: string | undefined;

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

/**
 * A minimal HTTP/1.1 client for the Runtime API: one keep-alive socket, requests written as they
 * come (those of one tick in a single write) and answered in order. Not node:http: loading it
 * costs a cold start about 15 ms, and its per-request machinery is most of a warm invoke's CPU
 * in this process. The emulator always answers with a Content-Length.
 */
class RuntimeApiConnection {
  private socket: Socket | undefined;
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** The response whose headers have arrived and whose body is still coming. */
  private head: { status: number; headers: Headers; length: number } | undefined;
  private readonly waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private readonly hostHeader = apiHost.includes(':') ? `[${apiHost}]:${apiPort}` : `${apiHost}:${apiPort}`;

  call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const socket = this.socket ?? this.open();
    let head = `${method} /2018-06-01/runtime/${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    socket.write(body === undefined ? `${head}\r\n` : `${head}\r\n${body}`);
    return new Promise((resolvePromise, reject) => this.waiting.push({ resolve: resolvePromise, reject }));
  }

  /** Connects ahead of the first request, so the handshake overlaps loading the handler. */
  prepare(): void {
    if (this.socket === undefined) this.open();
  }

  private open(): Socket {
    const socket = net.connect({ host: apiHost, port: apiPort, noDelay: true });
    this.socket = socket;
    this.keep(Buffer.alloc(0));
    this.head = undefined;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const lost = (): void => {
      if (this.socket === socket) this.socket = undefined;
      for (const w of this.waiting.splice(0)) w.reject(new Error('Runtime API connection closed'));
    };
    socket.on('error', lost);
    socket.on('close', lost);
    return socket;
  }

  /**
   * Chunks are kept in a list and joined once per response (a 6 MB event arrives in ~100
   * chunks: joining on every chunk would copy it ~50 times).
   */
  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    for (;;) {
      if (this.head === undefined) {
        const buf = this.joined();
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        const headers: Headers = {};
        for (let i = 1; i < lines.length; i += 1) {
          const line = lines[i]!;
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        this.head = { status: Number(lines[0]!.split(' ')[1]), headers, length: Number(headers['content-length'] ?? 0) };
        this.keep(buf.subarray(end + 4));
      }
      if (this.bytes < this.head.length) return;
      const buf = this.joined();
      const { status, headers, length } = this.head;
      this.head = undefined;
      this.keep(buf.subarray(length));
      this.waiting.shift()?.resolve({ status, headers, body: buf.subarray(0, length) });
    }
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)];
    return this.chunks[0]!;
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length > 0 ? [rest] : [];
    this.bytes = rest.length;
  }
}

const api = new RuntimeApiConnection();

function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return api.call(method, path, body, headers);
}

/** The Runtime API is gone: the emulator has stopped, so this environment ends too. */
function apiLost(): never {
  process.exit(1);
}

// ---- console, as Lambda's Node runtime prints it ----

function writeLog(level: string, args: unknown[]): void {
  if (LEVELS.indexOf(level) < minLevel) return;
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
    mod = isCommonJs(file) ? (require(file) as Record<string, unknown>) : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
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

/**
 * Whether Node would load `file` as CommonJS: `.cjs`, or `.js` whose nearest package.json does not
 * say "type": "module". Those are loaded with require(), the rest with import(): starting Node's
 * ES module loader costs a cold start about 14 ms, which a CommonJS function does not pay on
 * Lambda either. (Never require() an ES module: Node 20.19+ would load it with a warning.)
 */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return false; // let import() report the broken package.json as Node words it
      }
    }
    if (dirname(dir) === dir) return true;
  }
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

function makeContext(headers: Headers, requestId: string): object {
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

/** Logs an invocation's error as Lambda's runtime does and returns the error document. */
function logInvokeError(err: unknown): ReturnType<typeof errorDocument> {
  const doc = errorDocument(err);
  writeLog('ERROR', [`Invoke Error \t${JSON.stringify(doc)}`]);
  return doc;
}

function postErrorDocument(requestId: string, doc: ReturnType<typeof errorDocument>): Promise<Reply> {
  return call('POST', `invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(doc), {
    'content-type': 'application/json',
    'lambda-runtime-function-error-type': doc.errorType,
  });
}

async function postError(requestId: string, err: unknown): Promise<void> {
  const doc = logInvokeError(err);
  await flushStdout();
  await postErrorDocument(requestId, doc);
}

/**
 * GET next, run the handler, POST its result. The POST and the following GET next are written
 * together (the emulator answers them in order): one wake-up of each process fewer per invoke.
 */
async function loop(handler: Handler): Promise<never> {
  let pendingNext = nextInvocation();
  for (;;) {
    const next = await pendingNext.catch(apiLost);
    if (next.status !== 200) apiLost();
    const requestId = String(next.headers['lambda-runtime-aws-request-id'] ?? '');
    currentRequestId = requestId;
    try {
      const event: unknown = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
      const result = await runHandler(handler, event, makeContext(next.headers, requestId));
      const body = JSON.stringify(result === undefined ? null : result);
      await flushStdout();
      call('POST', `invocation/${encodeURIComponent(requestId)}/response`, body, { 'content-type': 'application/json' }).catch(apiLost);
    } catch (err) {
      const doc = logInvokeError(err);
      await flushStdout();
      postErrorDocument(requestId, doc).catch(apiLost);
    }
    pendingNext = nextInvocation();
  }
}

/** The poll for the next event; a failure is handled where it is awaited (apiLost), not as unhandled. */
function nextInvocation(): Promise<Reply> {
  const pending = call('GET', 'invocation/next');
  pending.catch(() => undefined);
  return pending;
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
  api.prepare();
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
