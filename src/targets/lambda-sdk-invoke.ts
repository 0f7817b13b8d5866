/**
 * `target.client: sdk`: each Invoke through @aws-sdk/client-lambda's InvokeCommand, on the
 * client built by lambda-client.ts (no retries, a socket per request in flight).
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { InflightSet } from './inflight.js';
import type { LambdaClientParts, LambdaSdk } from './lambda-client.js';
import type { InvokeInput, Invoker } from './lambda-invoker.js';
import { answerOutcome, attemptsOf, failureOutcome } from './lambda-outcome.js';
import type { AnswerRules } from './lambda-outcome.js';
import type { Outcome, OutcomeCallback, SendContext } from './target.js';

export class SdkInvoker implements Invoker {
  readonly kind = 'sdk';
  retriedSends = 0;
  private readonly client: LambdaClient;
  private readonly sdk: LambdaSdk;
  private readonly inflight: InflightSet;

  constructor(
    parts: LambdaClientParts,
    private readonly rules: AnswerRules,
    timeoutMs: number,
  ) {
    this.client = parts.client;
    this.sdk = parts.sdk;
    this.inflight = new InflightSet(timeoutMs);
  }

  async prepare(): Promise<void> {
    // The SDK resolves credentials and the endpoint on each send.
  }

  async preconnect(): Promise<number> {
    return 0; // the SDK's agent opens sockets as requests need them
  }

  invoke(input: InvokeInput, ctx: SendContext, done: OutcomeCallback): void {
    void this.send(input, ctx).then(done);
  }

  async close(): Promise<void> {
    this.inflight.stopAll('aborted');
  }

  private async send(input: InvokeInput, ctx: SendContext): Promise<Outcome> {
    const command = new this.sdk.InvokeCommand({
      ...input,
      InvocationType: this.rules.invocationType,
      // The log tail "applies to synchronously invoked functions only" (API_Invoke).
      ...(this.rules.invocationType === 'RequestResponse' && { LogType: 'Tail' }),
    });
    const req = this.inflight.begin(ctx.signal);
    const startedMs = performance.now();
    try {
      const out = await this.client.send(command, { abortSignal: req.abortSignal });
      this.countAttempts(out);
      return answerOutcome(out, performance.now() - startedMs, this.rules);
    } catch (err) {
      if (req.why === undefined) this.countAttempts(err);
      return failureOutcome(err, req.why);
    } finally {
      this.inflight.end(req);
    }
  }

  private countAttempts(answerOrError: unknown): void {
    if (attemptsOf(answerOrError) > 1) this.retriedSends++;
  }
}
