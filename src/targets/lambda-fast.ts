/**
 * `target.client: fast` (the default): each Invoke is the request the SDK would send
 * (lambda-request.ts: built by the SDK's middleware once per function, signed per request by the
 * SDK's SigV4 signer), sent through the HTTP target's connection pool (http-pool.ts: undici
 * Clients, a socket per request in flight, sockets opened before the run), and its answer read by
 * the SDK's deserializer (lambda-response.ts). What is left out is the SDK's per-request
 * middleware stack: the cost of a request is its signature and the pool's.
 *
 * Retries are off as in the SDK path (one send is one Invoke). Deadlines and the run's hard
 * stop end a request through the target's InflightSet, as in the HTTP target.
 */
import type { Dispatcher } from 'undici';
import { maxConnecting } from './http.js';
import { HttpPool } from './http-pool.js';
import { InflightSet } from './inflight.js';
import type { Inflight } from './inflight.js';
import { Exchange } from './exchange.js';
import type { LambdaClientParts } from './lambda-client.js';
import type { InvokeInput, Invoker } from './lambda-invoker.js';
import { answerOutcome, failureOutcome } from './lambda-outcome.js';
import type { AnswerRules } from './lambda-outcome.js';
import { InvokeRequests } from './lambda-request.js';
import type { InvokeTemplate, SignedInvoke } from './lambda-request.js';
import { InvokeReader, responseHeaders } from './lambda-response.js';
import type { ErrorClass, Outcome, OutcomeCallback, SendContext } from './target.js';

/** Longest a run waits for the sockets it opens before it starts (as the HTTP target). */
const PRECONNECT_WAIT_MS = 1000;

const EMPTY = new Uint8Array(0);

/**
 * One Invoke on a pooled connection, through undici's dispatch API (as the HTTP target's
 * ResponseHandler). The body is kept: the SDK's deserializer reads it (Payload, error bodies).
 */
class InvokeExchange extends Exchange {
  private chunks: Buffer[] = [];

  constructor(
    readonly options: Dispatcher.DispatchOptions,
    private readonly invoker: FastInvoker,
    req: Inflight,
    private readonly signed: SignedInvoke,
    private readonly startedMs: number,
    private readonly done: OutcomeCallback,
  ) {
    super(req);
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.end()) return;
    const serviceTimeMs = performance.now() - this.startedMs;
    const body = this.chunks.length === 0 ? EMPTY : this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.invoker.answered(this.status, this.rawHeaders, body, this.signed, serviceTimeMs).then(this.finish, this.finish);
  }

  fail(err: Error): void {
    if (!this.end()) return;
    const outcome = failureOutcome(err, this.req.why);
    // Out of undici's callbacks: a next request sent from here would break its invariants.
    queueMicrotask(() => this.finish(outcome));
  }

  protected stoppedWaiting(): void {
    this.fail(new Error('request aborted'));
  }

  protected released(): void {
    this.invoker.ended(this.req);
  }

  private readonly finish = (outcome: Outcome): void => {
    if (this.waitedMs > 0) outcome.waitedMs = this.waitedMs;
    this.done(outcome);
  };
}

export class FastInvoker implements Invoker {
  readonly kind = 'fast';
  readonly retriedSends = 0;
  private readonly requests: InvokeRequests;
  private readonly reader: InvokeReader;
  private readonly inflight: InflightSet;
  private readonly pools = new Map<string, HttpPool>();
  private closed = false;

  constructor(
    parts: LambdaClientParts,
    private readonly rules: AnswerRules,
    private readonly timeoutMs: number,
    private readonly connections: number,
  ) {
    this.requests = new InvokeRequests(parts, rules);
    this.reader = new InvokeReader(parts);
    this.inflight = new InflightSet(timeoutMs);
  }

  async prepare(input: InvokeInput): Promise<void> {
    this.poolFor(await this.requests.prepare(input));
  }

  preconnect(count: number, stop?: AbortSignal): Promise<number> {
    const [pool] = this.pools.values();
    return pool === undefined ? Promise.resolve(0) : pool.preconnect(count, PRECONNECT_WAIT_MS, stop);
  }

  invoke(input: InvokeInput, ctx: SendContext, done: OutcomeCallback): void {
    if (ctx.signal.aborted) return done({ kind: 'error', errorClass: 'aborted' });
    if (this.closed) return done({ kind: 'error', errorClass: 'client', message: 'target closed' });
    const req = this.inflight.begin(ctx.signal);
    const startedMs = performance.now();
    this.signed(input).then(
      ([template, signed]) => this.dispatch(template, signed, req, startedMs, done),
      (err: unknown) => {
        this.inflight.end(req);
        done(failureOutcome(err, req.why));
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inflight.stopAll('aborted');
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  /** For an exchange: its request has ended. */
  ended(req: Inflight): void {
    this.inflight.end(req);
  }

  /** For an exchange: the outcome of a complete answer, read by the SDK's deserializer. */
  async answered(status: number, rawHeaders: Buffer[], body: Uint8Array, signed: SignedInvoke, serviceTimeMs: number): Promise<Outcome> {
    const headers = responseHeaders(rawHeaders);
    this.requests.sampleClock(headers['date'], headers['age'], signed.signedAtMs);
    try {
      return answerOutcome(await this.reader.read(status, headers, body), serviceTimeMs, this.rules);
    } catch (err) {
      return failureOutcome(err, undefined);
    }
  }

  private async signed(input: InvokeInput): Promise<[InvokeTemplate, SignedInvoke]> {
    const template = this.requests.ready(input) ?? (await this.requests.prepare(input));
    return [template, await this.requests.sign(template, input.Payload)];
  }

  private dispatch(template: InvokeTemplate, signed: SignedInvoke, req: Inflight, startedMs: number, done: OutcomeCallback): void {
    if (req.aborted || this.closed) {
      this.inflight.end(req);
      const errorClass: ErrorClass = req.why ?? 'client';
      return done(errorClass === 'client' ? { kind: 'error', errorClass, message: 'target closed' } : { kind: 'error', errorClass });
    }
    const options: Dispatcher.DispatchOptions = {
      origin: template.origin,
      path: template.pathAndQuery,
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    };
    const exchange = new InvokeExchange(options, this, req, signed, startedMs, done);
    try {
      this.poolFor(template).dispatch(exchange);
    } catch (err) {
      exchange.fail(err as Error);
    }
  }

  private poolFor(template: InvokeTemplate): HttpPool {
    let pool = this.pools.get(template.origin);
    if (pool === undefined) {
      pool = new HttpPool(template.origin, {
        maxConnections: this.connections,
        maxConnecting: maxConnecting(new URL(template.origin)),
        // The request's own deadline (InflightSet) covers headers and body.
        client: { pipelining: 1, headersTimeout: 0, bodyTimeout: 0 },
        connectTimeoutMs: this.timeoutMs,
      });
      this.pools.set(template.origin, pool);
    }
    return pool;
  }
}
