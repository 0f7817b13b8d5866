import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HttpTargetConfig } from '../../src/profile/types.js';
import { MAX_CONNECTING, MAX_CONNECTING_LOOPBACK, createHttpTarget, startFromHeader } from '../../src/targets/http.js';
import type { HttpTarget } from '../../src/targets/http.js';
import { HttpPool } from '../../src/targets/http-pool.js';
import type { PooledRequest } from '../../src/targets/http-pool.js';
import type { Outcome, Target } from '../../src/targets/target.js';
import { Runner } from '../../src/run/runner.js';
import { closeAll, gate, httpServer, rawServer, readBody, refusedPort } from './servers.js';

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
process.on('unhandledRejection', onRejection);

const targets: Target[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
  await closeAll();
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

function target(url: string, extra: Partial<HttpTargetConfig> = {}, connections = 4): HttpTarget {
  const t = createHttpTarget(
    { kind: 'http', url, method: 'GET', headers: {}, timeoutMs: 5_000, ...extra },
    { connections },
  );
  targets.push(t);
  return t;
}

let seq = 0;
function send(t: Target, signal = new AbortController().signal): Promise<Outcome> {
  return t.send({ seq: seq++, signal });
}

describe('HTTP target: responses', () => {
  it('200 is ok, with the status and x-amzn-requestid', async () => {
    const s = await httpServer((_req, res) => {
      res.setHeader('x-amzn-RequestId', 'req-123');
      res.end('hello');
    });
    expect(await send(target(s.url))).toEqual({ kind: 'ok', status: 200, requestId: 'req-123' });
  });

  it('sends the method, headers and body of the profile', async () => {
    const seen: Array<{ method?: string; type?: string; body: string; url?: string }> = [];
    const s = await httpServer(async (req, res) => {
      seen.push({ method: req.method, type: req.headers['content-type'], body: await readBody(req), url: req.url });
      res.end();
    });
    const t = target(`${s.url}/orders?x=1`, {
      method: 'post',
      headers: { 'content-type': 'application/json' },
      body: '{"sku":42}',
    });
    expect((await send(t)).kind).toBe('ok');
    expect((await send(t)).kind).toBe('ok');
    const expected = { method: 'POST', type: 'application/json', body: '{"sku":42}', url: '/orders?x=1' };
    expect(seen).toEqual([expected, expected]);
  });

  it.each([
    [404, { kind: 'error', errorClass: 'http-4xx', status: 404 }],
    [400, { kind: 'error', errorClass: 'http-4xx', status: 400 }],
    [503, { kind: 'error', errorClass: 'http-5xx', status: 503 }],
    [500, { kind: 'error', errorClass: 'http-5xx', status: 500 }],
    [429, { kind: 'throttled', reason: 'http-429', status: 429 }],
    [204, { kind: 'ok', status: 204 }],
  ])('status %i', async (status, expected) => {
    const s = await httpServer((_req, res) => {
      res.statusCode = status;
      res.end(status === 204 ? undefined : 'body of the answer');
    });
    expect(await send(target(s.url))).toEqual(expected);
  });

  it('reads the whole body before resolving', async () => {
    const s = await httpServer((_req, res) => {
      res.write('first part;');
      setTimeout(() => res.end('second part'), 150);
    });
    const t0 = performance.now();
    const out = await send(target(s.url));
    expect(out.kind).toBe('ok');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('HTTP target: failures', () => {
  it('a reset connection is class reset', async () => {
    const s = await rawServer((socket) => socket.resetAndDestroy());
    const out = await send(target(s.url));
    expect(out).toMatchObject({ kind: 'error', errorClass: 'reset' });
  });

  it('a socket closed before any answer is class reset', async () => {
    const s = await rawServer((socket) => socket.destroy());
    expect(await send(target(s.url))).toMatchObject({ kind: 'error', errorClass: 'reset' });
  });

  it('a server that never answers is class timeout', async () => {
    const s = await rawServer(() => {});
    const t0 = performance.now();
    const out = await send(target(s.url, { timeoutMs: 300 }));
    expect(out).toMatchObject({ kind: 'error', errorClass: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('a body that stalls past the deadline is class timeout', async () => {
    const s = await httpServer((_req, res) => {
      res.setHeader('content-length', '100');
      res.write('only some');
    });
    const out = await send(target(s.url, { timeoutMs: 300 }));
    expect(out).toMatchObject({ kind: 'error', errorClass: 'timeout' });
  });

  it('a connection closed mid-body is class reset', async () => {
    const s = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a few bytes', () => socket.destroy());
    });
    expect(await send(target(s.url))).toMatchObject({ kind: 'error', errorClass: 'reset' });
  });

  it('garbage bytes are class protocol', async () => {
    const s = await rawServer((socket) => socket.end('this is not HTTP at all\r\n\r\n'));
    expect(await send(target(s.url))).toMatchObject({ kind: 'error', errorClass: 'protocol' });
  });

  it('a refused port is class connect-refused', async () => {
    const port = await refusedPort();
    expect(await send(target(`http://127.0.0.1:${port}/`))).toMatchObject({
      kind: 'error',
      errorClass: 'connect-refused',
    });
  });

  it('https to a plain-HTTP server is class tls', async () => {
    const s = await httpServer((_req, res) => res.end('plain'));
    expect(await send(target(`https://127.0.0.1:${s.port}/`))).toMatchObject({ kind: 'error', errorClass: 'tls' });
  });

  it("the run's signal ends a request in flight as class aborted", async () => {
    const s = await rawServer(() => {});
    const run = new AbortController();
    const pending = send(target(s.url), run.signal);
    setTimeout(() => run.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'error', errorClass: 'aborted' });
    expect(await send(target(s.url), run.signal)).toEqual({ kind: 'error', errorClass: 'aborted' });
  });

  it('a storm of misbehaviour leaves no unhandled rejection', async () => {
    let n = 0;
    const s = await rawServer((socket) => {
      const mode = n++ % 4;
      if (mode === 0) socket.resetAndDestroy();
      else if (mode === 1) socket.end('garbage\r\n\r\n');
      else if (mode === 2) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nxx', () => socket.destroy());
      // mode 3: never answers
    });
    const t = target(s.url, { timeoutMs: 300 }, 8);
    const outs = await Promise.all(Array.from({ length: 40 }, () => send(t)));
    expect(outs.every((o) => o.kind === 'error')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(rejections).toEqual([]);
  });
});

describe('HTTP target: connections', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const t = target(s.url, {}, 8);
    for (let i = 0; i < 50; i++) expect((await send(t)).kind).toBe('ok');
    expect(s.connections()).toBe(1);
  });

  it('opens exactly `connections` sockets for twice as many concurrent requests', async () => {
    const n = 8;
    const g = gate(n);
    const s = await httpServer((_req, res) => g.arrive(() => res.end('ok')));
    const t = target(s.url, {}, n);
    const outs = await Promise.all(Array.from({ length: 2 * n }, () => send(t)));
    expect(outs.every((o) => o.kind === 'ok')).toBe(true);
    expect(g.peak()).toBe(n);
    expect(s.connections()).toBe(n);
  });

  it(`a burst wider than ${MAX_CONNECTING} connects still gets a socket per request (${MAX_CONNECTING_LOOPBACK} opening at a time on loopback)`, async () => {
    const n = MAX_CONNECTING * 2 + 10;
    const g = gate(n);
    const s = await httpServer((_req, res) => g.arrive(() => res.end('ok')));
    const t = target(s.url, {}, n);
    const outs = await Promise.all(Array.from({ length: n }, () => send(t)));
    expect(outs.every((o) => o.kind === 'ok')).toBe(true);
    expect(g.peak()).toBe(n);
    expect(s.connections()).toBe(n);
  });

  it('a request that waited for a socket says how long (service time starts after the wait)', async () => {
    const s = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 60));
    const t = target(s.url, {}, 1);
    const [first, second] = await Promise.all([send(t), send(t)]);
    expect(first).toEqual({ kind: 'ok', status: 200 });
    expect(second).toMatchObject({ kind: 'ok', status: 200 });
    expect(second!.waitedMs).toBeGreaterThan(40);
    expect(s.connections()).toBe(1);
  });

  it('a request whose deadline passes while it waits for a socket is a timeout and is never sent', async () => {
    let arrived = 0;
    const s = await httpServer(() => {
      arrived++; // never answers
    });
    const t = target(s.url, { timeoutMs: 200 }, 1);
    const outs = await Promise.all([send(t), send(t), send(t)]);
    expect(outs.map((o) => o.kind === 'error' && o.errorClass)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(arrived).toBe(1);
  });

  it('refused connections with requests waiting: each ends connect-refused, nothing thrown', async () => {
    const port = await refusedPort();
    const t = target(`http://127.0.0.1:${port}`, {}, 2);
    const outs = await Promise.all(Array.from({ length: 20 }, () => send(t)));
    expect(outs.map((o) => o.kind === 'error' && o.errorClass)).toEqual(Array(20).fill('connect-refused'));
  });

  it('a server that closes every connection after its answer: each request on a fresh socket, all ok', async () => {
    const s = await httpServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    const t = target(s.url, {}, 3);
    const outs = await Promise.all(Array.from({ length: 30 }, () => send(t)));
    expect(outs.every((o) => o.kind === 'ok')).toBe(true);
    expect(s.connections()).toBe(30);
  });

  it('after a hard stop, requests still waiting for a socket end as aborted', async () => {
    const s = await httpServer(() => {});
    const t = target(s.url, {}, 1);
    const stop = new AbortController();
    const pending = Promise.all([send(t, stop.signal), send(t, stop.signal), send(t, stop.signal)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    const outs = await pending;
    expect(outs.map((o) => o.kind === 'error' && o.errorClass)).toEqual(['aborted', 'aborted', 'aborted']);
  });
});

describe('HTTP target: sockets opened before the run', () => {
  it('opens the sockets without sending a request, and the first requests use them', async () => {
    let requests = 0;
    const s = await httpServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    const t = target(s.url, {}, 20);
    expect(await t.preconnect(12)).toBe(12);
    await accepted(s, 12);
    expect(s.connections()).toBe(12);
    expect(requests).toBe(0);
    const outs = await Promise.all(Array.from({ length: 12 }, () => send(t)));
    expect(outs.every((o) => o.kind === 'ok')).toBe(true);
    expect(s.connections()).toBe(12);
  });

  it('opens no more than the target\'s connections', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const t = target(s.url, {}, 3);
    expect(await t.preconnect(10)).toBe(3);
    await accepted(s, 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.connections()).toBe(3);
  });

  it('a socket the server reset while it waited is replaced: the request is ok on a new one', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const t = target(s.url, {}, 1);
    expect(await t.preconnect(1)).toBe(1);
    await accepted(s, 1);
    s.dropConnections();
    await new Promise((r) => setTimeout(r, 30));
    expect(await send(t)).toEqual({ kind: 'ok', status: 200 });
    expect(s.connections()).toBe(2);
  });

  it('a socket on which bytes arrived before any request is not used: the answer is the real one', async () => {
    let n = 0;
    const s = await httpServer((_req, res) => res.end('ok'));
    s.onConnection((socket) => {
      if (n++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nx-stale: 1\r\n\r\n');
    });
    const t = target(s.url, {}, 1);
    expect(await t.preconnect(1)).toBe(1);
    await new Promise((r) => setTimeout(r, 30));
    const out = await send(t);
    expect(out).toEqual({ kind: 'ok', status: 200 });
    expect(s.connections()).toBe(2);
  });

  it('a refused port opens nothing; the requests then end connect-refused', async () => {
    const port = await refusedPort();
    const t = target(`http://127.0.0.1:${port}`, {}, 4);
    expect(await t.preconnect(4)).toBe(0);
    expect(await send(t)).toMatchObject({ kind: 'error', errorClass: 'connect-refused' });
  });

  it('https to a plain-HTTP server: nothing opened before, the requests end class tls', async () => {
    const s = await httpServer((_req, res) => res.end('plain'));
    const t = target(`https://127.0.0.1:${s.port}/`, {}, 2);
    expect(await t.preconnect(2)).toBe(0);
    expect(await send(t)).toMatchObject({ kind: 'error', errorClass: 'tls' });
  });

  it('a stop ends the wait at once and starts no more sockets', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const t = target(s.url, {}, 40);
    const stop = new AbortController();
    const opening = t.preconnect(40, stop.signal);
    stop.abort();
    expect(await opening).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.connections()).toBeLessThanOrEqual(MAX_CONNECTING_LOOPBACK);
    const stopped = new AbortController();
    stopped.abort();
    expect(await target(s.url, {}, 4).preconnect(4, stopped.signal)).toBe(0);
  });

  it(`on loopback at most ${MAX_CONNECTING_LOOPBACK} sockets are being opened at once`, async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const pool = new HttpPool(s.url, { maxConnections: 64, maxConnecting: MAX_CONNECTING_LOOPBACK, client: { pipelining: 1 }, connectTimeoutMs: 5000 });
    let peak = 0;
    s.onConnection(() => (peak = Math.max(peak, pool.connecting)));
    try {
      const outs = await Promise.all(Array.from({ length: 40 }, () => pooled(pool, s.url)));
      expect(outs.every((status) => status === 200)).toBe(true);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(MAX_CONNECTING_LOOPBACK);
      expect(s.connections()).toBeGreaterThan(MAX_CONNECTING_LOOPBACK);
    } finally {
      await pool.close();
    }
  });
});

/** Waits (at most 2 s) until the server has accepted `n` sockets: its accept can come after the client's connect. */
async function accepted(s: { connections: () => number }, n: number): Promise<void> {
  for (let waited = 0; s.connections() < n && waited < 2000; waited += 5) await new Promise((r) => setTimeout(r, 5));
}

/** One GET through the pool alone; resolves with the status, or 0 on an error. */
function pooled(pool: HttpPool, origin: string): Promise<number> {
  return new Promise((resolve) => {
    let status = 0;
    const request: PooledRequest = {
      options: { origin, path: '/', method: 'GET' },
      connection: undefined,
      waitingSince: -1,
      waitedMs: 0,
      settled: false,
      fail: () => resolve(0),
      onConnect: () => undefined,
      onHeaders: (code: number) => ((status = code), true),
      onData: () => true,
      onComplete: () => {
        request.connection?.release();
        resolve(status);
      },
      onError: () => {
        request.connection?.release();
        resolve(0);
      },
    };
    pool.dispatch(request);
  });
}

describe('HTTP target: closed model through the runner (next request sent from the completion callback)', () => {
  it('every iteration answered, on no more sockets than workers', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const t = target(s.url, {}, 6);
    const rec = await new Runner({ load: { model: 'closed', concurrency: 6, iterations: 600 }, target: t }).run();
    expect(rec.status).toBe('completed');
    expect(rec.recorder.counts).toMatchObject({ sent: 600, ok: 600, errors: 0 });
    expect(s.connections()).toBeLessThanOrEqual(6);
  });

  it('connections reset between answers: every iteration ends, as ok or reset, nothing thrown', async () => {
    let n = 0;
    const s = await httpServer((req, res) => {
      if (n++ % 3 === 2) req.socket.destroy();
      else res.end('ok');
    });
    const t = target(s.url, {}, 4);
    const rec = await new Runner({ load: { model: 'closed', concurrency: 4, iterations: 300 }, target: t }).run();
    expect(rec.status).toBe('completed');
    expect(rec.recorder.counts.ok + rec.recorder.counts.errors).toBe(300);
    expect(rec.recorder.counts.errors).toBeGreaterThanOrEqual(90);
    expect([...rec.recorder.errors.keys()]).toEqual(['reset']);
    await new Promise((r) => setTimeout(r, 50));
    expect(rejections).toEqual([]);
  });

  it('refused connections: the workers keep going until the iterations are used up', async () => {
    const port = await refusedPort();
    const t = target(`http://127.0.0.1:${port}`, {}, 3);
    const rec = await new Runner({ load: { model: 'closed', concurrency: 3, iterations: 60 }, target: t }).run();
    expect(rec.recorder.counts).toMatchObject({ sent: 60, errors: 60 });
    expect(Object.fromEntries(rec.recorder.errors)).toEqual({ 'connect-refused': 60 });
  });
});

