/**
 * An HTTP front per function like an API Gateway HTTP API with a Lambda proxy integration
 * (payload format 2.0, `$default` route and stage), served under `/_apigw/<function>/...`.
 * - API Gateway has its own request id: it is the event's requestContext.requestId and the
 *   `apigw-requestid` response header (public captures of HTTP API responses show only that id,
 *   16 characters like `WSg1ihmdliAEJXA=`); the Lambda request id is never returned to the
 *   client. The join goes through the access log.
 * - A function error, or a throttle of the function, is 500 `{"message":"Internal Server Error"}`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html;
 *   AWS knowledge center "api-gateway-internal-server-error" names throttling as one cause).
 * - When the request ends, one access-log line in ACCESS_LOG_FORMAT goes to the function's access
 *   log group, with the same ingestion delay as the function's logs.
 * Not modelled: routes and stages other than `$default`, the 30 s integration timeout, authorizers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EmulatorCore } from './core.js';
import type { FunctionPool } from './function-pool.js';
import { answerFromResult, clfTime, type HttpAnswer, jsonAnswer, sendAnswer, splitFrontUrl, toHttpEvent } from './http-front.js';
import { readBody } from './http-util.js';
import { SYNC_PAYLOAD_LIMIT_BYTES } from './invoke-api.js';

export const API_GATEWAY_PREFIX = '/_apigw/';

/** HTTP APIs accept payloads up to 10 MB (Lambda's synchronous limit, 6 MB, applies behind it). */
const HTTP_API_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * The access log format, to paste as the stage's access log format (JSON). Every variable exists
 * for HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html):
 * $context.integration.requestId is the Lambda request id (the Invoke's x-amzn-RequestId),
 * $context.integration.integrationStatus Lambda's own status (200, or 429 when throttled),
 * $context.status the status sent to the client.
 */
export const ACCESS_LOG_FORMAT =
  '{"requestId":"$context.requestId","integrationRequestId":"$context.integration.requestId",' +
  '"requestTime":"$context.requestTime","requestTimeEpoch":$context.requestTimeEpoch,' +
  '"httpMethod":"$context.httpMethod","path":"$context.path","status":"$context.status",' +
  '"integrationStatus":"$context.integration.integrationStatus","integrationLatency":"$context.integration.latency",' +
  '"responseLatency":"$context.responseLatency"}';

/** The access log's group and stream (one stream: the `$default` stage). */
export function accessLogGroup(functionName: string): string {
  return `/aws/apigateway/${functionName}`;
}
export const ACCESS_LOG_STREAM = '$default';

/** Values of the $context variables; an absent one is written `-`, as API Gateway does. */
export type AccessLogValues = Partial<Record<string, string | number>>;

/** ACCESS_LOG_FORMAT with its variables replaced (string values JSON-escaped). */
export function accessLogLine(values: AccessLogValues): string {
  return ACCESS_LOG_FORMAT.replace(/\$context\.[A-Za-z.]*[A-Za-z]/g, (name) => {
    const v = values[name];
    return v === undefined ? '-' : typeof v === 'number' ? String(v) : JSON.stringify(v).slice(1, -1);
  });
}

/** API Gateway's request ids look like `WSg1ihmdliAEJXA=`: 11 random bytes in base64. */
function newApiGatewayId(): string {
  return randomBytes(11).toString('base64');
}

interface Integration {
  requestId: string;
  status: number;
  latencyMs: number;
}

export async function handleApiGateway(core: EmulatorCore, req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  const received = new Date();
  const t0 = performance.now();
  const { name, pathAndQuery } = splitFrontUrl(url, API_GATEWAY_PREFIX);
  const pool = core.pools.get(name);
  const { body, tooLarge } = await readBody(req, HTTP_API_PAYLOAD_LIMIT_BYTES);
  const requestId = newApiGatewayId();
  const ids = { 'apigw-requestid': requestId };
  if (pool === undefined) return sendAnswer(res, jsonAnswer(404, { message: 'Not Found' }), ids);
  let answer: HttpAnswer;
  let integration: Integration | undefined;
  if (tooLarge) {
    answer = jsonAnswer(413, { message: 'Request Entity Too Large' });
  } else {
    const event = toHttpEvent(req, pathAndQuery, body, { requestId, accountId: core.accountId, apiId: 'coldbench', received });
    ({ answer, integration } = await integrate(pool, Buffer.from(JSON.stringify(event)), requestId));
  }
  sendAnswer(res, answer, ids);
  const path = pathAndQuery.split('?')[0]!;
  const line = accessLogLine({
    '$context.requestId': requestId,
    '$context.integration.requestId': integration?.requestId,
    '$context.requestTime': clfTime(received),
    '$context.requestTimeEpoch': received.getTime(),
    '$context.httpMethod': req.method ?? 'GET',
    '$context.path': path,
    '$context.status': answer.status,
    '$context.integration.integrationStatus': integration?.status,
    '$context.integration.latency': integration?.latencyMs,
    '$context.responseLatency': Math.round(performance.now() - t0),
  });
  core.logs.put(accessLogGroup(name), ACCESS_LOG_STREAM, Date.now(), line, pool.logDelayMs);
}

/** The Lambda proxy integration: invoke, then map Lambda's answer to the client's. */
async function integrate(pool: FunctionPool, payload: Buffer, frontRequestId: string): Promise<{ answer: HttpAnswer; integration: Integration }> {
  const lambdaRequestId = randomUUID();
  const t0 = performance.now();
  const failed = jsonAnswer(500, { message: 'Internal Server Error' });
  if (payload.length > SYNC_PAYLOAD_LIMIT_BYTES) {
    return { answer: failed, integration: { requestId: lambdaRequestId, status: 413, latencyMs: 0 } };
  }
  const outcome = await pool.invoke({ requestId: lambdaRequestId, payload, invocationType: 'RequestResponse', front: { kind: 'api-gateway', requestId: frontRequestId } });
  const latencyMs = Math.round(performance.now() - t0);
  if (outcome.kind === 'throttled') return { answer: failed, integration: { requestId: lambdaRequestId, status: 429, latencyMs } };
  const answer = outcome.functionError ? failed : answerFromResult(outcome.payload);
  return { answer, integration: { requestId: lambdaRequestId, status: 200, latencyMs } };
}
