/**
 * Public records of the local emulator: the ground truth that tests and coldbench's own
 * detection are checked against (GET /_emulator/invocations and /_emulator/environments).
 */

export type InvocationType = 'RequestResponse' | 'Event' | 'FunctionUrl';

/** The HTTP front an invocation came through: the Function URL-like or the API Gateway-like one. */
export type FrontKind = 'function-url' | 'api-gateway';

/** success = the handler returned; error = function or runtime error; timeout; throttled = never ran. */
export type InvocationStatus = 'success' | 'error' | 'timeout' | 'throttled';

/**
 * One invocation. Throttled invocations are listed too, with status 'throttled', their
 * `throttleReason`, `environmentId: null` and zero durations: they never reached an environment.
 */
export interface GroundTruthInvocation {
  requestId: string;
  function: string;
  invocationType: InvocationType;
  /** null for a throttled invocation. */
  environmentId: string | null;
  /** true when the invocation ran in a new environment, i.e. was a cold start. */
  firstInEnvironment: boolean;
  /** Spawn to first `next` poll; present when firstInEnvironment (also for a suppressed init). */
  initDurationMs?: number;
  /** true when the first init failed and was retried inside the invocation (Phase: invoke). */
  suppressedInit?: boolean;
  /** As in the REPORT line (for a suppressed init it includes the retried init). */
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  status: InvocationStatus;
  /** Function or runtime error type (e.g. Error, Runtime.ExitError, Sandbox.Timedout). */
  errorType?: string;
  throttleReason?: string;
  /** Epoch ms when the emulator received the invocation (for Event: when this attempt began), and when it answered. */
  startedAt: number;
  endedAt: number;
  /** Through an HTTP front: which one, and the id the front answered with (`x-amzn-RequestId`, `apigw-requestid`). */
  front?: FrontKind;
  frontRequestId?: string;
  /** Event invocations: the attempt (1-based; retries keep the request id) and when the 202 was sent (epoch ms). */
  attempt?: number;
  acceptedAt?: number;
}

export type RetireReason =
  | 'idle'
  | 'lifetime'
  | 'update'
  | 'timeout'
  | 'exit'
  | 'init-error'
  | 'init-timeout'
  | 'close';

/** One execution environment (one child process). */
export interface EnvironmentInfo {
  id: string;
  function: string;
  pid: number | null;
  /** Epoch ms of the spawn. */
  createdAt: number;
  /** Spawn to first `next` poll, once the runtime has polled. */
  initDurationMs?: number;
  invocations: number;
  /** How long it may stay idle before it is evicted (drawn per environment from a distribution, when the function has one). */
  idleTimeoutMs?: number;
  /** Its CloudWatch Logs stream (in the function's log group). */
  logStreamName?: string;
  retiredAt?: number;
  reason?: RetireReason;
}
