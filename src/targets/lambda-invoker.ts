/**
 * The two ways a Lambda target sends an Invoke (`target.client`): through the SDK's
 * InvokeCommand (lambda-sdk-invoke.ts) or signed and sent by coldbench's own connection pool
 * (lambda-fast.ts). Both read the answer with lambda-outcome.ts.
 */
import type { LambdaClientKind } from '../profile/types.js';
import type { OutcomeCallback, SendContext } from './target.js';

import type { InvokeInput } from '../requests/lambda-requests.js';

/** One Invoke's input, as InvokeCommand takes it; the target adds InvocationType and LogType. */
export type { InvokeInput };

export interface Invoker {
  readonly kind: LambdaClientKind;
  /** Sends that took more than one attempt inside the client (retries are off: stays 0). */
  readonly retriedSends: number;
  /** Gets ready to send `input` before the load (resolves credentials and the endpoint); may throw as the SDK would. */
  prepare(input: InvokeInput): Promise<void>;
  /** Opens up to `count` sockets before the load; resolves with how many opened. */
  preconnect(count: number, stop?: AbortSignal): Promise<number>;
  /** Sends one Invoke; `done` gets its outcome exactly once and is never thrown at. */
  invoke(input: InvokeInput, ctx: SendContext, done: OutcomeCallback): void;
  close(): Promise<void>;
}
