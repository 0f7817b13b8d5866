/**
 * A Lambda target's requests, compiled: for each request of the mix (or the target's one request)
 * the function, qualifier and payload to invoke, with the payload's templates as a closure.
 */
import type { LambdaTargetConfig } from '../profile/types.js';
import type { Problem } from '../profile/source.js';
import type { CompileContext } from './compile.js';
import { compilePayload } from './payload.js';
import type { PayloadFn } from './payload.js';
import type { RequestPlan } from './plan.js';

export interface CompiledLambdaRequest {
  functionName: string;
  qualifier: string | undefined;
  payload: PayloadFn;
}

export interface InvokeInput {
  FunctionName: string;
  Qualifier: string | undefined;
  Payload: Uint8Array | undefined;
}

export function compileLambdaRequests(config: LambdaTargetConfig, ctx: CompileContext): { requests: CompiledLambdaRequest[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const list = config.requests ?? [{ name: '', weight: 1 }];
  const requests = list.map((request, index): CompiledLambdaRequest => {
    const own = request.payload !== undefined;
    const payload = compilePayload(request.payload ?? config.payload, ctx);
    if (typeof payload === 'string') {
      const at = config.requests === undefined || !own ? ['target', config.payload !== undefined ? 'payload' : 'payloadFile'] : ['target', 'requests', index, 'payload'];
      problems.push({ path: at, message: payload });
    }
    // A request naming another function takes its qualifier from the request only.
    const functionName = request.function ?? config.function;
    const qualifier = request.qualifier ?? (request.function === undefined ? config.qualifier : undefined);
    return { functionName, qualifier, payload: typeof payload === 'string' ? () => undefined : payload };
  });
  return { requests, problems };
}

/** The Invoke input of request `seq`. */
export class LambdaRequestSet {
  constructor(
    private readonly requests: readonly CompiledLambdaRequest[],
    private readonly plan: RequestPlan,
  ) {}

  get names(): readonly string[] {
    return this.plan.names;
  }

  /** Every function the requests invoke (for the preflight). */
  get functions(): { functionName: string; qualifier: string | undefined }[] {
    const seen = new Map<string, { functionName: string; qualifier: string | undefined }>();
    for (const r of this.requests) seen.set(`${r.functionName}:${r.qualifier ?? ''}`, { functionName: r.functionName, qualifier: r.qualifier });
    return [...seen.values()];
  }

  pick(seq: number): number {
    return this.plan.pick(seq);
  }

  input(index: number, seq: number): InvokeInput {
    const r = this.requests[index]!;
    return { FunctionName: r.functionName, Qualifier: r.qualifier, Payload: r.payload(this.plan.scope(seq)) };
  }
}
