/**
 * End to end: the real binary (bin/coldbench.js over dist/) against a node:http server on
 * loopback. `npm test` builds dist/ first.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/coldbench.js');

interface Ran { code: number | null; stdout: string; stderr: string }

function coldbench(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string; onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void }): Promise<Ran> {
  return new Promise((resolveRan, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolveRan({ code, stdout, stderr }));
    opts.onSpawn?.((sig) => child.kill(sig));
  });
}

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
  it('runs a profile, prints a summary, saves a result file, and hides secrets', async () => {
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
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^e2e-\d{8}T\d{6}Z\.json$/);
    const saved = await readFile(join(out, files[0]!), 'utf8');
    expect(saved).not.toContain('sekret-value-123');
    expect(JSON.parse(saved).counts.sent).toBe(200);
    expect(ran.stderr).toContain('result saved');
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

  it('saves an interrupted result and exits 130 on SIGINT', async () => {
    const file = await profile('long', `name: long
target: { kind: http, url: "${url}" }
load:
  phases:
    - constant: { rate: 50, duration: 60s }
`);
    const out = join(dir, 'out-int');
    const started = Date.now();
    const ran = await coldbench(['run', file, '--out', out], {
      cwd: dir,
      onSpawn: (kill) => setTimeout(() => kill('SIGINT'), 2500),
    });
    expect(ran.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(20_000);
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
    expect(result.status).toBe('interrupted');
    expect(result.counts.sent).toBeGreaterThan(10);
    expect(result.counts.sent).toBeLessThan(3000);
    expect(result.counts.sent).toBe(result.counts.ok);
  });

  it('cancels requests in flight on a second SIGINT and still saves a valid result', async () => {
    const hang = createServer(() => undefined);
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
      onSpawn: (kill) => {
        setTimeout(() => kill('SIGINT'), 2000);
        setTimeout(() => { signalledAt = Date.now(); kill('SIGINT'); }, 2500);
      },
    });
    hang.closeAllConnections();
    await new Promise((r) => hang.close(r));
    expect(ran.code).toBe(130);
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
