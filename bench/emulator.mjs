// Benchmarks of the built-in Lambda emulator (issue 3), against its own targets:
//   1. a warm Invoke of a no-op handler adds at most 1 ms at p50 over calling the handler
//      in-process (raw keep-alive HTTP client; the SDK path is shown next to it);
//   2. at least 2,000 warm invokes/s, closed model, 10 concurrent, reserved concurrency 10;
//   3. the emulator's cold-start overhead beyond Node's own process start is under 20 ms:
//      median Init Duration of a no-op function minus the median spawn-to-first-output time of
//      `node --max-old-space-size=<memory> -e ...` (same binary, same flags, same spawn options),
//      the two sampled alternately in the same run.
//   4. (logs) after the throughput runs, every invocation's REPORT line is read back from the
//      emulator's CloudWatch Logs API (FilterLogEvents, "REPORT RequestId", all pages): how many,
//      how fast, and none missing.
// The emulator runs as `coldbench emulator` (the compiled CLI: run `npm run build` first).
// Every measurement is repeated (--runs, default 3); the verdicts use the median of the runs,
// and each number is printed with the 1-minute load average it was taken under.
//
//   node bench/emulator.mjs [--runs 3] [--count 2000] [--seconds 5] [--cold 10]
//                           [--only latency,throughput,cold,logs] [--pin]   (--pin: client on core 0,
//                           emulator and its environments on core 1)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const NOOP_HANDLER = join(repoRoot, 'bench', 'functions', 'noop-handler.mjs');
const NOOP_HANDLER_CJS = join(repoRoot, 'bench', 'functions', 'noop-handler.cjs');
// 1,769 MB is one full vCPU on Lambda: should the emulator give environments a CPU share by memory
// size, a no-op function still runs unthrottled, and the benchmark measures the emulator itself.
export const COLD_MEMORY_MB = 1769;

// ---------------------------------------------------------------- helpers (also used by lambda-target.mjs)

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Quantile by the nearest-rank rule on a copy; null for no samples. */
export function quantile(xs, p) {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))];
}
export const median = (xs) => quantile(xs, 0.5);
export const fmt = (x, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(digits));
export const load1 = () => Number(loadavg()[0].toFixed(2));

/** `taskset -c <core> cmd ...` when a core is given. */
export function pinned(core, cmd, args) {
  return core === undefined || core === null ? [cmd, args] : ['taskset', ['-c', String(core), cmd, ...args]];
}

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Spawn a tracked child (killed if this harness exits first). */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a Node script to completion; resolves with its stdout, rejects on a non-zero exit or timeout. */
export async function runNode(script, args, { core, env, timeoutMs = 300_000 } = {}) {
  const [cmd, argv] = pinned(core, process.execPath, [script, ...args]);
  const child = track(spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env }));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} ended with ${code ?? signal}: ${err.slice(-2000)}`);
  return out;
}

export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts `coldbench emulator` on a temporary profile with the given local functions (each runs
 * the no-op handler), optionally pinned to a core; resolves once it answers.
 */
export async function startEmulatorCli({ functions, core }) {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-bench-emu-'));
  copyFileSync(NOOP_HANDLER, join(dir, 'noop.mjs'));
  copyFileSync(NOOP_HANDLER_CJS, join(dir, 'noopcjs.cjs'));
  const profile = {
    name: 'bench-emulator',
    target: { kind: 'lambda', function: Object.keys(functions)[0], payload: {}, local: { functions } },
    load: { model: 'closed', concurrency: 1, duration: '1s' },
  };
  const file = join(dir, 'emulator.yaml');
  writeFileSync(file, stringify(profile));
  const port = await freePort();
  const [cmd, argv] = pinned(core, process.execPath, [join(repoRoot, 'bin', 'coldbench.js'), 'emulator', file, '--port', String(port)]);
  const child = track(spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${endpoint}/_emulator/environments`).then((r) => r.arrayBuffer().then(() => r.ok), () => false);
    if (ok) break;
    if (i > 150 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`coldbench emulator did not start (run npm run build?): ${err}`);
    }
    await sleep(100);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { endpoint, pid: child.pid, stop };
}

