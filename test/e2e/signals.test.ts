/**
 * Ctrl-C (SIGINT) and SIGTERM at every stage of a run, sent to the real binary when its stderr
 * shows that the stage has begun: the HTTP warm-up, opening connections before the load, a
 * matrix configuration change (the original configuration is restored), and the drain at the
 * end of the load; SIGHUP at some, and a terminal that really hangs up (`script` gives the run a
 * terminal, then goes). Each ends with exit 130 and a saved result with status interrupted.
 *
 * A stage added later (reading the function's logs after the load, say) is tested the same
 * way: `interruptAt` with the step line it prints (run-profile's onStep), and the stage must end
 * its wait when the run's `stop` signal fires.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Server as TcpServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, coldbench } from '../helpers/bin.js';
import type { Ran } from '../helpers/bin.js';
import { descendants, gone, until } from '../helpers/procs.js';

let dir: string;
let slow: Server;
let slowUrl: string;
let silent: TcpServer;
let silentPort: number;
const held: Socket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-signals-'));
  // Answers after 20 s: a run that ends its schedule then waits for the answers (its drain).
  slow = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), 20_000).unref();
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  // Accepts connections and never speaks: a TLS handshake to it never ends.
  silent = createTcpServer((socket) => void held.push(socket));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  slow.closeAllConnections();
  await new Promise((r) => slow.close(r));
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** Runs `coldbench run` and sends `signal` once stderr shows `line`; resolves with the run and how long it took after the signal. */
async function interruptAt(profile: string, line: RegExp, signal: NodeJS.Signals, out: string, extra: string[] = []): Promise<Ran & { afterSignalMs: number }> {
  const file = join(dir, `${out}.yaml`);
  await writeFile(file, profile);
  let signalledAt = 0;
  const ran = await coldbench(['run', file, '--out', join(dir, out), '--no-progress', ...extra], {
    cwd: dir,
    timeoutMs: 60_000,
    onStderr: (all, child) => {
      if (signalledAt === 0 && line.test(all)) {
        signalledAt = Date.now();
        child.kill(signal);
      }
    },
  });
  expect(signalledAt, `never saw ${line} in:\n${ran.stderr}`).toBeGreaterThan(0);
  return { ...ran, afterSignalMs: Date.now() - signalledAt };
}

async function savedResults(out: string): Promise<Record<string, unknown>[]> {
  const files = (await readdir(join(dir, out))).filter((f) => f.endsWith('.json'));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, out, f), 'utf8')) as Record<string, unknown>));
}

const HTTP = (url: string, seconds = 30) => `name: sig\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { constant: { rate: 20, duration: ${seconds}s } } ] }\n`;

