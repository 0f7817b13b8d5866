/**
 * The emulator's servers on malformed requests: random methods, paths, headers and bodies at
 * the Invoke API (and its control plane and Function URLs), and at an execution environment's
 * Runtime API, plus bytes that are not HTTP at all. Every request gets an answer (Lambda's error
 * shape: a status and `x-amzn-ErrorType` for the Invoke API, a JSON errorType for the Runtime
 * API; Node's own 400 for broken HTTP), the emulator keeps serving real invocations, and when
 * it closes no environment process is left.
 *
 * Not sent at random: `GET .../invocation/next` on the Runtime API, which is how a runtime asks
 * for its next event: a second client asking takes the event away from the function (as it
 * would on Lambda), which is not a malformed request.
 */
import { connect } from 'node:net';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { alive } from '../helpers/bin.js';
import { client, fn, text } from '../emulator/helpers.js';
import { params, TIMEOUT_MS } from './settings.js';

const FUNCTIONS = new URL('./functions/', import.meta.url).pathname;

let emulator: Emulator;
let lambda: LambdaClient;
let runtimeApi: string;

beforeAll(async () => {
  emulator = await startEmulator({ baseDir: FUNCTIONS, accountConcurrency: 10, functions: { address: fn('address.handler', { timeoutMs: 2000 }) } });
  lambda = client(emulator.endpoint);
  runtimeApi = (await invoke()).api as string;
});

afterAll(async () => {
  const pids = emulator.environments().map((e) => e.pid).filter((p): p is number => p !== null);
  lambda.destroy();
  await emulator.close();
  expect(pids.length).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 200));
  expect(pids.filter(alive)).toEqual([]);
});

async function invoke(): Promise<{ api?: string; pid?: number }> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'address', Payload: Buffer.from('{}') }));
  expect(out.FunctionError).toBeUndefined();
  return JSON.parse(text(out.Payload)) as { api?: string; pid?: number };
}

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `bytes` on a fresh socket to host:port and reads one response (or the close). With
 * `end`, the socket is half-closed after the bytes, so a server still waiting for the rest of a
 * request (bytes that are only blank lines, say) sees that none is coming.
 */
function exchange(hostPort: string, bytes: Buffer, end = false): Promise<Raw | 'closed'> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s to ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`));
    }, 5000);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const head = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(data);
      if (head === null) return resolve('closed');
      const headers: Record<string, string> = {};
      for (const line of head[2]!.split('\r\n')) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(head[1]), headers, body: head[3]! });
    };
    socket.on('data', (d) => {
      data += d.toString('latin1');
      const head = /\r\n\r\n/.exec(data);
      const length = /content-length: (\d+)/i.exec(data);
      if (head !== null && length !== null && data.length - head.index - 4 >= Number(length[1])) done();
    });
    socket.on('end', done);
    socket.on('error', () => done());
    if (end) socket.end(bytes);
    else socket.write(bytes);
  });
}

const segment = fc.oneof(
  fc.constantFrom('functions', 'address', 'invocations', 'configuration', 'concurrency', 'runtime', 'invocation', 'next', 'response', 'error', 'init', '%', '%zz', '..', '', 'x'.repeat(300)),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.tuple(fc.constantFrom('/2015-03-31/functions/', '/2019-09-30/functions/', '/2018-06-01/runtime/', '/_emulator/', '/lambda-url/', '/'), fc.array(segment, { maxLength: 4 }), fc.option(fc.string({ maxLength: 20 }).map((q) => `?Qualifier=${encodeURIComponent(q)}`)))
  .map(([prefix, parts, query]) => `${prefix}${parts.join('/')}${query ?? ''}`);
const header = fc.tuple(
  fc.constantFrom('x-amz-invocation-type', 'x-amz-log-type', 'x-amz-client-context', 'content-type', 'lambda-runtime-function-error-type', 'x-custom'),
  fc.oneof(fc.constantFrom('RequestResponse', 'Event', 'DryRun', 'Tail', 'None', '', 'bogus'), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)),
);
const body = fc.oneof(fc.constant(''), fc.json({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constant('{"a":'));
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path,
  headers: fc.array(header, { maxLength: 4 }),
  body,
}).filter((r) => !(r.method === 'GET' && r.path.includes('invocation/next')));

function wire(r: { method: string; path: string; headers: [string, string][]; body: string }): Buffer {
  const payload = Buffer.from(r.body, 'utf8');
  const lines = [`${r.method} ${r.path} HTTP/1.1`, 'host: 127.0.0.1', ...r.headers.map(([k, v]) => `${k}: ${v}`), `content-length: ${payload.length}`, 'connection: close'];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

describe('the emulator on malformed requests', () => {
  it("the Invoke API answers each with Lambda's error shape, and keeps serving", async () => {
    const host = emulator.endpoint.replace('http://', '');
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const answer = await exchange(host, wire(r));
      expect(answer).not.toBe('closed');
      if (answer === 'closed') return;
      if (answer.status >= 400 && r.method !== 'HEAD' && !r.path.startsWith('/lambda-url/')) {
        expect(answer.headers['x-amzn-errortype'], `${r.method} ${r.path} -> ${answer.status} ${answer.body}`).toMatch(/^[A-Za-z]+Exception$/);
      }
    }), params(150));
    await invoke();
  }, TIMEOUT_MS);

  it('the Runtime API answers each with a JSON error type, and the environment keeps serving', async () => {
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const answer = await exchange(runtimeApi, wire({ ...r, path: r.path.replace(/^\/(2015-03-31|2019-09-30)\/functions\//, '/2018-06-01/runtime/') }));
      expect(answer).not.toBe('closed');
      if (answer === 'closed' || answer.status < 400 || r.method === 'HEAD') return;
      expect(JSON.parse(answer.body)).toMatchObject({ errorType: expect.any(String) });
    }), params(150));
    await invoke();
  }, TIMEOUT_MS);

  it('bytes that are not HTTP get a 400 or a closed socket, never a crash', async () => {
    const host = emulator.endpoint.replace('http://', '');
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), async (bytes, toRuntime) => {
      const answer = await exchange(toRuntime ? runtimeApi : host, Buffer.concat([Buffer.from(bytes), Buffer.from('\r\n\r\n')]), true);
      if (answer !== 'closed') expect(answer.status).toBeGreaterThanOrEqual(400);
    }), params(100));
    await invoke();
  }, TIMEOUT_MS);
});
