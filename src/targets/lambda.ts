/**
 * The Lambda target: Invoke (RequestResponse with LogType Tail, or Event) through
 * @aws-sdk/client-lambda.
 * Each outcome carries the parsed REPORT from the log tail and a warm/cold/proactive/unknown
 * start (lambda/classify.ts). Throttles are outcomes of kind 'throttled' with Lambda's Reason;
 * the SDK never retries (lambda-client.ts), so one send is exactly one Invoke.
 */
import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { classifyStart } from '../lambda/classify.js';
import { decodeLogResult, reportOf } from '../lambda/logs.js';
import type { LambdaTargetConfig } from '../profile/types.js';
import { InflightSet } from './inflight.js';
import { createLambdaClient } from './lambda-client.js';
import type { LambdaClientParts, LambdaSdk } from './lambda-client.js';
import { noControlPlane, preflightError, profileInfo } from './lambda-preflight.js';
import { errorMessage, networkErrorClass } from './net-errors.js';
import { compileLambdaRequests, LambdaRequestSet } from '../requests/lambda-requests.js';
import { plainContext } from '../requests/compile.js';
import { createPlan } from '../requests/plan.js';
import { UsageError } from '../errors.js';
import type { ErrorClass, Outcome, OutcomeDetails, SendContext, Target, TargetInfo } from './target.js';

export interface LambdaTargetOptions {
  /** Concurrent invocations the run may have in flight; the socket pool is at least this. */
  connections: number;
  /** The requests, compiled with their plan (src/requests/); absent: compiled from the config, without a data file. */
  requests?: LambdaRequestSet;
}

export interface LambdaTarget extends Target {
  preflight(): Promise<TargetInfo>;
  /** The function's architecture and memory, once preflight could read them. */
  readonly functionInfo: TargetInfo | undefined;
}

/** A service error as the SDK throws it: a named exception with the HTTP metadata attached. */
interface ServiceErrorShape {
  name: string;
  Reason?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

function asServiceError(err: unknown): ServiceErrorShape | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ServiceErrorShape;
  return typeof e.$metadata?.httpStatusCode === 'number' && typeof e.name === 'string' ? e : undefined;
}

/** `errorType` from a function error's payload ({"errorType": ..., "errorMessage": ...}). */
function errorTypeOf(payload: Uint8Array | undefined): string | undefined {
  if (payload === undefined || payload.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    const type = (parsed as { errorType?: unknown } | null)?.errorType;
    return typeof type === 'string' && type !== '' ? type : undefined;
  } catch {
    return undefined;
  }
}

class LambdaInvokeTarget implements LambdaTarget {
  functionInfo: TargetInfo | undefined;
  retriedSends = 0;
  private readonly client: LambdaClient;
  private readonly sdk: LambdaSdk;
  private readonly inflight: InflightSet;
  private readonly requests: LambdaRequestSet;
  private readonly named: boolean;
  readonly requestNames: readonly string[];
  private readonly startsFromLogs: boolean;
  /** A config built by hand (the library's callers) may leave it out: RequestResponse. */
  private readonly invocationType: 'RequestResponse' | 'Event';
  private closed = false;

  constructor(
    private readonly config: LambdaTargetConfig,
    private readonly parts: LambdaClientParts,
    requests?: LambdaRequestSet,
  ) {
    this.client = parts.client;
    this.sdk = parts.sdk;
    this.inflight = new InflightSet(config.timeoutMs);
    this.requests = requests ?? ownRequests(config);
    this.requestNames = this.requests.names;
    this.named = this.requestNames.length > 0;
    this.startsFromLogs = config.coldStartLogs !== undefined;
    this.invocationType = config.invocationType ?? 'RequestResponse';
  }

  /** Checks every function the requests invoke; the target's own describes it for cost. */
  async preflight(): Promise<TargetInfo> {
    const own = { functionName: this.config.function, qualifier: this.config.qualifier };
    const others = this.requests.functions.filter((f) => f.functionName !== own.functionName || f.qualifier !== own.qualifier);
    for (const f of others) await this.check(f.functionName, f.qualifier);
    return this.check(own.functionName, own.qualifier, true);
  }

