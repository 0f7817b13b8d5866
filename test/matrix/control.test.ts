/**
 * The control plane against the real emulator through the SDK: an update is applied, waited
 * for, and checked; a second update while one is in progress is retried, not failed. A proxy
 * on loopback between the SDK and the emulator records every answer, so the conflict is seen.
 */
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { createFunctionControl } from '../../src/matrix/control.js';
import type { FunctionControl } from '../../src/matrix/control.js';
import { fn, profilesDir } from '../emulator/helpers.js';

let emulator: Emulator;
let control: FunctionControl;
let proxy: Server;
/** Every control-plane answer that went through the proxy: method, path and status. */
const answers: { method: string; path: string; status: number }[] = [];

/** When set, the next update is preceded by this one, sent straight to the emulator: a deploy racing ours. */
let racingUpdate: string | undefined;

/** Forwards each request to the emulator and notes the status of its answer. */
function startProxy(target: string): Promise<string> {
  const { port } = new URL(target);
  const send = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(body.length) } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }));
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = req.url ?? '';
        const method = req.method ?? 'GET';
        if (racingUpdate !== undefined && method === 'PUT' && path.endsWith('/configuration')) {
          const body = Buffer.from(racingUpdate);
          racingUpdate = undefined;
          await send('PUT', path, { 'content-type': 'application/json' }, body);
        }
        const answer = await send(method, path, req.headers, Buffer.concat(chunks));
        answers.push({ method, path, status: answer.status });
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })();
    });
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 10,
    functions: { cpu: fn('functions/cpu.handler', { environment: { WORK_MS: '5' } }) },
  });
  const endpoint = await startProxy(emulator.endpoint);
  control = await createFunctionControl({ kind: 'lambda', function: 'cpu', timeoutMs: 5000, endpoint }, { pollMs: 20, timeoutMs: 10_000 });
});

afterAll(async () => {
  control?.close();
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await emulator?.close();
});

describe('function control', () => {
  it('reads the configuration', async () => {
    expect(await control.read('cpu')).toEqual({ memoryMB: 128, architecture: 'x86_64', environment: { WORK_MS: '5' } });
  });

  it('applies memory, architecture and environment, and waits until the update is done', async () => {
    await control.apply('cpu', { memoryMB: 512, architecture: 'arm64', environment: { WORK_MS: '7' } });
    expect(await control.read('cpu')).toEqual({ memoryMB: 512, architecture: 'arm64', environment: { WORK_MS: '7' } });
    const res = await fetch(`${emulator.endpoint}/2015-03-31/functions/cpu/configuration`);
    expect(((await res.json()) as { LastUpdateStatus: string }).LastUpdateStatus).toBe('Successful');
  });

  it('retries an update that conflicts with one in progress', async () => {
    answers.length = 0;
    // Another update starts right after ours checked that none was running.
    racingUpdate = JSON.stringify({ MemorySize: 512 });
    await control.apply('cpu', { memoryMB: 1024 });
    const updates = answers.filter((a) => a.method === 'PUT' && a.path.endsWith('/configuration')).map((a) => a.status);
    // Ours met the other one (409 ResourceConflictException), was retried, and went through.
    expect(updates[0]).toBe(409);
    expect(updates.at(-1)).toBe(200);
    expect(await control.read('cpu')).toMatchObject({ memoryMB: 1024 });
  });

  it('fails with the function named when the function does not exist', async () => {
    await expect(control.apply('nope', { memoryMB: 256 })).rejects.toThrow(/nope.*ResourceNotFoundException/);
  });
});
