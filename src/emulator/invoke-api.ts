/**
 * The Invoke API: POST /2015-03-31/functions/{name}/invocations, as @aws-sdk/client-lambda v3
 * calls it (RequestResponse, Event, DryRun; LogType Tail; Qualifier).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runAsync } from './async-invoke.js';
import { type EmulatorCore, resolvePool } from './core.js';
import type { InvokeOutcome } from './function-pool.js';
import { readBody } from './http-util.js';
import { sendServiceError } from './service-errors.js';

/** Invoke request payload quotas: 6 MB synchronous, 1 MB asynchronous. */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_LIMIT_BYTES = 1024 * 1024;

export async function handleInvoke(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  rawName: string,
  qualifier: string | undefined,
): Promise<void> {
  const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
    await readBody(req, 0);
    return sendServiceError(res, 'InvalidParameterValueException', `Unsupported invocation type ${invocationType}`);
  }
  const limit = invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT_BYTES : SYNC_PAYLOAD_LIMIT_BYTES;
  const { body, tooLarge } = await readBody(req, limit);
  const found = resolvePool(core, rawName, qualifier);
  if ('notFound' in found) return sendServiceError(res, 'ResourceNotFoundException', found.notFound);
  if (tooLarge) {
    return sendServiceError(res, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  const payload = body.length === 0 ? Buffer.from('{}') : body;
  const parseError = jsonError(payload);
  if (parseError !== undefined) {
    return sendServiceError(res, 'InvalidRequestContentException', `Could not parse request body into json: ${parseError}`);
  }
  const requestId = randomUUID();
  const common = { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
  if (invocationType === 'DryRun') {
    res.writeHead(204, common);
    res.end();
    return;
  }
  const clientContext = decodeClientContext(header(req, 'x-amz-client-context'));
  const request = { requestId, payload, ...(clientContext !== undefined ? { clientContext } : {}) };
  if (invocationType === 'Event') {
    const acceptedAt = Date.now();
    res.writeHead(202, { ...common, 'content-length': 0 });
    res.end();
    runAsync(core, found.pool, request, acceptedAt);
    return;
  }
  const outcome = await found.pool.invoke({ ...request, invocationType: 'RequestResponse' });
  sendOutcome(res, outcome, header(req, 'x-amz-log-type') === 'Tail');
}

function sendOutcome(res: ServerResponse, outcome: InvokeOutcome, tail: boolean): void {
  if (outcome.kind === 'throttled') {
    return sendServiceError(res, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: outcome.reason, requestId: outcome.requestId });
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': outcome.payload.length,
    'x-amzn-requestid': outcome.requestId,
    'x-amz-executed-version': '$LATEST',
  };
  if (outcome.functionError) headers['x-amz-function-error'] = 'Unhandled';
  if (tail) headers['x-amz-log-result'] = outcome.logTail.toString('base64');
  res.writeHead(200, headers);
  res.end(outcome.payload);
}

function jsonError(payload: Buffer): string | undefined {
  try {
    JSON.parse(payload.toString('utf8'));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