  private async check(functionName: string, qualifier: string | undefined, keep = false): Promise<TargetInfo> {
    try {
      const out = await this.client.send(new this.sdk.GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }));
      const info: TargetInfo = { architecture: out.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', configurationSource: 'function' };
      if (out.MemorySize !== undefined) info.memorySizeMB = out.MemorySize;
      if (keep) this.functionInfo = info;
      return info;
    } catch (err) {
      const stop = preflightError(err, { ...this.config, function: functionName, ...(qualifier !== undefined ? { qualifier } : {}) }, this.parts.where);
      if (stop !== undefined) throw stop;
      // Not allowed to read the configuration, or no control plane: go on with what the profile says.
      const info = profileInfo(this.config, noControlPlane(err) ? this.parts.where : undefined);
      if (keep) this.functionInfo = info;
      return info;
    }
  }

  async send(ctx: SendContext): Promise<Outcome> {
    if (ctx.signal.aborted) return { kind: 'error', errorClass: 'aborted' };
    if (this.closed) return { kind: 'error', errorClass: 'client', message: 'target closed' };
    const index = this.requests.pick(ctx.seq);
    const outcome = await this.invoke(index, ctx);
    if (this.named) outcome.request = index;
    return outcome;
  }

  private async invoke(index: number, ctx: SendContext): Promise<Outcome> {
    let input;
    try {
      input = this.requests.input(index, ctx.seq);
    } catch (err) {
      // A row that cannot be read from the data file (the file changed during the run).
      return { kind: 'error', errorClass: 'client', message: errorMessage(err) };
    }
    const command = new this.sdk.InvokeCommand({
      ...input,
      InvocationType: this.invocationType,
      // The log tail "applies to synchronously invoked functions only" (API_Invoke).
      ...(this.invocationType === 'RequestResponse' && { LogType: 'Tail' }),
    });
    const req = this.inflight.begin(ctx.signal);
    const startedMs = performance.now();
    try {
      const out = await this.client.send(command, { abortSignal: req.abortSignal });
      return this.outcomeOf(out, performance.now() - startedMs);
    } catch (err) {
      return this.failureOf(err, req.why);
    } finally {
      this.inflight.end(req);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inflight.stopAll('aborted');
    this.parts.destroy();
  }

  private outcomeOf(out: InvokeCommandOutput, serviceTimeMs: number): Outcome {
    const meta = out.$metadata;
    if ((meta.attempts ?? 1) > 1) this.retriedSends++;
    const details: OutcomeDetails = {};
    if (out.StatusCode !== undefined) details.status = out.StatusCode;
    if (meta.requestId !== undefined) details.requestId = meta.requestId;
    if (out.ExecutedVersion !== undefined) details.executedVersion = out.ExecutedVersion;

    const tailPresent = out.LogResult !== undefined && out.LogResult !== '';
    const log = tailPresent ? reportOf(decodeLogResult(out.LogResult), meta.requestId) : {};
    if (log.report !== undefined) details.report = log.report;
    // Without a REPORT in the answer, the function's logs decide, when the run reads them.
    if (log.report !== undefined || !this.startsFromLogs) {
      const { start, basis, reason } = this.invocationType === 'Event'
        ? { start: 'unknown' as const, basis: 'async invoke: no log tail, and coldStart.logs is not set', reason: 'async invoke: no log tail, and coldStart.logs is not set' }
        : classifyStart({ report: log.report, initStart: log.initStart, initReport: log.initReport, serviceTimeMs, tailPresent });
      details.start = start;
      details.startReason = reason;
      details.startBasis = basis;
    }

    if (out.FunctionError === undefined || out.FunctionError === '') return { kind: 'ok', ...details };
    const type = errorTypeOf(out.Payload) ?? out.FunctionError ?? 'Unhandled';
    return { kind: 'error', errorClass: `function-error:${type}`, ...details };
  }

  private failureOf(err: unknown, why: 'timeout' | 'aborted' | undefined): Outcome {
    const message = errorMessage(err);
    if (why !== undefined) return { kind: 'error', errorClass: why, message };
    const service = asServiceError(err);
    if (service === undefined) {
      const errorClass: ErrorClass = networkErrorClass(err) ?? 'client';
      return { kind: 'error', errorClass, message };
    }
    const meta = service.$metadata ?? {};
    if ((meta.attempts ?? 1) > 1) this.retriedSends++;
    const details: OutcomeDetails = {};
    if (meta.httpStatusCode !== undefined) details.status = meta.httpStatusCode;
    if (meta.requestId !== undefined) details.requestId = meta.requestId;
    if (service.name === 'TooManyRequestsException') {
      const reason = typeof service.Reason === 'string' && service.Reason !== '' ? service.Reason : service.name;
      return { kind: 'throttled', reason, ...details };
    }
    return { kind: 'error', errorClass: `lambda-${service.name}`, message, ...details };
  }
}

export async function createLambdaTarget(config: LambdaTargetConfig, opts: LambdaTargetOptions): Promise<LambdaTarget> {
  const requests = opts.requests ?? ownRequests(config);
  const parts = await createLambdaClient(config, opts.connections);
  return new LambdaInvokeTarget(config, parts, requests);
}

/** The target's own request set, when no prepared one is given: its templates without a data file. */
function ownRequests(config: LambdaTargetConfig): LambdaRequestSet {
  const { requests, problems } = compileLambdaRequests(config, plainContext(config.seed ?? 1));
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new UsageError(`${first.path.join('.')}: ${first.message}`, 'load the profile with loadProfile, which reads its data file');
  }
  const mix = config.requests ?? [];
  return new LambdaRequestSet(requests, createPlan({ names: mix.map((r) => r.name), weights: mix.map((r) => r.weight), seed: config.seed ?? 1 }));
}