/** A function definition for startEmulatorCli: the no-op as an ES module (default) or CommonJS. */
export function noopFunction(extra = {}, module = 'esm') {
  return { handler: module === 'cjs' ? 'noopcjs.handler' : 'noop.handler', memory: COLD_MEMORY_MB, timeout: '3s', ...extra };
}

/** Live environments of `fn`, from the emulator's ground truth. */
export async function liveEnvironments(endpoint, fn) {
  const list = await (await fetch(`${endpoint}/_emulator/environments`)).json();
  return list.filter((e) => e.function === fn && e.retiredAt === undefined).length;
}

/** REPORT Duration and Init Duration (ms) from a decoded log tail (text or JSON format). */
export function reportTimes(tail) {
  const d = /REPORT RequestId: \S+\s+Duration: ([\d.]+) ms/.exec(tail) ?? /"durationMs":\s*([\d.]+)/.exec(tail);
  const i = /Init Duration: ([\d.]+) ms/.exec(tail) ?? /"initDurationMs":\s*([\d.]+)/.exec(tail);
  return { durationMs: d ? Number(d[1]) : null, initMs: i ? Number(i[1]) : null };
}

/**
 * Three ways to Invoke `fn` at `endpoint`, each resolving with { durationMs, throttled } (REPORT
 * Duration from the log tail) and never rejecting for a throttle:
 *   raw     undici Pool, keep-alive, `connections` sockets, POST with X-Amz-Log-Type: Tail;
 *   sdk     @aws-sdk/client-lambda InvokeCommand, keep-alive agent sized to `connections`;
 *   target  coldbench's LambdaTarget with `client: fast` (the default: the SDK's request signed
 *           by its signer, sent through coldbench's pool), plus parsing and classifying the tail;
 *   targetSdk  the same with `client: sdk` (the SDK's InvokeCommand, as `coldbench run` configures it).
 */
export async function invokers(endpoint, fn, connections) {
  const { Pool } = await import('undici');
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const { Agent } = await import('node:http');
  const { createLambdaTarget } = await import('../dist/targets/lambda.js');

  const pool = new Pool(endpoint, { connections, keepAliveTimeout: 60_000 });
  const path = `/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`;
  const body = Buffer.from('{}');
  const raw = async () => {
    const res = await pool.request({ method: 'POST', path, body, headers: { 'x-amz-log-type': 'Tail', 'content-type': 'application/json' } });
    await res.body.arrayBuffer();
    if (res.statusCode === 429) return { throttled: true };
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    return reportTimes(Buffer.from(String(res.headers['x-amz-log-result'] ?? ''), 'base64').toString('utf8'));
  };

  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const sdkClient = new LambdaClient({ endpoint, region: 'us-east-1', maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
  const sdk = async () => {
    try {
      const out = await sdkClient.send(new InvokeCommand({ FunctionName: fn, Payload: body, LogType: 'Tail' }));
      return reportTimes(Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'));
    } catch (err) {
      if (err?.name === 'TooManyRequestsException') return { throttled: true };
      throw err;
    }
  };

  const signal = new AbortController().signal;
  let seq = 0;
  const lambdaTargets = [];
  const targetOf = async (client) => {
    const lambdaTarget = await createLambdaTarget({ kind: 'lambda', function: fn, endpoint, region: 'us-east-1', payload: '{}', timeoutMs: 10_000, client }, { connections });
    await lambdaTarget.preflight();
    lambdaTargets.push(lambdaTarget);
    return async () => {
      const o = await lambdaTarget.send({ seq: seq++, signal });
      if (o.kind === 'throttled') return { throttled: true };
      if (o.kind === 'error') throw new Error(o.errorClass);
      return { durationMs: o.report?.durationMs ?? null };
    };
  };
  const target = await targetOf('fast');
  const targetSdk = await targetOf('sdk');

  const close = async () => {
    await pool.close();
    sdkClient.destroy();
    agent.destroy();
    for (const t of lambdaTargets) await t.close();
  };
  return { raw, sdk, target, targetSdk, close };
}

/** The client children need credentials to sign; the emulator does not check them. */
export const clientEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };

/** Runs this file's client mode (below) in a child, pinned when asked; parses its JSON. */
async function client(core, args) {
  return JSON.parse(await runNode(SELF, ['--client', ...args], { core, env: clientEnv }));
}

// ---------------------------------------------------------------- the benchmark

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      runs: { type: 'string', default: '3' },
      count: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
      cold: { type: 'string', default: '10' },
      only: { type: 'string', default: 'latency,throughput,cold,logs' },
      pin: { type: 'boolean', default: false },
    },
  });
  return {
    runs: Number(values.runs),
    count: Number(values.count),
    seconds: Number(values.seconds),
    coldSamples: Number(values.cold),
    only: values.only.split(','),
    toolCore: values.pin ? 0 : null,
    serverCore: values.pin ? 1 : null,
  };
}

