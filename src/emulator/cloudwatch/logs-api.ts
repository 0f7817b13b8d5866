/**
 * The CloudWatch Logs API on the emulator's endpoint, in the AWS JSON 1.1 protocol that
 * @aws-sdk/client-cloudwatch-logs speaks: `POST /`, `X-Amz-Target: Logs_20140328.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1`, a JSON body each way. Errors are status 400 with
 * `{"__type": "...", "message": "..."}`; the SDK reads `__type` first (after the last `#`) to pick
 * its exception class (AwsJsonRpcProtocol.handleError / loadJsonRpcErrorCode in @aws-sdk/core and
 * @smithy/core), so `err.name` is ResourceNotFoundException, InvalidParameterException, ...
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TokenBucket } from '../concurrency.js';
import { readBody } from '../http-util.js';
import { type ArnContext, describeLogGroups, describeLogStreams } from './describe.js';
import { filterLogEvents } from './filter-log-events.js';
import { getLogEvents } from './get-log-events.js';
import type { LogStore } from './log-store.js';
import { LogsApiError } from './params.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

/** Request bodies of these operations are small; 1 MB is far above any of them. */
const MAX_REQUEST_BYTES = 1024 * 1024;

type Operation = (store: LogStore, input: Record<string, unknown>, ctx: ArnContext, now: number) => Record<string, unknown>;

const OPERATIONS: Record<string, Operation> = {
  FilterLogEvents: (store, input, _ctx, now) => filterLogEvents(store, input, now),
  GetLogEvents: (store, input, _ctx, now) => getLogEvents(store, input, now),
  DescribeLogStreams: (store, input, ctx, now) => describeLogStreams(store, input, ctx, now),
  DescribeLogGroups: (store, input, ctx) => describeLogGroups(store, input, ctx),
};

export function isLogsRequest(req: IncomingMessage, path: string): boolean {
  const target = req.headers['x-amz-target'];
  return req.method === 'POST' && path === '/' && typeof target === 'string' && target.startsWith(LOGS_TARGET_PREFIX);
}

/**
 * `rate`, when given, is one bucket for every call (AWS's quotas are per account and Region, a few
 * requests per second: 5 for FilterLogEvents); a call without a token is a ThrottlingException.
 */
export async function handleLogsApi(store: LogStore, ctx: ArnContext, req: IncomingMessage, res: ServerResponse, rate?: TokenBucket): Promise<void> {
  const { body, tooLarge } = await readBody(req, MAX_REQUEST_BYTES);
  const operation = String(req.headers['x-amz-target']).slice(LOGS_TARGET_PREFIX.length);
  try {
    const run = OPERATIONS[operation];
    if (run === undefined) throw new LogsApiError('com.amazon.coral.service#UnknownOperationException', `The operation ${operation} is not supported by the coldbench emulator.`);
    if (tooLarge) throw new LogsApiError('SerializationException', 'The request body is too large.');
    if (rate !== undefined && !rate.take(performance.now())) throw new LogsApiError('ThrottlingException', 'Rate exceeded');
    send(res, 200, run(store, parseInput(body), ctx, Date.now()));
  } catch (err) {
    if (!(err instanceof LogsApiError)) throw err;
    send(res, 400, { __type: err.type, message: err.message });
  }
}

function parseInput(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new LogsApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new LogsApiError('SerializationException', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}