describe('HTTP target: cold-start header', () => {
  it.each([
    ['true', 'cold'],
    ['TRUE', 'cold'],
    ['1', 'cold'],
    ['yes', 'cold'],
    ['Cold', 'cold'],
    ['false', 'warm'],
    ['0', 'warm'],
    ['warm', 'warm'],
    [undefined, 'unknown'],
  ] as const)('x-cold-start: %s -> %s', async (value, start) => {
    const s = await httpServer((_req, res) => {
      if (value !== undefined) res.setHeader('X-Cold-Start', value);
      res.end();
    });
    const out = await send(target(s.url, { coldStartHeader: 'X-Cold-Start' }));
    expect(out).toMatchObject({ kind: 'ok', start, startReason: 'header X-Cold-Start' });
  });

  it('without the option, start is absent', async () => {
    const s = await httpServer((_req, res) => {
      res.setHeader('x-cold-start', 'true');
      res.end();
    });
    expect(await send(target(s.url))).toEqual({ kind: 'ok', status: 200 });
  });

  it.each([
    [['true', 'false'], 'cold'],
    [[], 'unknown'],
    [' yes ', 'cold'],
  ] as const)('startFromHeader(%j) -> %s', (value, start) => {
    expect(startFromHeader(value as string | string[])).toBe(start);
  });
});
