/**
 * A loopback imitation of the Lambda Invoke and GetFunctionConfiguration APIs, answering as the
 * real service does (status, x-amzn-ErrorType, X-Amz-Log-Result, X-Amz-Function-Error), with one
 * behaviour per function name. Records every request that reached it.
 */
import type http from 'node:http';
import { gate, httpServer, readBodyBytes } from './servers.js';
import type { Started } from './servers.js';
import { checkSignature } from './sigv4-check.js';
import type { SignatureCheck } from './sigv4-check.js';

export interface Seen {
  method: string;
  path: string;
  functionName: string;
  qualifier: string | null;
  logType: string | undefined;
  invocationType: string | undefined;
  authorization: string | undefined;
  securityToken: string | undefined;
  /** The signing time (x-amz-date). */
  amzDate: string | undefined;
  /** The request's SigV4 signature checked against its bytes as received. */
  signature: SignatureCheck;
  body: string;
}

export interface FakeLambda extends Started {
  seen: Seen[];
}

const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

/** How far ahead the 'skewed' function's clock runs. */
export const SKEW_MS = 600_000;

/** A cold invocation's log, as Lambda writes it (text format, tab-separated, trailing tab). */
export const COLD_LOG = [
  'INIT_START Runtime Version: nodejs:20.v13\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0123abcd',
  `START RequestId: ${REQUEST_ID} Version: $LATEST`,
  `END RequestId: ${REQUEST_ID}`,
  `REPORT RequestId: ${REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 180 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 167.89 ms\t`,
  '',
].join('\n');

/** An init done ahead of the request: a 5 s Init Duration that the caller cannot have waited for. */
export const PROACTIVE_LOG = COLD_LOG.replace('Init Duration: 167.89 ms', 'Init Duration: 5000.00 ms');

export const WARM_LOG = [
  `START RequestId: ${REQUEST_ID} Version: 7`,
  `END RequestId: ${REQUEST_ID}`,
  `REPORT RequestId: ${REQUEST_ID}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t`,
  '',
].join('\n');

function reply(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-RequestId': REQUEST_ID, ...headers });
  res.end(body);
}

function serviceError(res: http.ServerResponse, status: number, type: string, body: object): void {
  reply(res, status, { 'x-amzn-ErrorType': type }, JSON.stringify(body));
}

interface InvokeContext {
  concurrent: ReturnType<typeof gate>;
  coldDelayMs: number;
}

