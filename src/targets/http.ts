/**
 * The HTTP target: a pool of keep-alive connections to the target's origin (http-pool.ts), up to
 * the run's concurrency (or `target.connections`), so a request waits for a socket only while new
 * ones are being opened or when the profile caps the sockets.
 *
 * Hot path (thousands of requests per second): everything that does not change between
 * requests, the dispatch options included, is computed once in the constructor; per request
 * there is one handler and one Inflight (the overall deadline and the run's hard stop both end a
 * request through it, by calling the handler).
 */
import type { Dispatcher } from 'undici';
import { UsageError } from '../errors.js';
import type { HttpTargetConfig, LoadModel } from '../profile/types.js';
import { peakRate } from '../schedule/index.js';
import { InflightSet } from './inflight.js';
import type { Inflight } from './inflight.js';
import { Exchange } from './exchange.js';
import { HttpPool } from './http-pool.js';
import { isLoopbackHost } from './loopback.js';
import { errorMessage, networkErrorClass } from './net-errors.js';
import type { ErrorClass, Outcome, OutcomeCallback, SendContext, StartKind, Target } from './target.js';
import { compileHttpRequests, HttpRequestSet } from '../requests/http-requests.js';
import { plainContext } from '../requests/compile.js';
import { createPlan } from '../requests/plan.js';
import type { RequestSigner } from './http-sign.js';

export interface HttpTargetOptions {
  /** Most sockets to the origin: the open model's maxInFlight or the closed model's concurrency. */
  connections: number;
  /** The requests, compiled with their plan (src/requests/); absent: compiled from the config, without a data file. */
  requests?: HttpRequestSet;
  /** Signs each request with SigV4 (target.sign). */
  signer?: RequestSigner;
}

/**
 * Most connections being opened at once. To a remote host a connect waits for the network, so
 * many are opened together: a burst of up to this many requests gets all its sockets at once.
 */
export const MAX_CONNECTING = 256;

/**
 * Most connections being opened at once on loopback. There a connect completes by the next
 * event-loop turn but costs CPU on this machine at both ends (~0.3 ms for the sender); opened
 * 256 at a time, a sender that fell behind at 10,000 requests/s could spend a turn opening
 * hundreds of sockets, fall further behind and open more (3 uneven runs of 8 at 10,000/s: 400-1,345
 * sockets, up to 1,772 arrivals dropped). Four at a time, none dropped (see docs/benchmarks.md).
 * A run that needs many more sockets than were opened before it (a slow server at a high rate)
 * gets them four per turn, and its requests wait for them meanwhile; the wait counts in their
 * latency (from the planned instant), not in their service time. Measured at 2,000/s against a
 * server answering in 100 ms (~200 sockets needed, 20 opened before): latency p99 112 ms and max
 * 125 ms, against 140 and 155-160 ms opening 256 at once, whose bursts of connects held up the
 * requests already due.
 */
export const MAX_CONNECTING_LOOPBACK = 4;

/** The connect limit for a URL's host: MAX_CONNECTING_LOOPBACK on loopback, else MAX_CONNECTING. */
export function maxConnecting(url: URL): number {
  return isLoopbackHost(url.hostname) ? MAX_CONNECTING_LOOPBACK : MAX_CONNECTING;
}

/** Longest a run waits for the sockets it opens before it starts. */
const PRECONNECT_WAIT_MS = 1000;

const TRUTHY = new Set(['true', '1', 'yes', 'cold']);

/** 'cold' for a truthy header value, 'warm' for any other value, 'unknown' when absent. */
export function startFromHeader(value: string | string[] | undefined): StartKind {
  if (value === undefined) return 'unknown';
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return 'unknown';
  return TRUTHY.has(first.trim().toLowerCase()) ? 'cold' : 'warm';
}

/**
 * One request's response, through undici's dispatch API in the form its Client calls natively:
 * the newer form (onRequestStart, ...) is wrapped by undici into this one for every request, and
 * parses every response's headers into an object. Here the raw headers are kept as they come and
 * only the ones we read are looked up; the body is discarded chunk by chunk, and the outcome is
 * settled once, at the end of the body or at the first error. The latency counts to the body's
 * last byte.
 */
class ResponseHandler extends Exchange {
  constructor(
    private readonly target: HttpTarget,
    req: Inflight,
    private readonly done: OutcomeCallback,
    /** Replaced by the signed options before dispatch, when requests are signed. */
    public options: Dispatcher.DispatchOptions,
    /** Index of the request in the mix; -1 for a target without one. */
    private readonly request: number,
  ) {
    super(req);
  }

