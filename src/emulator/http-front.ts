/**
 * What the emulator's HTTP fronts share (the Function URL-like one and the API Gateway HTTP
 * API-like one): the request as a payload format 2.0 event, and the function's result mapped back
 * to an HTTP response. Each front adds its own ids and error statuses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** `/<prefix>/<function>/<rest>?<query>` -> the function name and `/<rest>?<query>`. */
export function splitFrontUrl(url: string, prefix: string): { name: string; pathAndQuery: string } {
  const rest = url.slice(prefix.length);
  const slash = rest.search(/[/?]/);
  const name = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
  const tail = slash < 0 ? '/' : rest.slice(slash);
  return { name, pathAndQuery: tail.startsWith('/') ? tail : `/${tail}` };
}

export interface EventContext {
  /** requestContext.requestId: the front's own id. */
  requestId: string;
  accountId: string;
  apiId: string;
  /** When the front received the request. */
  received: Date;
}

/** The payload format 2.0 event of an HTTP request, as Function URLs and HTTP APIs send it. */
export function toHttpEvent(req: IncomingMessage, pathAndQuery: string, body: Buffer, ctx: EventContext): Record<string, unknown> {
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
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      domainName: headers['host'] ?? '127.0.0.1',
      domainPrefix: ctx.apiId,
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: ctx.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(ctx.received),
      timeEpoch: ctx.received.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | number | string[]>;
  body: Buffer;
}

/**
 * A result with a statusCode is an HTTP response (headers, cookies, body, isBase64Encoded);
 * anything else is returned as a 200 application/json body, as both fronts do for format 2.0.
 */
export function answerFromResult(payload: Buffer): HttpAnswer {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    result = undefined;
  }
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: payload };
  }
  const r = result as { statusCode: unknown; headers?: Record<string, unknown>; cookies?: unknown[]; body?: unknown; isBase64Encoded?: boolean };
  const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  const headers: Record<string, string | number | string[]> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (Array.isArray(r.cookies)) headers['set-cookie'] = r.cookies.map(String);
  const status = Number(r.statusCode);
  return { status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : 502, headers, body };
}

export function jsonAnswer(status: number, value: unknown): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}

/** Sends the answer with the front's own headers (its request id) over the function's. */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer, frontHeaders: Record<string, string>): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length, ...frontHeaders });
  res.end(answer.body);
}

/** 12/Mar/2020:19:03:58 +0000, the format of requestContext.time and $context.requestTime. */
export function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
