/**
 * The Lambda target: Invoke (RequestResponse with LogType Tail, or Event), sent the way
 * `target.client` says: `fast` (default, lambda-fast.ts: the SDK's request, signed by the SDK's
 * signer, sent through coldbench's connection pool) or `sdk` (lambda-sdk-invoke.ts: the SDK's
 * InvokeCommand). The SDK keeps the credentials, region, endpoint and control plane either way.
 * Each outcome carries the parsed REPORT from the log tail and a warm/cold/proactive/unknown
 * start (lambda-outcome.ts); throttles are outcomes of kind 'throttled' with Lambda's Reason.
 * Nothing retries, so one send is exactly one Invoke.
 */
import type { LambdaClientKind, LambdaTargetConfig } from '../profile/types.js';
import { compileLambdaRequests, LambdaRequestSet } from '../requests/lambda-requests.js';
import type { InvokeInput } from '../requests/lambda-requests.js';
import { plainContext } from '../requests/compile.js';
import { createPlan } from '../requests/plan.js';
import { UsageError } from '../errors.js';
import { FastInvoker } from './lambda-fast.js';
import { createLambdaClient } from './lambda-client.js';
import type { LambdaClientParts } from './lambda-client.js';
import type { Invoker } from './lambda-invoker.js';
import type { AnswerRules } from './lambda-outcome.js';
import { noControlPlane, preflightError, profileInfo } from './lambda-preflight.js';
import { SdkInvoker } from './lambda-sdk-invoke.js';
import { errorMessage } from './net-errors.js';
import type { Outcome, OutcomeCallback, SendContext, Target, TargetInfo } from './target.js';

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
  /** How invokes are sent (target.client). */
  readonly client: LambdaClientKind;
  /** Opens up to `count` sockets before the run (the fast client; the SDK client opens none). */
  preconnect(count: number, stop?: AbortSignal): Promise<number>;
}

class LambdaInvokeTarget implements LambdaTarget {
  functionInfo: TargetInfo | undefined;
  readonly client: LambdaClientKind;
  readonly requestNames: readonly string[];
  private readonly invoker: Invoker;
  private readonly named: boolean;
  private closed = false;

  constructor(
    private readonly config: LambdaTargetConfig,
    private readonly parts: LambdaClientParts,
    private readonly requests: LambdaRequestSet,
    connections: number,
  ) {
    this.requestNames = requests.names;
    this.named = this.requestNames.length > 0;
    const rules: AnswerRules = {
      // A config built by hand (the library's callers) may leave it out: RequestResponse.
      invocationType: config.invocationType ?? 'RequestResponse',
      startsFromLogs: config.coldStartLogs !== undefined,
    };
    this.client = config.client ?? 'fast';
    this.invoker = this.client === 'sdk'
      ? new SdkInvoker(parts, rules, config.timeoutMs)
      : new FastInvoker(parts, rules, config.timeoutMs, Math.max(1, Math.floor(connections)));
  }

  get retriedSends(): number {
    return this.invoker.retriedSends;
  }

  /**
   * Checks every function the requests invoke (GetFunctionConfiguration; the target's own
   * describes it for cost), then prepares the invoke path for each: a failure of either
   * (credentials, region, endpoint, function) stops the run with one clear error before any load.
   */
  async preflight(): Promise<TargetInfo> {
    const own = { functionName: this.config.function, qualifier: this.config.qualifier };
    const others = this.requests.functions.filter((f) => f.functionName !== own.functionName || f.qualifier !== own.qualifier);
    for (const f of others) await this.check(f.functionName, f.qualifier);
    const info = await this.check(own.functionName, own.qualifier, true);
    await this.prepare();
    return info;
  }

  preconnect(count: number, stop?: AbortSignal): Promise<number> {
    return this.invoker.preconnect(count, stop);
  }

  /** Not `async`: the promise made here is returned as is. */
  send(ctx: SendContext): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => this.sendWith(ctx, resolve));
  }

  sendWith(ctx: SendContext, done: OutcomeCallback): void {
    if (ctx.signal.aborted) return done({ kind: 'error', errorClass: 'aborted' });
    if (this.closed) return done({ kind: 'error', errorClass: 'client', message: 'target closed' });
    const index = this.requests.pick(ctx.seq);
    let input: InvokeInput;
    try {
      input = this.requests.input(index, ctx.seq);
    } catch (err) {
      // A row that cannot be read from the data file (the file changed during the run).
      return done(this.named ? { kind: 'error', errorClass: 'client', message: errorMessage(err), request: index } : { kind: 'error', errorClass: 'client', message: errorMessage(err) });
    }
    if (!this.named) return this.invoker.invoke(input, ctx, done);
    this.invoker.invoke(input, ctx, (outcome) => {
      outcome.request = index;
      done(outcome);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.invoker.close();
    this.parts.destroy();
  }

  private async check(functionName: string, qualifier: string | undefined, keep = false): Promise<TargetInfo> {
    try {
      const out = await this.parts.client.send(new this.parts.sdk.GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }));
      const info: TargetInfo = { architecture: out.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', configurationSource: 'function' };
      if (out.MemorySize !== undefined) info.memorySizeMB = out.MemorySize;
      if (keep) this.functionInfo = info;
      return info;
    } catch (err) {
      const stop = preflightError(err, this.labelled(functionName, qualifier), this.parts.where);
      if (stop !== undefined) throw stop;
      // Not allowed to read the configuration, or no control plane: go on with what the profile says.
      const info = profileInfo(this.config, noControlPlane(err) ? this.parts.where : undefined);
      if (keep) this.functionInfo = info;
      return info;
    }
  }

  /** Prepares the request of every function and qualifier the requests invoke. */
  private async prepare(): Promise<void> {
    for (const f of this.requests.functions) {
      try {
        await this.invoker.prepare({ FunctionName: f.functionName, Qualifier: f.qualifier, Payload: undefined });
      } catch (err) {
        throw preflightError(err, this.labelled(f.functionName, f.qualifier), this.parts.where) ?? err;
      }
    }
  }

  private labelled(functionName: string, qualifier: string | undefined): LambdaTargetConfig {
    return { ...this.config, function: functionName, ...(qualifier !== undefined ? { qualifier } : {}) };
  }
}

export async function createLambdaTarget(config: LambdaTargetConfig, opts: LambdaTargetOptions): Promise<LambdaTarget> {
  const requests = opts.requests ?? ownRequests(config);
  const parts = await createLambdaClient(config, opts.connections);
  return new LambdaInvokeTarget(config, parts, requests, opts.connections);
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
