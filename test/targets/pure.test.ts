import { describe, expect, it } from 'vitest';
import { isLoopbackEndpoint, regionFor } from '../../src/targets/lambda-client.js';
import { errorMessage, networkErrorClass } from '../../src/targets/net-errors.js';
import { isLoopbackHost } from '../../src/targets/loopback.js';
import { MAX_CONNECTING, MAX_CONNECTING_LOOPBACK, maxConnecting, preconnectCount } from '../../src/targets/http.js';
import type { LoadModel, Phase } from '../../src/profile/types.js';

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

describe('loopback hosts', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['[::ffff:127.0.0.1]', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['127.example.com', false],
    ['localhost.example.com', false],
    ['abc.lambda-url.eu-west-1.on.aws', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('HTTP target: sockets opened at once and before the run', () => {
  it('opens sockets a few at a time on loopback, many at a time elsewhere', () => {
    expect(maxConnecting(new URL('http://127.0.0.1:8080/'))).toBe(MAX_CONNECTING_LOOPBACK);
    expect(maxConnecting(new URL('http://[::1]:8080/'))).toBe(MAX_CONNECTING_LOOPBACK);
    expect(maxConnecting(new URL('https://api.example.com/'))).toBe(MAX_CONNECTING);
    expect(MAX_CONNECTING_LOOPBACK).toBeLessThan(MAX_CONNECTING);
  });

  const constant = (ratePerSec: number): Phase => ({ kind: 'constant', ratePerSec, durationMs: 10_000 });
  it.each<[string, LoadModel, number, number]>([
    ['closed: one per worker', { model: 'closed', concurrency: 50, durationMs: 10_000 }, 50, 50],
    ['closed: no more than the connections', { model: 'closed', concurrency: 50, durationMs: 10_000 }, 20, 20],
    ['open 10,000/s: 10 ms of arrivals', { model: 'open', maxInFlight: 2000, phases: [constant(10_000)] }, 2000, 100],
    ['open 2,000/s', { model: 'open', maxInFlight: 2000, phases: [constant(2000)] }, 2000, 20],
    ['open 1/s: at least one', { model: 'open', maxInFlight: 10, phases: [constant(1)] }, 10, 1],
    ['open: the peak of a ramp', { model: 'open', maxInFlight: 2000, phases: [{ kind: 'ramp', fromPerSec: 0, toPerSec: 5000, durationMs: 60_000 }] }, 2000, 50],
    ['open: a burst wider than 10 ms of the rate', { model: 'open', maxInFlight: 2000, phases: [constant(100), { kind: 'burst', count: 300 }] }, 2000, 300],
    ['open: capped by the connections', { model: 'open', maxInFlight: 2000, phases: [constant(10_000)] }, 64, 64],
    ['open: only idle', { model: 'open', maxInFlight: 10, phases: [{ kind: 'idle', durationMs: 1000 }] }, 10, 0],
  ])('%s', (_name, load, connections, expected) => {
    expect(preconnectCount(load, connections)).toBe(expected);
  });
});
