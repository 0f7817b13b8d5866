/**
 * Maps a transport error (undici, node:http, node:net, node:tls, the AWS SDK's Node handler) to
 * a stable error class. Shared by the HTTP and the Lambda target so the same failure has the
 * same name whichever way the request went out.
 */
import type { ErrorClass } from './target.js';

type NetworkClass = Extract<
  ErrorClass,
  'timeout' | 'connect-refused' | 'reset' | 'dns' | 'tls' | 'protocol' | 'aborted'
>;

const BY_CODE: ReadonlyMap<string, NetworkClass> = new Map<string, NetworkClass>([
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
  ['ETIMEDOUT', 'timeout'],
  ['ECONNREFUSED', 'connect-refused'],
  // The connection could not be made at all: the closest stable class is a refused connect.
  ['EHOSTUNREACH', 'connect-refused'],
  ['ENETUNREACH', 'connect-refused'],
  ['EADDRNOTAVAIL', 'connect-refused'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['ECONNABORTED', 'reset'],
  ['UND_ERR_SOCKET', 'reset'],
  ['UND_ERR_CLOSED', 'reset'],
  ['ERR_STREAM_PREMATURE_CLOSE', 'reset'],
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['EAI_FAIL', 'dns'],
  ['EAI_NONAME', 'dns'],
  ['EAI_NODATA', 'dns'],
  ['EPROTO', 'tls'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
  ['CERT_HAS_EXPIRED', 'tls'],
  ['CERT_NOT_YET_VALID', 'tls'],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'protocol'],
  ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'protocol'],
  ['UND_ERR_INFO', 'protocol'],
  ['ABORT_ERR', 'aborted'],
  ['UND_ERR_ABORTED', 'aborted'],
  ['UND_ERR_DESTROYED', 'aborted'],
]);

function classOfCode(code: string): NetworkClass | undefined {
  const known = BY_CODE.get(code);
  if (known !== undefined) return known;
  if (code.startsWith('HPE_')) return 'protocol'; // llhttp parse errors: a malformed response
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls';
  if (code.startsWith('UNABLE_TO_') || code.startsWith('CERT_')) return 'tls';
  return undefined;
}

function classOfName(name: string): NetworkClass | undefined {
  switch (name) {
    case 'TimeoutError':
    case 'HeadersTimeoutError':
    case 'BodyTimeoutError':
    case 'ConnectTimeoutError':
      return 'timeout';
    case 'HTTPParserError':
      return 'protocol';
    case 'AbortError':
    case 'RequestAbortedError':
      return 'aborted';
    default:
      return undefined;
  }
}

/** The error itself, then its `cause` chain and the first of an AggregateError's errors. */
function* chain(err: unknown): Generator<{ code?: unknown; name?: unknown }> {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    yield e;
    if (Array.isArray(e.errors) && e.errors.length > 0) yield* chain(e.errors[0]);
    current = e.cause;
  }
}

/**
 * The network class of `err`, or undefined when it is not a transport failure. Codes win over
 * names: the SDK's handler renames ECONNRESET and EPIPE to `TimeoutError`, which they are not.
 */
export function networkErrorClass(err: unknown): NetworkClass | undefined {
  let byName: NetworkClass | undefined;
  for (const e of chain(err)) {
    if (typeof e.code === 'string') {
      const byCode = classOfCode(e.code);
      if (byCode !== undefined) return byCode;
    }
    if (byName === undefined && typeof e.name === 'string') byName = classOfName(e.name);
  }
  return byName;
}

/** A short one-line message for an outcome: `CODE: message`, at most 200 characters. */
export function errorMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err).slice(0, 200);
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  const line = typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  return line.split('\n', 1)[0]!.slice(0, 200);
}