describe('a signal during', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('the HTTP warm-up (%s): exit 130, an interrupted result, nothing sent', async (signal) => {
    const ran = await interruptAt(HTTP(slowUrl), /warming up the HTTP client/, signal, `warm-up-${signal}`);
    expect(ran.code).toBe(130);
    expect(ran.afterSignalMs).toBeLessThan(10_000);
    const [result] = await savedResults(`warm-up-${signal}`);
    expect(result).toMatchObject({ status: 'interrupted', counts: { sent: 0 } });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('opening connections before the load (%s): the wait ends at once, exit 130', async (signal) => {
    // https to a server that never answers the handshake: the connections stay opening.
    const ran = await interruptAt(HTTP(`https://127.0.0.1:${silentPort}/`), /opening \d+ connection/, signal, `preconnect-${signal}`);
    expect(ran.code).toBe(130);
    expect(ran.afterSignalMs).toBeLessThan(5_000);
    const [result] = await savedResults(`preconnect-${signal}`);
    expect(result).toMatchObject({ status: 'interrupted', counts: { sent: 0 } });
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('the wait for answers after the last request (%s): stops within the drain bound, exit 130, the unanswered counted abandoned', async (signal) => {
    // 1 s of load against a server that answers after 20 s: the schedule ends, then the run waits.
    const ran = await interruptAt(HTTP(slowUrl, 1), /waiting for \d+ requests? still in flight/, signal, `drain-${signal}`, ['--format', 'json']);
    expect(ran.code).toBe(130);
    // Stopped while waiting: the stop's own bound (a few seconds) applies, not the answers' 20 s.
    expect(ran.afterSignalMs).toBeLessThan(12_000);
    const [result] = await savedResults(`drain-${signal}`);
    expect(result).toMatchObject({ status: 'interrupted', counts: { sent: 20, ok: 0, abandoned: 20 } });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('a matrix configuration change (%s): the original configuration is restored, exit 130', async (signal) => {
    const functions = resolve(import.meta.dirname, '../../profiles/functions');
    const profile = `name: msig
target:
  kind: lambda
  function: hello
  local: { functions: { hello: { handler: ${functions}/hello.handler, memory: 128 } } }
load: { phases: [ { constant: { rate: 5, duration: 5s } } ] }
matrix: { memory: [256, 512] }
`;
    const ran = await interruptAt(profile, /applying m256/, signal, `matrix-${signal}`);
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.stderr).toMatch(/restoring the original configuration/);
    const saved = await savedResults(`matrix-${signal}`);
    const matrix = saved.find((r) => r.kind === 'matrix') as { status: string; restore: { ok: boolean; functions: { function: string; original: { memoryMB: number }; ok: boolean }[] } };
    expect(matrix.status).toBe('interrupted');
    expect(matrix.restore).toEqual({ ok: true, functions: [expect.objectContaining({ function: 'hello', ok: true, original: expect.objectContaining({ memoryMB: 128 }) })] });
    // The configuration that was being applied ran nothing after the signal, and says so.
    const runs = saved.filter((r) => r.kind !== 'matrix');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'interrupted' });
  });

  /** 10 requests a second behind the emulator's function URL, starts read from its logs (readable 2 s after they are written). */
  const logsProfile = (name: string, seconds: number): string => `name: ${name}
target:
  kind: http
  url: /
  coldStart: { logs: { wait: 30s, poll: 500ms } }
  local:
    front: function-url
    function: hello
    functions: { hello: { handler: ${resolve(import.meta.dirname, '../../profiles/functions')}/hello.handler } }
load: { phases: [ { constant: { rate: 10, duration: ${seconds}s } } ] }
`;

  it.each(['SIGINT', 'SIGTERM'] as const)("reading the function's logs after the load (%s): the reading stops, exit 130", async (signal) => {
    // The lines become readable 2 s after they are written: the reading waits.
    const ran = await interruptAt(logsProfile('lsig', 1), /reading the function's logs: \d+ requests? not matched yet \(Ctrl-C stops waiting\)/, signal, `logs-${signal}`);
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.afterSignalMs).toBeLessThan(10_000);
    const [result] = await savedResults(`logs-${signal}`);
    expect(result).toMatchObject({ status: 'interrupted', counts: { sent: 10 }, logs: { stoppedEarly: true } });
  });

  it('the load of a run that reads its logs (SIGINT): the load stops, the lines of what it sent are still read, exit 130', async () => {
    const file = join(dir, 'logs-load.yaml');
    await writeFile(file, logsProfile('lload', 30));
    let signalledAt = 0;
    const ran = await coldbench(['run', file, '--out', join(dir, 'logs-load'), '--no-progress'], {
      cwd: dir,
      timeoutMs: 60_000,
      onStderr: (all, child) => {
        // The load starts once the logs are checked; it runs a few seconds before the signal.
        if (signalledAt === 0 && /checking the logs of/.test(all)) {
          signalledAt = -1;
          setTimeout(() => {
            signalledAt = Date.now();
            child.kill('SIGINT');
          }, 3000);
        }
      },
    });
    expect(signalledAt).toBeGreaterThan(0);
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.stderr).toMatch(/\(Ctrl-C again stops waiting\)/);
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
    const [result] = (await savedResults('logs-load')) as [{ status: string; counts: Record<string, number>; logs: Record<string, unknown> }];
    expect(result.status).toBe('interrupted');
    expect(result.counts.sent).toBeGreaterThan(10);
    expect(result.counts.sent).toBeLessThan(100);
    // Every request sent before the signal has its line read: none is left unknown.
    expect(result.counts.unknown).toBe(0);
    expect(result.logs).toMatchObject({ complete: true, stoppedEarly: false, unmatched: 0 });
  });
});

/** util-linux's `script`, which runs a command on a terminal of its own (Debian: bsdutils). */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a terminal that hangs up', () => {
  const can = process.platform === 'linux' && hasScript();
  if (!can) console.warn('SKIPPED: a terminal that hangs up (needs Linux and util-linux script)');
  it.runIf(can).each([
    // The workers' load starts a second after they are all ready.
    ['one process', [], /opening \d+ connection/, 1500],
    ['two workers, which ignore the hangup and stop when the parent says so', ['--workers', '2'], /starting the load at/, 2500],
  ] as const)('during the load (an SSH session closed), %s: the run stops, saves an interrupted result, and leaves no checkpoint', async (_, extra, started, inLoadMs) => {
    const file = join(dir, `hangup-${extra.length}.yaml`);
    const out = join(dir, `hangup-${extra.length}`);
    await writeFile(file, HTTP(slowUrl));
    const command = [process.execPath, BIN, 'run', file, '--out', out, '--no-progress', ...extra].map((a) => `'${a}'`).join(' ');
    // `script` holds the terminal; killed, it closes it: the kernel sends the run SIGHUP, and
    // each write to the terminal after that fails (EIO).
    const term = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    let seen = '';
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`the run never started its load:\n${seen}`)), 30_000);
      term.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (started.test(seen)) {
          clearTimeout(timer);
          ready();
        }
      });
    });
    await new Promise((r) => setTimeout(r, inLoadMs));
    // The run and its workers: none may outlive it.
    const processes = descendants(term.pid!);
    expect(processes.length).toBeGreaterThanOrEqual(extra.length > 0 ? 3 : 1);
    term.kill('SIGKILL');
    const deadline = Date.now() + 30_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = existsSync(out) ? (await readdir(out)).filter((f) => f.endsWith('.json')) : [];
      if (files.length === 1 && !files[0]!.endsWith('.partial.json')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(files).toHaveLength(1);
    expect(files[0]).not.toMatch(/\.partial\.json$/);
    const result = JSON.parse(await readFile(join(out, files[0]!), 'utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'interrupted' });
    expect((result as { counts: { sent: number } }).counts.sent).toBeGreaterThan(0);
    await until(() => processes.every(gone), 10_000);
    expect(processes.filter((pid) => !gone(pid))).toEqual([]);
  }, 70_000);
});
