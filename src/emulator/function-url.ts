/**
 * An HTTP front per function, like a Lambda Function URL: the request becomes a payload format
 * 2.0 event, the result is mapped back to an HTTP response, and `x-amzn-RequestId` is the
 * invocation's request id. Served under `/_url/<function>/...`; the event's rawPath is the rest.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core.js';
import { answerFromResult, jsonAnswer, sendAnswer, splitFrontUrl, toHttpEvent } from './http-front.js';
import { readBody } from './http-util.js';
import { FORBIDDEN_BODY, iamAuthProblem } from './iam-auth.js';
import { SYNC_PAYLOAD_LIMIT_BYTES } from './invoke-api.js';

export const FUNCTION_URL_PREFIX = '/_url/';

export async function handleFunctionUrl(core: EmulatorCore, req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  const { name, pathAndQuery } = splitFrontUrl(url, FUNCTION_URL_PREFIX);
  const pool = core.pools.get(name);
  const { body, tooLarge } = await readBody(req, SYNC_PAYLOAD_LIMIT_BYTES);
  const requestId = randomUUID();
  const ids = { 'x-amzn-requestid': requestId };
  if (pool === undefined) return sendAnswer(res, jsonAnswer(404, { Message: `no function named ${name}` }), ids);
  if (pool.config.authType === 'AWS_IAM' && iamAuthProblem(req.headers) !== undefined) return sendAnswer(res, jsonAnswer(403, FORBIDDEN_BODY), ids);
  if (tooLarge) return sendAnswer(res, jsonAnswer(413, { Message: 'Request Entity Too Large' }), ids);
  const event = toHttpEvent(req, pathAndQuery, body, { requestId, accountId: 'anonymous', apiId: 'coldbench', received: new Date() });
  const outcome = await pool.invoke({
    requestId,
    payload: Buffer.from(JSON.stringify(event)),
    invocationType: 'FunctionUrl',
    front: { kind: 'function-url', requestId },
  });
  if (outcome.kind === 'throttled') return sendAnswer(res, jsonAnswer(429, { Message: 'Rate Exceeded.' }), ids);
  if (outcome.functionError) return sendAnswer(res, jsonAnswer(502, { Message: 'Internal Server Error' }), ids);
  sendAnswer(res, answerFromResult(outcome.payload), ids);
}
