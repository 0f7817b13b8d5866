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

/** Resolves when the body has been read to its end; discards the bytes as they arrive. */
function drain(body: Dispatcher.ResponseData['body']): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    body.on('error', reject);
    body.on('end', resolve);
    body.on('close', () => {
      // Closed before its end without an error: the body was cut off.
      if (!body.readableEnded) reject(Object.assign(new Error('response body closed early'), { code: 'UND_ERR_SOCKET' }));
    });
    body.resume();
  });
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
    try {
      const res = await this.pool.request({
        path: this.path,
        method: this.method,
        headers: this.headers,
        body: this.body,
        signal: req,
      });
      await drain(res.body);
      return this.outcomeOf(res.statusCode, res.headers);
    } catch (err) {
      const errorClass: ErrorClass = req.why ?? networkErrorClass(err) ?? 'client';
      return { kind: 'error', errorClass, message: errorMessage(err) };
    } finally {
      this.inflight.end(req);
    }
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