export async function main(argv = process.argv.slice(2)) {
  const opt = options(Array.isArray(argv) ? argv : []);
  const runs = [];
  for (let r = 0; r < opt.runs; r++) {
    const emu = await startEmulatorCli({
      core: opt.serverCore,
      functions: {
        noop: noopFunction({ concurrency: 10, idleTimeout: '10m' }),
        noopcold: noopFunction({ idleTimeout: '100ms' }),
        noopcoldcjs: noopFunction({ idleTimeout: '100ms' }, 'cjs'),
      },
    });
    const run = { run: r + 1 };
    try {
      if (opt.only.includes('latency')) {
        run.latency = { load1: load1(), ...(await client(opt.toolCore, ['latency', '--endpoint', emu.endpoint, '--count', String(opt.count)])) };
      }
      if (opt.only.includes('throughput')) {
        for (const via of ['raw', 'sdk']) {
          const loadBefore = load1();
          const t = await client(opt.toolCore, ['throughput', '--endpoint', emu.endpoint, '--via', via, '--concurrency', '10', '--seconds', String(opt.seconds)]);
          run[`throughput_${via}`] = { load1: loadBefore, ...t, environments: await liveEnvironments(emu.endpoint, 'noop') };
        }
      }
      if (opt.only.includes('logs') && opt.only.includes('throughput')) run.logs = { load1: load1(), ...(await readReports(emu.endpoint, 'noop')) };
      if (opt.only.includes('cold')) run.cold = { load1: load1(), ...(await coldStarts(emu.endpoint, opt.serverCore, opt.coldSamples)) };
    } finally {
      await emu.stop();
    }
    runs.push(run);
    console.error(`run ${r + 1}/${opt.runs} done (load ${load1()})`);
  }
  return report(runs, opt);
}

/**
 * Cold starts, alternating: one Init Duration of the no-op as an ES module (`noopcold`) and as
 * CommonJS (`noopcoldcjs`) (their idle timeout is 100 ms, so after 300 ms of quiet the next
 * Invoke is cold), then one baseline sample of each kind from a spawner that runs where the
 * emulator runs (same core when pinned).
 */