  onData(): boolean {
    // Discarded: only the time to the last byte matters.
    return true;
  }

  onComplete(): void {
    this.settle(this.target.outcomeOf(this.status, this.rawHeaders), true);
  }

  fail(err: Error): void {
    const errorClass: ErrorClass = this.req.why ?? networkErrorClass(err) ?? 'client';
    this.settle({ kind: 'error', errorClass, message: errorMessage(err) }, false);
  }

  protected stoppedWaiting(): void {
    this.settle({ kind: 'error', errorClass: this.req.why ?? 'aborted' }, false);
  }

  protected released(): void {
    this.target.ended(this.req);
  }

  /**
   * Ends the request once and hands its outcome over: a complete response at once (the closed
   * model's next request then leaves from here), a failure in a microtask. A failure comes from
   * inside undici's handling of a broken connection or of a dispatch, and a next request sent
   * to the same client from there would break its invariants.
   */
  private settle(outcome: Outcome, now: boolean): void {
    if (!this.end()) return;
    if (this.waitedMs > 0) outcome.waitedMs = this.waitedMs;
    if (this.request >= 0) outcome.request = this.request;
    if (now) this.done(outcome);
    else queueMicrotask(() => this.done(outcome));
  }
}

/** The value of header `name` (lower case) in undici's raw headers, [name, value, name, value, ...]. */
export function rawHeader(rawHeaders: readonly Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!;
    if (key.length === name.length && key.toString('latin1').toLowerCase() === name) return rawHeaders[i + 1]!.toString('utf8');
  }
  return undefined;
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
  private readonly pool: HttpPool;
  /** Builds each request's dispatch options; a fixed request is built once and shared. */
  private readonly requests: HttpRequestSet;
  /** True when the requests have names (a mix): outcomes then say which one they answer. */
  private readonly named: boolean;
  private readonly signer: RequestSigner | undefined;
  readonly requestNames: readonly string[];
  private readonly coldStartHeader: string | undefined;
  private readonly startReason: string | undefined;
  /** The response header with the Lambda request id (the join with the function's logs reads it). */
  private readonly requestIdHeader: string;
  /** API Gateway: the header with its own request id, which its access log maps to Lambda's. */
  private readonly frontIdHeader: string | undefined;
  private readonly inflight: InflightSet;
  private closed = false;

  constructor(config: HttpTargetConfig, opts: HttpTargetOptions) {
    const url = parseUrl(config.url.replace(/\{\{[^}]*\}\}/g, 'x'));
    this.requests = opts.requests ?? ownRequests(config, url.origin);
    this.requestNames = this.requests.names;
    this.named = this.requestNames.length > 0;
    this.signer = opts.signer;
    this.inflight = new InflightSet(config.timeoutMs);
    this.coldStartHeader = config.coldStartHeader?.toLowerCase();
    this.startReason = config.coldStartHeader === undefined ? undefined : `header ${config.coldStartHeader}`;
    this.requestIdHeader = config.coldStartLogs?.requestIdHeader ?? 'x-amzn-requestid';
    this.frontIdHeader = config.coldStartLogs?.accessLog?.requestIdHeader;
    this.pool = new HttpPool(url.origin, {
      maxConnections: Math.max(1, Math.floor(opts.connections)),
      maxConnecting: maxConnecting(url),
      client: {
        pipelining: 1,
        // The request's own deadline (InflightSet) covers headers and body: undici's timers for
        // them would only cost a timer set and cleared per request, and fire after ours.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      connectTimeoutMs: config.timeoutMs,
    });
  }

  /** Opens sockets to the origin before the run (see HttpPool.preconnect); `stop` ends the wait. */
  preconnect(count: number, stop?: AbortSignal): Promise<number> {
    return this.pool.preconnect(count, PRECONNECT_WAIT_MS, stop);
  }

  /** Not `async`: the promise made here is returned as is, without a second one wrapping it. */
  send(ctx: SendContext): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => this.sendWith(ctx, resolve));
  }

  sendWith(ctx: SendContext, done: OutcomeCallback): void {
    if (ctx.signal.aborted) return done({ kind: 'error', errorClass: 'aborted' });
    if (this.closed) return done({ kind: 'error', errorClass: 'client', message: 'target closed' });
    const index = this.requests.pick(ctx.seq);
    let options: Dispatcher.DispatchOptions;
    try {
      options = this.requests.options(index, ctx.seq);
    } catch (err) {
      // A row that cannot be read from the data file (the file changed during the run).
      return done({ kind: 'error', errorClass: 'client', message: errorMessage(err), ...(this.named && { request: index }) });
    }
    const handler = new ResponseHandler(this, this.inflight.begin(ctx.signal), done, options, this.named ? index : -1);
    if (this.signer === undefined) this.dispatch(handler);
    else this.signThenDispatch(this.signer, handler);
  }

  private dispatch(handler: ResponseHandler): void {
    try {
      this.pool.dispatch(handler);
    } catch (err) {
      handler.fail(err as Error);
    }
  }

  /** Signing reads the clock and the credentials, so each request is signed as it leaves. */
  private signThenDispatch(signer: RequestSigner, handler: ResponseHandler): void {
    signer.sign(handler.options).then(
      (signed) => {
        if (handler.settled) return; // timed out or stopped while signing
        handler.options = signed;
        this.dispatch(handler);
      },
      (err: unknown) => handler.fail(err instanceof Error ? err : new Error(String(err))),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inflight.stopAll('aborted');
    await this.pool.close();
  }

  /** For the response handler: the request has ended. */
  ended(req: Inflight): void {
    this.inflight.end(req);
  }

  /**
   * For the response handler: the outcome of a complete response. A method, not a closure per
   * target: the warm-up's target and the run's then call the same function, and the code the
   * JIT compiled during the warm-up stays valid for the run.
   */
  outcomeOf(status: number, rawHeaders: Buffer[]): Outcome {
    const out: Outcome =
      status === 429
        ? { kind: 'throttled', reason: 'http-429', status }
        : status >= 500
          ? { kind: 'error', errorClass: 'http-5xx', status }
          : status >= 400
            ? { kind: 'error', errorClass: 'http-4xx', status }
            : { kind: 'ok', status };
    const requestId = rawHeader(rawHeaders, this.requestIdHeader);
    if (requestId !== undefined) out.requestId = requestId;
    if (this.frontIdHeader !== undefined) {
      const frontId = rawHeader(rawHeaders, this.frontIdHeader);
      if (frontId !== undefined) out.frontRequestId = frontId;
    }
    if (this.coldStartHeader !== undefined) {
      out.start = startFromHeader(rawHeader(rawHeaders, this.coldStartHeader));
      out.startReason = this.startReason;
      out.startBasis = this.startReason;
    }
    return out;
  }
}