function invoke(name: string, body: string, res: http.ServerResponse, ctx: InvokeContext, invocationType: string | undefined): void {
  // An Event invoke is queued: 202, no payload, no log tail (API_Invoke).
  if (invocationType === 'Event' && name !== 'throttled') return reply(res, 202, {}, '');
  const log = (text: string) => ({ 'X-Amz-Log-Result': Buffer.from(text).toString('base64') });
  switch (name) {
    case 'cold': {
      const answer = () => reply(res, 200, { 'X-Amz-Executed-Version': '$LATEST', ...log(COLD_LOG) }, '{"ok":true}');
      if (ctx.coldDelayMs > 0) setTimeout(answer, ctx.coldDelayMs);
      else answer();
      return;
    }
    case 'proactive':
      return reply(res, 200, log(PROACTIVE_LOG), '{"ok":true}');
    case 'warm':
      return reply(res, 200, { 'X-Amz-Executed-Version': '7', ...log(WARM_LOG) }, '{"ok":true}');
    case 'skewed':
      // A service whose clock is 10 minutes ahead of this machine's: the SDK corrects its signing time.
      return reply(res, 200, { date: new Date(Date.now() + SKEW_MS).toUTCString(), ...log(WARM_LOG) }, '{}');
    case 'echo':
      return reply(res, 200, {}, body);
    case 'fails':
      return reply(
        res,
        200,
        { 'X-Amz-Function-Error': 'Unhandled', ...log(WARM_LOG) },
        '{"errorType":"TypeError","errorMessage":"boom","trace":[]}',
      );
    case 'fails-untyped':
      return reply(res, 200, { 'X-Amz-Function-Error': 'Unhandled' }, '{"errorMessage":"2024-01-01 Task timed out"}');
    case 'throttled':
      return serviceError(res, 429, 'TooManyRequestsException', {
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        Type: 'User',
        message: 'Rate Exceeded.',
      });
    case 'bad-gateway':
      // A proxy's answer: not JSON, no error type.
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    case 'typed-in-body':
      // No x-amzn-ErrorType header: the SDK takes the type from the body's __type.
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-RequestId': REQUEST_ID });
      res.end(JSON.stringify({ __type: 'InvalidRequestContentException', message: 'Could not parse request body into json' }));
      return;
    case 'throttled-no-reason':
      return serviceError(res, 429, 'TooManyRequestsException', { Type: 'User', message: 'Rate Exceeded.' });
    case 'unavailable':
      return serviceError(res, 500, 'ServiceException', { Type: 'Service', message: 'internal' });
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
    case 'silent':
      return; // never answers
    case 'concurrent':
      return ctx.concurrent.arrive(() => reply(res, 200, log(WARM_LOG), '{}'));
    default:
      return serviceError(res, 404, 'ResourceNotFoundException', {
        Type: 'User',
        Message: `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      });
  }
}

function configuration(name: string, res: http.ServerResponse): void {
  switch (name) {
    case 'denied':
      return serviceError(res, 403, 'AccessDeniedException', { Message: 'not authorized to perform GetFunctionConfiguration' });
    case 'cold':
    case 'warm':
      return reply(
        res,
        200,
        {},
        JSON.stringify({ FunctionName: name, MemorySize: 512, Architectures: ['arm64'], Runtime: 'nodejs20.x' }),
      );
    default:
      return serviceError(res, 404, 'ResourceNotFoundException', { Type: 'User', Message: `Function not found: ${name}` });
  }
}

export interface FakeOptions {
  /** The 'concurrent' function holds answers until this many invocations wait at once. */
  concurrentN?: number;
  /** The 'cold' function answers after this long, as a caller waiting for init would see. */
  coldDelayMs?: number;
}

export async function fakeLambda(opts: FakeOptions = {}): Promise<FakeLambda> {
  const seen: Seen[] = [];
  const concurrent = gate(opts.concurrentN ?? 1);
  const coldDelayMs = opts.coldDelayMs ?? 0;
  const started = await httpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)$/.exec(url.pathname);
    const raw = await readBodyBytes(req);
    const body = raw.toString('utf8');
    const functionName = decodeURIComponent(match?.[1] ?? '');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      functionName,
      qualifier: url.searchParams.get('Qualifier'),
      logType: req.headers['x-amz-log-type'] as string | undefined,
      invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
      authorization: req.headers.authorization,
      securityToken: req.headers['x-amz-security-token'] as string | undefined,
      amzDate: req.headers['x-amz-date'] as string | undefined,
      signature: await checkSignature(req, raw),
      body,
    });
    // Temporary credentials made by the tests carry their expiry in the token: `expires-<epoch ms>`.
    const expiresAt = /^expires-(\d+)$/.exec(String(req.headers['x-amz-security-token'] ?? ''))?.[1];
    if (expiresAt !== undefined && Date.now() > Number(expiresAt)) {
      return serviceError(res, 403, 'ExpiredTokenException', { message: 'The security token included in the request is expired' });
    }
    if (match?.[2] === 'invocations') return invoke(functionName, body, res, { concurrent, coldDelayMs }, req.headers['x-amz-invocation-type'] as string | undefined);
    if (match?.[2] === 'configuration') return configuration(functionName, res);
    return serviceError(res, 404, 'UnknownOperationException', { message: 'unknown operation' });
  });
  return { ...started, seen };
}

export { REQUEST_ID };