async function coldStarts(endpoint, core, samples) {
  const spawner = startSpawner(core);
  const out = { initMs: [], initCjsMs: [], nodeStartMs: [], nodeHttpMs: [], coldLatencyMs: [], warmLatencyMs: [] };
  try {
    for (let i = 0; i < samples + 1; i++) {
      await sleep(300);
      const cold = await invokeOnce(endpoint, 'noopcold');
      const warm = await invokeOnce(endpoint, 'noopcold');
      const coldCjs = await invokeOnce(endpoint, 'noopcoldcjs');
      const base = await spawner.sample('e');
      const http = await spawner.sample('http');
      if (i === 0) continue; // first round warms the page cache and the spawner
      if (cold.initMs === null || coldCjs.initMs === null) throw new Error('an invoke after the idle timeout was not cold: no Init Duration');
      out.initMs.push(cold.initMs);
      out.initCjsMs.push(coldCjs.initMs);
      out.coldLatencyMs.push(cold.latencyMs);
      if (warm.initMs === null) out.warmLatencyMs.push(warm.latencyMs);
      out.nodeStartMs.push(base);
      out.nodeHttpMs.push(http);
    }
  } finally {
    spawner.close();
  }
  return out;
}

/**
 * Reads every REPORT line of `fn` back through the Logs API, once the default 2 s ingestion
 * delay has passed, and counts them against the ground truth's invocations that ran.
 */
async function readReports(endpoint, fn) {
  await sleep(2100);
  const truth = await (await fetch(`${endpoint}/_emulator/invocations?function=${fn}`)).json();
  const ran = truth.filter((i) => i.status !== 'throttled').length;
  const t = performance.now();
  let pages = 0;
  let reports = 0;
  let nextToken;
  do {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.FilterLogEvents' },
      body: JSON.stringify({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"REPORT RequestId"', ...(nextToken && { nextToken }) }),
    });
    const page = await res.json();
    if (res.status !== 200) throw new Error(`FilterLogEvents: HTTP ${res.status} ${JSON.stringify(page)}`);
    pages += 1;
    reports += page.events.length;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  const ms = performance.now() - t;
  return { invocations: ran, reports, pages, ms, reportsPerSec: reports / (ms / 1000) };
}

async function invokeOnce(endpoint, fn) {
  const t = performance.now();
  const res = await fetch(`${endpoint}/2015-03-31/functions/${fn}/invocations`, { method: 'POST', body: '{}', headers: { 'x-amz-log-type': 'Tail' } });
  await res.arrayBuffer();
  const latencyMs = performance.now() - t;
  if (res.status !== 200) throw new Error(`invoke ${fn}: HTTP ${res.status}`);
  return { latencyMs, ...reportTimes(Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8')) };
}

/** A long-lived child that takes one baseline sample per line on its stdin and answers with a line. */
function startSpawner(core) {
  const [cmd, argv] = pinned(core, process.execPath, [SELF, '--client', 'spawner']);
  const child = track(spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'inherit'] }));
  child.stdout.setEncoding('utf8');
  let buffered = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiters.shift()?.(Number(line));
    }
  });
  return {
    sample(kind) {
      child.stdin.write(`${kind}\n`);
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      child.stdin.end();
    },
  };
}

