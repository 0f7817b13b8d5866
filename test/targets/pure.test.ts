import { describe, expect, it } from 'vitest';
import { isLoopbackEndpoint, regionFor } from '../../src/targets/lambda-client.js';
import { errorMessage, networkErrorClass } from '../../src/targets/net-errors.js';
import { compilePayload } from '../../src/targets/payload.js';

const err = (fields: Record<string, unknown>): Error => Object.assign(new Error('x'), fields);

describe('networkErrorClass', () => {
  it.each([
    ['ECONNREFUSED', err({ code: 'ECONNREFUSED' }), 'connect-refused'],
    ['ECONNRESET', err({ code: 'ECONNRESET' }), 'reset'],
    ['EPIPE', err({ code: 'EPIPE' }), 'reset'],
    ['undici other side closed', err({ name: 'SocketError', code: 'UND_ERR_SOCKET' }), 'reset'],
    // The SDK's Node handler renames ECONNRESET/EPIPE to TimeoutError: the code must win.
    ['SDK-renamed reset', err({ name: 'TimeoutError', code: 'ECONNRESET' }), 'reset'],
    ['SDK request timeout', err({ name: 'TimeoutError', code: 'ETIMEDOUT' }), 'timeout'],
    ['SDK connection timeout (no code)', err({ name: 'TimeoutError' }), 'timeout'],
    ['undici headers timeout', err({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout'],
    ['undici body timeout', err({ code: 'UND_ERR_BODY_TIMEOUT' }), 'timeout'],
    ['undici connect timeout', err({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout'],
    ['ENOTFOUND', err({ code: 'ENOTFOUND' }), 'dns'],
    ['EAI_AGAIN', err({ code: 'EAI_AGAIN' }), 'dns'],
    ['self-signed', err({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls'],
    ['altname', err({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'tls'],
    ['wrong version', err({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 'tls'],
    ['leaf', err({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'tls'],
    ['EPROTO', err({ code: 'EPROTO' }), 'tls'],
    ['parser', err({ name: 'HTTPParserError', code: 'HPE_INVALID_CONSTANT' }), 'protocol'],
    ['content length', err({ code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' }), 'protocol'],
    ['abort', err({ name: 'AbortError' }), 'aborted'],
    ['wrapped in cause', err({ cause: err({ code: 'ECONNREFUSED' }) }), 'connect-refused'],
    ['aggregate (happy eyeballs)', Object.assign(new AggregateError([err({ code: 'ECONNREFUSED' })]), {}), 'connect-refused'],
    ['unknown error', err({ code: 'ESOMETHING' }), undefined],
    ['not an error', 'boom', undefined],
    ['null', null, undefined],
  ])('%s', (_label, error, expected) => {
    expect(networkErrorClass(error)).toBe(expected);
  });
});

describe('errorMessage', () => {
  it.each([
    [err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }), 'connect ECONNREFUSED 127.0.0.1:1'],
    [err({ code: 'UND_ERR_SOCKET', message: 'other side closed' }), 'UND_ERR_SOCKET: other side closed'],
    [new Error('first line\nsecond line'), 'first line'],
    ['plain', 'plain'],
  ])('%#', (error, expected) => {
    expect(errorMessage(error)).toBe(expected);
  });

  it('is at most 200 characters', () => {
    expect(errorMessage(new Error('x'.repeat(500)))).toHaveLength(200);
  });
});

describe('compilePayload', () => {
  const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

  it('no payload sends no body', () => {
    expect(compilePayload(undefined)(0)).toBeUndefined();
  });

  it('a payload without placeholders is encoded once and reused', () => {
    const fn = compilePayload('{"sku":42}');
    expect(text(fn(0))).toBe('{"sku":42}');
    expect(fn(1)).toBe(fn(2));
  });

  it.each([
    ['{"n":{{seq}}}', 7, '{"n":7}'],
    ['{{seq}}{{seq}}', 3, '33'],
    ['{"a":"{{other}}","b":{{seq}}}', 1, '{"a":"{{other}}","b":1}'],
    ['{"a":"{{ seq }}"}', 1, '{"a":"{{ seq }}"}'],
    ['{{', 0, '{{'],
  ])('%s with seq %i', (template, seq, expected) => {
    expect(text(compilePayload(template)(seq))).toBe(expected);
  });

  it('{{uuid}} is a fresh UUID and {{now}} the current time', () => {
    const fn = compilePayload('{{uuid}} {{now}}');
    const before = Date.now();
    const [id1, now] = text(fn(0))!.split(' ');
    const [id2] = text(fn(1))!.split(' ');
    expect(id1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id2).not.toBe(id1);
    expect(Number(now)).toBeGreaterThanOrEqual(before);
    expect(Number(now)).toBeLessThanOrEqual(Date.now());
  });
});

describe('Lambda client settings', () => {
  it.each([
    ['http://127.0.0.1:9001', true],
    ['http://localhost:9001/', true],
    ['http://[::1]:9001', true],
    ['https://lambda.us-east-1.amazonaws.com', false],
    ['http://10.0.0.1:9001', false],
    ['not a url', false],
    [undefined, false],
  ])('isLoopbackEndpoint(%s) = %s', (endpoint, expected) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(expected);
  });

  const base = { kind: 'lambda' as const, function: 'f', timeoutMs: 1000 };
  it.each([
    [{ region: 'eu-west-1' }, {}, 'eu-west-1'],
    [{ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9001' }, { AWS_REGION: 'us-west-2' }, 'eu-west-1'],
    [{ endpoint: 'http://127.0.0.1:9001' }, {}, 'us-east-1'],
    [{ endpoint: 'http://127.0.0.1:9001' }, { AWS_REGION: 'us-west-2' }, 'us-west-2'],
    [{}, { AWS_REGION: 'us-west-2' }, undefined],
  ])('regionFor(%j, env %j) = %s', (config, env, expected) => {
    expect(regionFor({ ...base, ...config }, env)).toBe(expected);
  });
});
