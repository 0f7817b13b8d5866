/**
 * An HTTP target that misbehaves while the run goes on, on loopback: it resets every tenth
 * connection, answers broken HTTP, never answers, closes its side without answering, or sends
 * 50 MB bodies. Each run completes, every failure lands in its error class, and the memory of
 * the load generator (this process) stays bounded.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import type { Result } from '../../src/result/result.js';
import { closeAll, httpServer, rawServer } from '../targets/servers.js';
import { peakGrowthMB } from './memory.js';

afterEach(() => closeAll());

function run(url: string, load: string, target = ''): Promise<Result> {
  const loaded = parseProfileText(`name: fault\ntarget: { kind: http, url: "${url}"${target} }\nload: ${load}\n`, { file: 'fault.yaml', baseDir: '.' });
  return runProfile(loaded, { drainMs: 1000 });
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok';

describe('a target that misbehaves', () => {
  it('resets every tenth connection: those requests are class reset, the others ok', async () => {
    let connections = 0;
    const server = await rawServer((socket, chunk) => {
      void chunk;
      connections++;
      if (connections % 10 === 0) socket.resetAndDestroy();
      else socket.end(OK);
    });
    const result = await run(server.url, '{ model: closed, concurrency: 2, iterations: 100 }');
    expect(result.status).toBe('completed');
    expect(result.counts.sent).toBe(100);
    expect(result.errors).toEqual({ reset: expect.any(Number) });
    // Each request has its own connection (the server closes after each answer): every tenth fails.
    expect(result.errors.reset).toBe(Math.floor(connections / 10));
    expect(result.counts.ok).toBe(100 - result.errors.reset!);
  });

  it('answers broken HTTP: class protocol', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 2OO NOT A STATUS\r\nx: \x00\r\n\r\n'));
    const result = await run(server.url, '{ model: closed, concurrency: 2, iterations: 20 }');
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ protocol: 20 });
  });

  it('never answers: class timeout after the request timeout, and the run ends on time', async () => {
    const held: Socket[] = [];
    const server = await rawServer((socket) => void held.push(socket));
    const started = Date.now();
    const result = await run(server.url, '{ phases: [ { constant: { rate: 20, duration: 1s } } ] }', ', timeout: 300ms');
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ timeout: 20 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('closes its side after reading the request, without answering: class reset', async () => {
    const server = await rawServer((socket) => socket.end());
    const result = await run(server.url, '{ model: closed, concurrency: 2, iterations: 20 }');
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ reset: 20 });
  });

  it('sends 50 MB bodies: read to the end and dropped, the generator stays small', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const server = await httpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': 50 * chunk.length });
      let sent = 0;
      const write = (): void => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent < 50) res.once('drain', () => (sent++, write()));
        else res.end();
      };
      write();
    });
    const { value: result, rssMB, heapMB } = await peakGrowthMB(() => run(server.url, '{ model: closed, concurrency: 2, iterations: 8 }', ', timeout: 20s'));
    expect(result.status).toBe('completed');
    expect(result.counts.ok).toBe(8);
    // 400 MB went through; keeping any body would show here. Generous bounds: the test shares its process.
    expect(heapMB).toBeLessThan(100);
    expect(rssMB).toBeLessThan(200);
  });
});
