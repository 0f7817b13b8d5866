/**
 * End to end: the real binary (bin/coldbench.js over dist/) against a node:http server on
 * loopback. `npm test` builds dist/ first.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldbench } from '../helpers/bin.js';
import { until } from '../helpers/procs.js';

let server: Server;
let url: string;
let dir: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    req.resume();
    setTimeout(() => res.end('ok'), 2);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-e2e-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function profile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, body);
  return file;
}

describe('coldbench binary', () => {
  it('runs a profile, prints a summary of what it measured, and saves the result file', async () => {
    const file = await profile('summary', `name: summary
target: { kind: http, url: "${url}" }
load:
  phases:
    - constant: { rate: 100, duration: 2s }
`);
    const out = join(dir, 'out-summary');
    // Unicode table borders (a UTF-8 locale, NO_COLOR unset): the rows are read by their │.
    const ran = await coldbench(['run', file, '--out', out, '--no-progress'], { cwd: dir, env: { NO_COLOR: '', LC_ALL: 'C.UTF-8' } });
    expect(ran.code, ran.stderr).toBe(0);
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^summary-\d{8}T\d{6}Z\.json$/);
    expect(ran.stderr).toContain(`result saved: ${join(out, files[0]!)}`);
    const result = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
    expect(result).toMatchObject({ status: 'completed', counts: { planned: 200, sent: 200, ok: 200, errors: 0 } });
    // The summary on stdout says the same as the file: status, counts, rates and latencies.
    const lines = ran.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^summary: completed in [\\d.]+ s \\(http ${url.replace(/[./]/g, '\\$&')}\\)$`));
    const row = (label: string) => lines.find((l) => l.includes(`│ ${label} `))?.split('│').map((c) => c.trim()).filter((c) => c !== '');
    expect(lines.find((l) => /│ 200 +│ 200 +│ 200 +│ 0 \(0\.00%\)/.test(l))).toBeDefined();
    expect(ran.stdout).toContain('100.0/s');
    const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
    const all = result.latency.all;
    expect(row('all')).toEqual(['all', '200', ms(all.p50), ms(all.p90), ms(all.p99), ms(all.p999), ms(all.max)]);
    expect(row('service time')?.[2]).toBe(ms(result.serviceTime.p50));
    expect(row('schedule lag')?.[2]).toBe(ms(result.scheduleLag.p50));
  });

  it('runs with --json: the result on stdout, human text on stderr, secrets hidden', async () => {
    const file = await profile('e2e', `name: e2e
target:
  kind: http
  url: ${url}
  headers: { authorization: "Bearer \${E2E_TOKEN}" }
load:
  phases:
    - constant: { rate: 100, duration: 2s }
`);
    const out = join(dir, 'out');
    const ran = await coldbench(['run', file, '--out', out, '--json'], { cwd: dir, env: { E2E_TOKEN: 'sekret-value-123' } });
    expect(ran.stderr).not.toContain('sekret-value-123');
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.stdout);
    expect(result).toMatchObject({ schemaVersion: 1, name: 'e2e', status: 'completed', counts: { planned: 200, sent: 200, ok: 200, errors: 0 } });
    expect(result.rate.target).toBe(100);
    expect(result.latency.all.p50).toBeGreaterThan(1);
    expect(ran.stdout).not.toContain('sekret-value-123');
    expect(seenAuth.filter((a) => a === 'Bearer sekret-value-123')).toHaveLength(200);
    expect(ran.stderr).toMatch(/^e2e: completed in/m);
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    const saved = await readFile(join(out, files[0]!), 'utf8');
    expect(saved).not.toContain('sekret-value-123');
    expect(JSON.parse(saved).counts.sent).toBe(200);
  });

  it('writes an HTML report with --html, with NO_COLOR an ASCII summary, and --json output unchanged', async () => {
    const file = await profile('e2e-html', `name: e2e-html
target: { kind: http, url: "${url}" }
load: { phases: [ { constant: { rate: 50, duration: 1s } } ] }
`);
    const page = join(dir, 'e2e.html');
    const ran = await coldbench(['run', file, '--no-save', '--json', '--html', page], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ name: 'e2e-html', counts: { sent: 50 } });
    expect(ran.stderr).toContain(`HTML report: ${page}`);
    expect(ran.stderr).toMatch(/req\/s {2}[ _.\-~=+*#]+ {2}max/);
    expect(ran.stderr).toMatch(/^[\x20-\x7e\n]*$/);
    const html = await readFile(page, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>coldbench: e2e-html</title>');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('saves an interrupted result and exits 130 on %s', async (signal) => {
    const file = await profile(`long-${signal}`, `name: long
target: { kind: http, url: "${url}" }
load:
  phases:
    - constant: { rate: 50, duration: 60s }
`);
    const out = join(dir, `out-${signal}`);
    const started = Date.now();
    const before = seenAuth.length;
    const ran = await coldbench(['run', file, '--out', out], {
      cwd: dir,
      // Once the load is under way (the server has seen 20 of its requests).
      onSpawn: (child) => void until(() => seenAuth.length - before >= 20, 30_000).then(() => child.kill(signal)),
    });
    expect(ran.code).toBe(130);
    expect(ran.stderr).toContain(`${signal}: stopping`);
    expect(Date.now() - started).toBeLessThan(40_000);
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
    expect(result.status).toBe('interrupted');
    expect(result.counts.sent).toBeGreaterThanOrEqual(20);
    expect(result.counts.sent).toBeLessThan(3000);
    expect(result.counts.sent).toBe(result.counts.ok);
  }, 60_000);

  it('cancels requests in flight on a second SIGINT and still saves a valid result', async () => {
    let arrived = 0;
    const hang = createServer(() => void arrived++);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    const file = await profile('hang', `name: hang
target: { kind: http, url: "http://127.0.0.1:${port}/", timeout: 60s }
load: { phases: [ { constant: { rate: 20, duration: 60s } } ] }
`);
    const out = join(dir, 'out-hang');
    let signalledAt = 0;
    const ran = await coldbench(['run', file, '--out', out], {
      cwd: dir,
      // Once requests are in flight: a first SIGINT, then a second one half a second later.
      onSpawn: (child) =>
        void until(() => arrived >= 5, 30_000).then(() => {
          child.kill('SIGINT');
          setTimeout(() => {
            signalledAt = Date.now();
            child.kill('SIGINT');
          }, 500);
        }),
    });
    hang.closeAllConnections();
    await new Promise((r) => hang.close(r));
    expect(ran.code).toBe(130);
    expect(signalledAt).toBeGreaterThan(0);
    expect(Date.now() - signalledAt).toBeLessThan(4000);
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const result = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
    expect(result.status).toBe('interrupted');
    // The server never answers: every request sent was still in flight when the run stopped.
    expect(result.counts.abandoned).toBeGreaterThan(0);
    expect(result.counts.abandoned).toBe(result.counts.sent);
    expect(result.counts.ok + result.counts.errors).toBe(0);
  });

  it('reports every profile problem with its path and line, exit 2, no stack trace', async () => {
    const file = await profile('bad', `name: bad
target: { kind: http, url: "${url}" }
load:
  phases:
    - constant: { rate: -5, duration: 10s }
    - ramp: { from: 1, too: 5, duration: 1m }
`);
    const ran = await coldbench(['validate', file], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/load\.phases\[0\]\.constant\.rate: .*\(line 5\)/);
    expect(ran.stderr).toMatch(/load\.phases\[1\]\.ramp.*too.*\(line 6\)/);
    expect(ran.stderr).not.toMatch(/\s+at .*\.js:\d+/);
  });

  it('exits 2 on bad usage and 1 when the target is unreachable', async () => {
    expect((await coldbench(['run'], { cwd: dir })).code).toBe(2);
    expect((await coldbench(['frobnicate'], { cwd: dir })).code).toBe(2);
    expect((await coldbench(['run', join(dir, 'missing.yaml')], { cwd: dir })).code).toBe(2);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const file = await profile('refused', `name: refused
target: { kind: http, url: "http://127.0.0.1:${port}/" }
load: { phases: [ { constant: { rate: 20, duration: 1s } } ] }
`);
    const ran = await coldbench(['run', file, '--out', join(dir, 'out-refused')], { cwd: dir });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/unreachable.*connect-refused/);
  });

  it('gates on thresholds: exit 3 when one fails, and stops early on an abortOnFail rule', async () => {
    const file = await profile('gated', `name: gated
target: { kind: http, url: "${url}" }
load: { phases: [ { constant: { rate: 50, duration: 1s } } ] }
thresholds:
  - "errors.count == 0"
  - "all.p50 < 0.001ms"
`);
    const ran = await coldbench(['run', file, '--out', join(dir, 'out-gated'), '--json'], { cwd: dir });
    expect(ran.code).toBe(3);
    const result = JSON.parse(ran.stdout);
    expect(result.thresholds).toEqual([
      { rule: 'errors.count == 0', actual: 0, pass: true },
      expect.objectContaining({ rule: 'all.p50 < 0.001ms', pass: false }),
    ]);
    expect(ran.stderr).toContain('thresholds failed: all.p50 < 0.001ms');

    const bad = await profile('badrule', `name: badrule
target: { kind: http, url: "${url}" }
load: { phases: [ { constant: { rate: 50, duration: 1s } } ] }
thresholds:
  - "warm.p42 < 10ms"
`);
    const invalid = await coldbench(['validate', bad], { cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/thresholds\[0\]: .*\(line 5\)/);

    const failing = createServer((req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    const port = (failing.address() as AddressInfo).port;
    const abort = await profile('abort', `name: abort
target: { kind: http, url: "http://127.0.0.1:${port}/" }
load: { phases: [ { constant: { rate: 50, duration: 30s } } ] }
thresholds:
  - { rule: "errors.count < 10", abortOnFail: true }
`);
    const started = Date.now();
    const aborted = await coldbench(['run', abort, '--out', join(dir, 'out-abort'), '--json'], { cwd: dir });
    failing.closeAllConnections();
    await new Promise((r) => failing.close(r));
    expect(aborted.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
    const r = JSON.parse(aborted.stdout);
    expect(r.status).toBe('aborted');
    expect(r.counts.sent).toBeLessThan(200);
  });

  it('parses Lambda platform log lines from standard input into NDJSON', async () => {
    const lines = [
      'START RequestId: 8f507cfc-5a4c-4c3a-8e1a-2b2b6b1b1a11 Version: $LATEST',
      'some function output that is not a platform line',
      'REPORT RequestId: 8f507cfc-5a4c-4c3a-8e1a-2b2b6b1b1a11\tDuration: 12.34 ms\tBilled Duration: 170 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 156.78 ms\t',
      '{"time":"2024-01-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"abc","status":"success","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":256,"maxMemoryUsedMB":70}}}',
    ].join('\n');
    const ran = await coldbench(['logs', 'parse', '-'], { cwd: dir, input: lines });
    expect(ran.code).toBe(0);
    const records = ran.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ type: 'start', requestId: '8f507cfc-5a4c-4c3a-8e1a-2b2b6b1b1a11', version: '$LATEST' });
    expect(records[1]).toMatchObject({ type: 'report', durationMs: 12.34, billedDurationMs: 170, memorySizeMB: 128, maxMemoryUsedMB: 64, initDurationMs: 156.78 });
    expect(records[2]).toMatchObject({ type: 'report', requestId: 'abc', durationMs: 1.5, status: 'success' });
  });
});
