/**
 * The HTTP target: one undici Pool for the target's origin, sized to the run's concurrency so
 * requests never queue inside the client (a queued request would look like server latency).
 *
 * Hot path (thousands of requests per second): everything that does not change between
 * requests is computed once in the constructor; per request there is one options object and
 * one Inflight (undici's abort signal plus a timer: the overall deadline and the run's hard
 * stop both end a request through it).
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { UsageError } from '../errors.js';
import type { HttpTargetConfig } from '../profile/types.js';
import { InflightSet } from './inflight.js';
import type { Inflight } from './inflight.js';
import { errorMessage, networkErrorClass } from './net-errors.js';
import type { ErrorClass, Outcome, SendContext, StartKind, Target } from './target.js';

export interface HttpTargetOptions {
  /** Sockets to the origin: the open model's maxInFlight or the closed model's concurrency. */
  connections: number;
}

const TRUTHY = new Set(['true', '1', 'yes', 'cold']);

/** 'cold' for a truthy header value, 'warm' for any other value, 'unknown' when absent. */
export function startFromHeader(value: string | string[] | undefined): StartKind {
  if (value === undefined) return 'unknown';
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return 'unknown';
  return TRUTHY.has(first.trim().toLowerCase()) ? 'cold' : 'warm';
}

/**
 * One request's response, through undici's dispatch API: the status and headers are kept, the
 * body is discarded chunk by chunk as it arrives, and the outcome is settled once, at the end of
 * the body or at the first error. Cheaper per request than `request()`, which builds a Readable
 * stream for every body; the latency counts to the body's last byte either way.
 */
class ResponseHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private settled = false;

  constructor(
    private readonly req: Inflight,
    private readonly outcomeOf: (status: number, headers: IncomingHttpHeaders) => Outcome,
    private readonly settle: (outcome: Outcome) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.req.aborted) {
      controller.abort(new Error('request aborted'));
      return;
    }
    this.req.once('abort', () => controller.abort(new Error('request aborted')));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(): void {
    // Discarded: only the time to the last byte matters.
  }

  onResponseEnd(): void {
    this.done(this.outcomeOf(this.status, this.headers));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    const errorClass: ErrorClass = this.req.why ?? networkErrorClass(err) ?? 'client';
    this.done({ kind: 'error', errorClass, message: errorMessage(err) });
  }

  private done(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.req.removeAllListeners('abort');
    this.settle(outcome);
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`target.url: not a valid URL: ${raw}`, 'write a full URL such as http://127.0.0.1:3000/path');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`target.url: unsupported protocol ${url.protocol}`, 'use an http:// or https:// URL');
  }
  return url;
}

export class HttpTarget implements Target {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly path: string;
  private readonly method: Dispatcher.HttpMethod;
  private readonly headers: Record<string, string>;
  private readonly body: Buffer | undefined;
  private readonly timeoutMs: number;
  private readonly coldStartHeader: string | undefined;
  private readonly startReason: string | undefined;
  private readonly inflight = new InflightSet();
  private closed = false;

  constructor(config: HttpTargetConfig, opts: HttpTargetOptions) {
    const url = parseUrl(config.url);
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
    this.method = config.method.toUpperCase() as Dispatcher.HttpMethod;
    this.headers = { ...config.headers };
    this.body = config.body === undefined ? undefined : Buffer.from(config.body);
    this.timeoutMs = config.timeoutMs;
    this.coldStartHeader = config.coldStartHeader?.toLowerCase();
    this.startReason = config.coldStartHeader === undefined ? undefined : `header ${config.coldStartHeader}`;
    this.pool = new Pool(url.origin, {
      connections: Math.max(1, Math.floor(opts.connections)),
      pipelining: 1,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connect: { timeout: config.timeoutMs },
    });
    // A pool-level error (e.g. a socket failing between requests) must never go unhandled.
    this.pool.on('connectionError', () => {});
  }

  async send(ctx: SendContext): Promise<Outcome> {
    if (ctx.signal.aborted) return { kind: 'error', errorClass: 'aborted' };
    if (this.closed) return { kind: 'error', errorClass: 'client', message: 'target closed' };
    const req = this.inflight.begin(ctx.signal, this.timeoutMs);
    return new Promise<Outcome>((resolve) => {
      const handler = new ResponseHandler(req, (status, headers) => this.outcomeOf(status, headers), (outcome) => {
        this.inflight.end(req);
        resolve(outcome);
      });
      try {
        this.pool.dispatch({ origin: this.origin, path: this.path, method: this.method, headers: this.headers, body: this.body ?? null }, handler);
      } catch (err) {
        handler.onResponseError(undefined, err as Error);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inflight.stopAll('aborted');
    await this.pool.destroy();
  }

  private outcomeOf(status: number, headers: IncomingHttpHeaders): Outcome {
    const out: Outcome =
      status === 429
        ? { kind: 'throttled', reason: 'http-429', status }
        : status >= 500
          ? { kind: 'error', errorClass: 'http-5xx', status }
          : status >= 400
            ? { kind: 'error', errorClass: 'http-4xx', status }
            : { kind: 'ok', status };
    const requestId = headers['x-amzn-requestid'];
    if (requestId !== undefined) out.requestId = Array.isArray(requestId) ? requestId[0] : requestId;
    if (this.coldStartHeader !== undefined) {
      out.start = startFromHeader(headers[this.coldStartHeader]);
      out.startReason = this.startReason;
    }
    return out;
  }
}

export function createHttpTarget(config: HttpTargetConfig, opts: HttpTargetOptions): Target {
  return new HttpTarget(config, opts);
}
