/**
 * The Lambda Runtime API of one execution environment, on its own loopback port.
 *
 * AWS_LAMBDA_RUNTIME_API is only `host:port` (runtimes append `/2018-06-01/runtime/...`), and
 * custom runtimes send no header of ours, so the port is the only thing that can tell the
 * emulator which environment is calling: each environment gets a listener of its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-util.js';

/** A response larger than the Invoke response quota is still read, but only this much kept. */
const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

export interface RuntimeApiHandlers {
  /** GET .../invocation/next: keep `res` until there is an event for the runtime. */
  next(res: ServerResponse): void;
  /** POST .../invocation/{id}/response; returns false for an unknown request id. */
  response(requestId: string, body: Buffer, tooLarge: boolean): boolean;
  /** POST .../invocation/{id}/error; returns false for an unknown request id. */
  error(requestId: string, errorType: string, body: Buffer): boolean;
  /** POST .../init/error */
  initError(errorType: string, body: Buffer): void;
}

export interface RuntimeApi {
  /** `127.0.0.1:PORT`, the value of AWS_LAMBDA_RUNTIME_API. */
  address: string;
  close(): void;
}

const PREFIX = '/2018-06-01/runtime/';

export async function startRuntimeApi(host: string, handlers: RuntimeApiHandlers): Promise<RuntimeApi> {
  const server = createServer((req, res) => {
    route(req, res, handlers).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { errorType: 'ServiceException', errorMessage: 'internal' });
    });
  });
  // `next` is a long poll that may wait as long as the idle timeout: no request or keep-alive limits.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 0;
  server.headersTimeout = 0;
  await listen(server, host);
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}

function listen(server: Server, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, h: RuntimeApiHandlers): Promise<void> {
  const path = req.url ?? '';
  if (!path.startsWith(PREFIX)) return notFound(res);
  const rest = path.slice(PREFIX.length);
  if (req.method === 'GET' && rest === 'invocation/next') {
    h.next(res);
    return;
  }
  if (req.method !== 'POST') return notFound(res);
  const { body, tooLarge } = await readBody(req, RESPONSE_LIMIT_BYTES);
  const errorType = headerValue(req, 'lambda-runtime-function-error-type') ?? 'Unhandled';
  if (rest === 'init/error') {
    h.initError(errorType, body);
    return accepted(res);
  }
  const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
  if (match === null) return notFound(res);
  const requestId = decodeURIComponent(match[1]!);
  const known =
    match[2] === 'response' ? h.response(requestId, body, tooLarge) : h.error(requestId, errorType, body);
  if (!known) {
    sendJson(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
    return;
  }
  accepted(res);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function accepted(res: ServerResponse): void {
  sendJson(res, 202, { status: 'OK' });
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { errorType: 'InvalidRequest', errorMessage: 'not a Runtime API path' });
}