function report(runs, opt) {
  const pick = (f) => runs.map(f).filter((x) => x !== null && x !== undefined);
  const lines = [];
  const say = (s) => {
    lines.push(s);
    console.log(s);
  };
  const verdict = (ok, text) => say(`${ok === null ? 'NOT RUN ' : ok ? 'MET     ' : 'NOT MET '} ${text}`);
  say(`node ${process.version}, ${runs.length} runs, ${opt.toolCore === null ? 'unpinned' : 'client on core 0, emulator on core 1'}`);
  for (const r of runs) {
    const L = r.latency;
    if (L) {
      say(`run ${r.run} latency (load ${L.load1}): p50 in-process ${fmt(L.inProcess.p50, 4)} ms, raw Invoke ${fmt(L.raw.p50, 3)} ms (beyond REPORT ${fmt(L.raw.beyondReportP50, 3)}), SDK Invoke ${fmt(L.sdk.p50, 3)} ms (beyond REPORT ${fmt(L.sdk.beyondReportP50, 3)}); p99 raw ${fmt(L.raw.p99, 3)}, SDK ${fmt(L.sdk.p99, 3)}; added p50 ${fmt(L.addedP50Ms, 3)} ms`);
    }
    for (const via of ['raw', 'sdk']) {
      const t = r[`throughput_${via}`];
      if (t) say(`run ${r.run} throughput ${via} (load ${t.load1}): ${fmt(t.invokesPerSec, 0)} invokes/s, ${t.errors} errors, ${t.throttles} throttles, ${t.environments} environments, client CPU ${fmt(t.cpuUsPerInvoke, 0)} us/invoke`);
    }
    const g = r.logs;
    if (g) say(`run ${r.run} logs (load ${g.load1}): ${g.reports} REPORT lines of ${g.invocations} invocations read in ${fmt(g.ms, 0)} ms, ${g.pages} pages, ${fmt(g.reportsPerSec, 0)} lines/s`);
    const c = r.cold;
    if (c) {
      say(`run ${r.run} cold (load ${c.load1}, ${c.initMs.length} samples): median Init Duration ES module ${fmt(median(c.initMs))} ms, CommonJS ${fmt(median(c.initCjsMs))} ms; node -e start ${fmt(median(c.nodeStartMs))} ms, node + first HTTP request ${fmt(median(c.nodeHttpMs))} ms; cold invoke ${fmt(median(c.coldLatencyMs))} ms, warm ${fmt(median(c.warmLatencyMs))} ms; overhead ESM ${fmt(median(c.initMs) - median(c.nodeStartMs))} ms, CJS ${fmt(median(c.initCjsMs) - median(c.nodeStartMs))} ms`);
    }
  }
  const added = median(pick((r) => r.latency?.addedP50Ms));
  const rawRate = median(pick((r) => r.throughput_raw?.invokesPerSec));
  const sdkRate = median(pick((r) => r.throughput_sdk?.invokesPerSec));
  const coldOverhead = median(pick((r) => (r.cold ? median(r.cold.initMs) - median(r.cold.nodeStartMs) : null)));
  const coldOverheadCjs = median(pick((r) => (r.cold ? median(r.cold.initCjsMs) - median(r.cold.nodeStartMs) : null)));
  say(`median of runs: added p50 ${fmt(added, 3)} ms; ${fmt(rawRate, 0)} invokes/s raw, ${fmt(sdkRate, 0)} via SDK; cold-start overhead ${fmt(coldOverhead)} ms (ES module), ${fmt(coldOverheadCjs)} ms (CommonJS)`);
  verdict(added === null ? null : added <= 1, `warm Invoke adds <= 1 ms at p50 over an in-process call: ${fmt(added, 3)} ms`);
  verdict(rawRate === null ? null : rawRate >= 2000, `>= 2,000 warm invokes/s, 10 concurrent, 10 environments: ${fmt(rawRate, 0)}/s (raw HTTP client)`);
  const logRuns = pick((r) => r.logs);
  verdict(logRuns.length === 0 ? null : logRuns.every((g) => g.reports === g.invocations), `every invocation's REPORT line is read back from the Logs API: ${logRuns.map((g) => `${g.reports}/${g.invocations}`).join(', ')}`);
  verdict(coldOverhead === null ? null : coldOverhead < 20, `cold-start overhead beyond Node's process start < 20 ms, ES module no-op: ${fmt(coldOverhead)} ms`);
  verdict(coldOverheadCjs === null ? null : coldOverheadCjs < 20, `cold-start overhead beyond Node's process start < 20 ms, CommonJS no-op: ${fmt(coldOverheadCjs)} ms`);
  return { runs, verdicts: lines.filter((l) => /^(MET|NOT)/.test(l)) };
}

// ---------------------------------------------------------------- client modes (run as children)

async function clientMain(mode, argv) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      endpoint: { type: 'string' },
      count: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '10' },
      via: { type: 'string', default: 'raw' },
    },
  });
  if (mode === 'spawner') return spawnerLoop();
  const concurrency = Number(values.concurrency);
  const inv = await invokers(values.endpoint, 'noop', concurrency);
  try {
    if (mode === 'latency') return await latencyClient(inv, Number(values.count));
    if (mode === 'throughput') return await throughputClient(inv[values.via], concurrency, Number(values.seconds));
    throw new Error(`unknown client mode ${mode}`);
  } finally {
    await inv.close();
  }
}

