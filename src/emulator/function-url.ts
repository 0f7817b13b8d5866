/**
 * An HTTP front per function, like a Lambda Function URL: the request becomes a payload format
 * 2.0 event, the result is mapped back to an HTTP response, and `x-amzn-RequestId` is the
 * invocation's request id. Served under `/_url/<function>/...`; the event's rawPath is the rest.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core.js';
import { readBody } from './http-util.js';
import { SYNC_PAYLOAD_LIMIT_BYTES } from './invoke-api.js';

export const FUNCTION_URL_PREFIX = '/_url/';

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export async function handleFunctionUrl(core: EmulatorCore, req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  const rest = url.slice(FUNCTION_URL_PREFIX.length);
  const slash = rest.search(/[/?]/);
  const name = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
  const pathAndQuery = slash < 0 ? '/' : rest.slice(slash);
  const pool = core.pools.get(name);
  const { body, tooLarge } = await readBody(req, SYNC_PAYLOAD_LIMIT_BYTES);
  const requestId = randomUUID();
  if (pool === undefined) return plain(res, 404, requestId, { Message: `no function named ${name}` });
  if (tooLarge) return plain(res, 413, requestId, { Message: 'Request Entity Too Large' });
  const event = toEvent(req, pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`, body, requestId);
  const outcome = await pool.invoke({ requestId, payload: Buffer.from(JSON.stringify(event)), invocationType: 'FunctionUrl' });
  if (outcome.kind === 'throttled') return plain(res, 429, requestId, { Message: 'Rate Exceeded.' });
  if (outcome.functionError) return plain(res, 502, requestId, { Message: 'Internal Server Error' });
  mapResponse(res, requestId, outcome.payload);
}

function toEvent(req: IncomingMessage, pathAndQuery: string, body: Buffer, requestId: string): Record<string, unknown> {
  const q = pathAndQuery.indexOf('?');
  const rawPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const rawQueryString = q < 0 ? '' : pathAndQuery.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'cookie') headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
  const cookies = req.headers.cookie?.split(/;\s*/).filter((c) => c !== '');
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies !== undefined && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString !== '' ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'coldbench',
      domainName: headers['host'] ?? '127.0.0.1',
      domainPrefix: 'coldbench',
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/**
 * A result with a statusCode is an HTTP response (headers, cookies, body, isBase64Encoded);
 * anything else is returned as a 200 application/json body, as Function URLs do.
 */
function mapResponse(res: ServerResponse, requestId: string, payload: Buffer): void {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    result = undefined;
  }
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length, 'x-amzn-requestid': requestId });
    res.end(payload);
    return;
  }
  const r = result as { statusCode: unknown; headers?: Record<string, unknown>; cookies?: unknown[]; body?: unknown; isBase64Encoded?: boolean };
  const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  const headers: Record<string, string | number | string[]> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (Array.isArray(r.cookies)) headers['set-cookie'] = r.cookies.map(String);
  headers['content-length'] = body.length;
  headers['x-amzn-requestid'] = requestId;
  const status = Number(r.statusCode);
  res.writeHead(Number.isInteger(status) && status >= 100 && status <= 599 ? status : 502, headers);
  res.end(body);
}

function plain(res: ServerResponse, status: number, requestId: string, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId || randomUUID() });
  res.end(body);
}

/** 12/Mar/2020:19:03:58 +0000, the format of requestContext.time. */
function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
