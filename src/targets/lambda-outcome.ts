/**
 * What one Invoke's answer means, for both ways of sending it (the SDK's InvokeCommand and the
 * fast path): both hand the SDK's own output object, or the error the SDK's deserializer threw,
 * to these functions, so the same answer always gives the same outcome.
 *
 * - Output: status, request id (x-amzn-RequestId), executed version, the REPORT from the log tail
 *   (X-Amz-Log-Result) and the start it implies (lambda/classify.ts); X-Amz-Function-Error makes
 *   it `function-error:<errorType from the payload>`.
 * - A service error: TooManyRequestsException is a throttle with Lambda's `Reason`; any other is
 *   `lambda-<name>`. A transport failure takes its class from net-errors.ts.
 */
import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { classifyStart } from '../lambda/classify.js';
import { decodeLogResult, reportOf } from '../lambda/logs.js';
import { errorMessage, networkErrorClass } from './net-errors.js';
import type { ErrorClass, Outcome, OutcomeDetails } from './target.js';

/** How the target reads an answer: what it asked for, and whether starts come from the logs. */
export interface AnswerRules {
  invocationType: 'RequestResponse' | 'Event';
  /** coldStart.logs is set: without a REPORT in the answer, `start` is left to the logs. */
  startsFromLogs: boolean;
}

/** The fields of InvokeCommandOutput an outcome reads. */
export type InvokeAnswer = Pick<InvokeCommandOutput, 'StatusCode' | 'FunctionError' | 'LogResult' | 'ExecutedVersion' | 'Payload'> & {
  $metadata: { requestId?: string; attempts?: number };
};

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

/** Attempts the SDK made for an answer or an error (retries are off: more than 1 is a bug to report). */
export function attemptsOf(answerOrError: unknown): number {
  const meta = (answerOrError as { $metadata?: { attempts?: unknown } } | null)?.$metadata;
  return typeof meta?.attempts === 'number' ? meta.attempts : 1;
}

/** `errorType` from a function error's payload ({"errorType": ..., "errorMessage": ...}). */
export function errorTypeOf(payload: Uint8Array | undefined): string | undefined {
  if (payload === undefined || payload.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    const type = (parsed as { errorType?: unknown } | null)?.errorType;
    return typeof type === 'string' && type !== '' ? type : undefined;
  } catch {
    return undefined;
  }
}

const ASYNC_UNKNOWN = 'async invoke: no log tail, and coldStart.logs is not set';

/** The outcome of an answered Invoke; `serviceTimeMs` from the send to the end of the answer. */
export function answerOutcome(out: InvokeAnswer, serviceTimeMs: number, rules: AnswerRules): Outcome {
  const meta = out.$metadata;
  const details: OutcomeDetails = {};
  if (out.StatusCode !== undefined) details.status = out.StatusCode;
  if (meta.requestId !== undefined) details.requestId = meta.requestId;
  if (out.ExecutedVersion !== undefined) details.executedVersion = out.ExecutedVersion;

  const tailPresent = out.LogResult !== undefined && out.LogResult !== '';
  const log = tailPresent ? reportOf(decodeLogResult(out.LogResult), meta.requestId) : {};
  if (log.report !== undefined) details.report = log.report;
  // Without a REPORT in the answer, the function's logs decide, when the run reads them.
  if (log.report !== undefined || !rules.startsFromLogs) {
    const { start, basis, reason } = rules.invocationType === 'Event'
      ? { start: 'unknown' as const, basis: ASYNC_UNKNOWN, reason: ASYNC_UNKNOWN }
      : classifyStart({ report: log.report, initStart: log.initStart, initReport: log.initReport, serviceTimeMs, tailPresent });
    details.start = start;
    details.startReason = reason;
    details.startBasis = basis;
  }

  if (out.FunctionError === undefined || out.FunctionError === '') return { kind: 'ok', ...details };
  const type = errorTypeOf(out.Payload) ?? out.FunctionError ?? 'Unhandled';
  return { kind: 'error', errorClass: `function-error:${type}`, ...details };
}

/**
 * The outcome of an Invoke that threw: stopped by its deadline or the run (`why`), a service
 * error, or a transport failure.
 */
export function failureOutcome(err: unknown, why: 'timeout' | 'aborted' | undefined): Outcome {
  const message = errorMessage(err);
  if (why !== undefined) return { kind: 'error', errorClass: why, message };
  const service = asServiceError(err);
  if (service === undefined) {
    const errorClass: ErrorClass = networkErrorClass(err) ?? 'client';
    return { kind: 'error', errorClass, message };
  }
  const meta = service.$metadata ?? {};
  const details: OutcomeDetails = {};
  if (meta.httpStatusCode !== undefined) details.status = meta.httpStatusCode;
  if (meta.requestId !== undefined) details.requestId = meta.requestId;
  if (service.name === 'TooManyRequestsException') {
    const reason = typeof service.Reason === 'string' && service.Reason !== '' ? service.Reason : service.name;
    return { kind: 'throttled', reason, ...details };
  }
  return { kind: 'error', errorClass: `lambda-${service.name}`, message, ...details };
}