/** Sequential warm calls, the three kinds interleaved so a change of machine load hits all alike. */
async function latencyClient(inv, count) {
  const { handler } = await import(NOOP_HANDLER);
  const context = { awsRequestId: 'in-process', getRemainingTimeInMillis: () => 3000 };
  const inProcess = async () => {
    await handler({}, context);
    return null;
  };
  const kinds = { inProcess, raw: inv.raw, sdk: inv.sdk };
  const lat = { inProcess: [], raw: [], sdk: [] };
  const beyond = { inProcess: [], raw: [], sdk: [] };
  for (let i = 0; i < 200; i++) for (const k of Object.keys(kinds)) await kinds[k]();
  for (let i = 0; i < count; i++) {
    for (const [k, call] of Object.entries(kinds)) {
      const t = performance.now();
      const r = await call();
      const ms = performance.now() - t;
      lat[k].push(ms);
      if (r?.durationMs != null) beyond[k].push(ms - r.durationMs);
    }
  }
  const s = (k) => ({ p50: median(lat[k]), p90: quantile(lat[k], 0.9), p99: quantile(lat[k], 0.99), beyondReportP50: median(beyond[k]) });
  return { count, inProcess: s('inProcess'), raw: s('raw'), sdk: s('sdk'), addedP50Ms: median(lat.raw) - median(lat.inProcess) };
}

/** Closed model: `concurrency` workers, each sends its next Invoke when the last one ends. */
export async function throughputClient(call, concurrency, seconds) {
  for (let i = 0; i < 100; i++) await call();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < 20; i++) await call(); // every environment warm before the clock starts
  }));
  let ok = 0;
  let errors = 0;
  let throttles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const endAt = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < endAt) {
      const r = await call().catch(() => ({ error: true }));
      if (r?.throttled) throttles++;
      else if (r?.error) errors++;
      else ok++;
    }
  }));
  const elapsedSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { concurrency, seconds: elapsedSec, ok, errors, throttles, invokesPerSec: ok / elapsedSec, cpuUsPerInvoke: (cpu.user + cpu.system) / Math.max(1, ok + errors + throttles) };
}

/**
 * Baselines for the cold start, spawned exactly as the emulator spawns an environment (same
 * binary, same heap flag, own process group, three pipes), timed from spawn to the first byte
 * the child writes:
 *   e     `node -e` writing one byte: Node's process start;
 *   http  an ES module that imports node:http and sends one GET to a local server: the least a
 *         Node runtime speaking the Runtime API has to do before its first /next poll.
 */
async function spawnerLoop() {
  const { createServer: createHttpServer } = await import('node:http');
  const server = createHttpServer((req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}/`;
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-bench-spawn-'));
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, "import { get } from 'node:http';\nget(process.env.PROBE_URL, (res) => { res.resume(); process.stdout.write('.'); });\n");
  const flags = [`--max-old-space-size=${COLD_MEMORY_MB}`];
  const argsOf = { e: [...flags, '-e', "process.stdout.write('.')"], http: [...flags, probe] };
  let pending = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const kind = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const t = performance.now();
      const child = spawn(process.execPath, argsOf[kind], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { PATH: process.env.PATH, PROBE_URL: url } });
      await once(child.stdout, 'data');
      const ms = performance.now() - t;
      child.stdin.end();
      await once(child, 'close');
      process.stdout.write(`${ms}\n`);
    }
  }
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

if (process.argv[1] === SELF) {
  const at = process.argv.indexOf('--client');
  if (at >= 0) {
    const out = await clientMain(process.argv[at + 1], process.argv.slice(at + 2));
    if (out !== undefined) process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    await main();
  }
}
