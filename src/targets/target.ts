/**
 * A target sends one request and reports what happened as an Outcome. It never throws or
 * rejects for a failed request: failures are data with a stable class.
 */
import type { LambdaReport } from '../lambda/records.js';

/**
 * The stable error classes with a fixed name (README's list is this one; a test compares them).
 * `aborted`: the client cancelled the request or destroyed its connection before an answer;
 * `client`: the request failed inside coldbench's client with an error no other class names.
 */
export const FIXED_ERROR_CLASSES = [
  'timeout', 'connect-refused', 'reset', 'dns', 'tls', 'http-4xx', 'http-5xx', 'protocol', 'aborted', 'client',
] as const;

/** The error classes named after what the service or the function said, as the docs write them. */
export const ERROR_CLASS_FAMILIES = ['function-error:<type>', 'lambda-<Exception>'] as const;

/** Stable error classes. Lambda function errors are `function-error:<errorType>`. */
export type ErrorClass =
  | (typeof FIXED_ERROR_CLASSES)[number]
  | `lambda-${string}`
  | `function-error:${string}`;

/** How an invocation's start was classified (SPEC section 6). */
export type StartKind = 'warm' | 'cold' | 'proactive' | 'unknown';
/** Every start kind, in this order (a decision's index into it travels between threads). */
export const START_KINDS: readonly StartKind[] = ['warm', 'cold', 'proactive', 'unknown'];

export type Outcome =
  | ({ kind: 'ok' } & OutcomeDetails)
  | ({ kind: 'error'; errorClass: ErrorClass; message?: string } & OutcomeDetails)
  | ({ kind: 'throttled'; reason: string } & OutcomeDetails);

export interface OutcomeDetails {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The invocation's request id (x-amzn-RequestId, or from the log tail). */
  requestId?: string;
  /** Warm / cold / proactive / unknown; absent when the target cannot tell (plain HTTP). */
  start?: StartKind;
  /** How `start` was decided, with the figures that decided it. */
  startReason?: string;
  /** The rule that decided `start`, in words without figures (the result counts decisions by it). */
  startBasis?: string;
  /** The id a front (API Gateway) gave the request, when it is not the Lambda request id. */
  frontRequestId?: string;
  /** The parsed REPORT of a Lambda invocation. */
  report?: LambdaReport;
  /** Lambda executed version (X-Amz-Executed-Version). */
  executedVersion?: string;
  /** How long the request waited in the client for a free socket before it was written. */
  waitedMs?: number;
  /** Index of the request in the target's mix (`requests:`); absent for a target without one. */
  request?: number;
}

/** What a target knows about the function behind it. */
export interface TargetInfo {
  architecture?: 'x86_64' | 'arm64';
  memorySizeMB?: number;
  /** Where memory and architecture came from: the function's configuration, or the profile. */
  configurationSource?: 'function' | 'profile';
  /** False when the endpoint serves no control plane (only the Invoke API). */
  controlPlane?: boolean;
  /** What the run should say about how it measures (printed before the load, kept in the result). */
  warnings?: string[];
}

export interface SendContext {
  /** Sequence number of this request in the run, from 0. */
  seq: number;
  /** Aborted when the run is stopped hard; the target then resolves with kind 'error', class 'aborted'. */
  signal: AbortSignal;
}

/** Receives the outcome of a request sent with Target.sendWith. */
export type OutcomeCallback = (outcome: Outcome) => void;

export interface Target {
  /** Resolves with the outcome of one request; never rejects. */
  send(ctx: SendContext): Promise<Outcome>;
  /**
   * The same request as `send`, with its outcome passed to `done` instead of a promise: called
   * exactly once, and for a complete response from within the client's own completion
   * callback, so the closed model's next request leaves without waiting for a promise turn.
   * Optional; the runner falls back to `send`.
   */
  sendWith?(ctx: SendContext, done: OutcomeCallback): void;
  /**
   * Checks reachability and credentials before any load is sent; throws a RunError with a hint.
   * May return what it learned about the function (architecture and memory, for cost).
   */
  preflight?(): Promise<TargetInfo | void>;
  /**
   * Sends that took more than one attempt inside the client. Retries are off, so this must stay
   * 0; a target that can observe it says so, and the result warns when it is not.
   */
  readonly retriedSends?: number;
  /** Names of the requests of the mix, by index (Outcome.request); empty without `requests:`. */
  readonly requestNames?: readonly string[];
  /** Release sockets and clients. */
  close(): Promise<void>;
}