/** The target's own request set, when no prepared one is given: its templates without a data file. */
function ownRequests(config: HttpTargetConfig, origin: string): HttpRequestSet {
  const { requests, problems } = compileHttpRequests(config, plainContext(config.seed ?? 1));
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new UsageError(`${first.path.join('.')}: ${first.message}`, 'load the profile with loadProfile, which reads its data file');
  }
  const mix = config.requests ?? [];
  const plan = createPlan({ names: mix.map((r) => r.name), weights: mix.map((r) => r.weight), seed: config.seed ?? 1 });
  return new HttpRequestSet(origin, '', requests, plan);
}

export function createHttpTarget(config: HttpTargetConfig, opts: HttpTargetOptions): HttpTarget {
  return new HttpTarget(config, opts);
}

/**
 * Sockets opened before a run: one per worker of the closed model. For the open model, enough
 * for its largest burst and for PRECONNECT_SPAN_MS of its peak rate, whichever is more: the
 * sockets a sender at full speed has in use at once on a fast server, which it would otherwise
 * open while its first requests are timed. Never more than the run's connections.
 */
export function preconnectCount(load: LoadModel, connections: number): number {
  let wanted: number;
  if (load.model === 'closed') wanted = load.concurrency;
  else {
    // A shard of N sends every N-th arrival: a 1/N share of each rate and of each burst.
    const shards = load.shard?.count ?? 1;
    wanted = Math.ceil((peakRate(load.phases) * PRECONNECT_SPAN_MS) / 1000 / shards);
    for (const phase of load.phases) if (phase.kind === 'burst') wanted = Math.max(wanted, Math.ceil(phase.count / shards));
  }
  return Math.min(wanted, Math.max(1, Math.floor(connections)));
}

const PRECONNECT_SPAN_MS = 10;
