// Benchmarks of coldbench's Lambda target against the built-in emulator, both clients in one run
// on the same emulator (`target.client: fast`, the default, and `target.client: sdk`):
//   1. invokes per CPU-second of the coldbench process: `coldbench run` (kind: lambda, closed
//      model, 10 concurrent) pinned with `taskset -c 0`, against `coldbench emulator` pinned with
//      `taskset -c 1` (its environments inherit core 1), the profile pointing at it with
//      target.endpoint. The CPU of the process comes from the shell's `times`; the CPU of a run of
//      the same profile with one iteration (start-up, preflight, exit) is taken off, so the figure
//      is the CPU of the invokes themselves. Target: fast >= 2.5x sdk;
//   2. closed 10-concurrent invokes/s of each client, with how busy each core was and the share of
//      a core the coldbench process used for its invokes: the rate is limited by the emulator when
//      the emulator's core is the busy one and the client's share stays well under one core;
//   3. the latency the client adds beyond the REPORT Duration: `overhead.warm.p50` of a sequential
//      run (concurrency 1). Target (fast): under 0.7 ms;
//   4. CPU per invoke inside one client process: process.cpuUsage() around N sequential and N
//      concurrent invokes through the LambdaTarget (fast, sdk), the bare SDK client, and raw undici
//      POSTs to the same endpoint, on core 0.
// Every measurement is repeated (--runs, default 3), the clients interleaved within a run:
// medians of the runs, load average noted.
//
//   node bench/lambda-target.mjs [--runs 3] [--seconds 10] [--count 2000] [--concurrency 10]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { childCpuSeconds } from './lib/coldbench.mjs';
import {
  clientEnv, fmt, invokers, load1, median, noopFunction, pinned, repoRoot, runNode, startEmulatorCli, throughputClient, track,
} from './emulator.mjs';

const SELF = fileURLToPath(import.meta.url);
const TOOL_CORE = 0;
const SERVER_CORE = 1;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      runs: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '10' },
      count: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '10' },
    },
  });
  return { runs: Number(values.runs), seconds: Number(values.seconds), count: Number(values.count), concurrency: Number(values.concurrency) };
}

export async function main(argv = process.argv.slice(2)) {
  const opt = options(Array.isArray(argv) ? argv : []);
  const runs = [];
  for (let r = 0; r < opt.runs; r++) {
    const emu = await startEmulatorCli({ core: SERVER_CORE, functions: { noop: noopFunction({ concurrency: opt.concurrency, idleTimeout: '10m' }) } });
    const run = { run: r + 1 };
    try {
      // Every environment of the function started before anything is measured.
      await coldbenchRun(emu.endpoint, 'sdk', { concurrency: opt.concurrency, iterations: opt.concurrency * 20 });
      // Each run starts with the other client, so a drift of the machine's load hits both alike.
      const order = r % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
      for (const client of order) {
        const startup = await coldbenchRun(emu.endpoint, client, { concurrency: 1, iterations: 1 });
        run[client] = {
          startup,
          sequential: await coldbenchRun(emu.endpoint, client, { concurrency: 1, seconds: Math.min(opt.seconds, 5) }),
          saturated: withInvokeCpu(await coldbenchRun(emu.endpoint, client, { concurrency: opt.concurrency, seconds: opt.seconds }), startup),
        };
      }
      run.cpu = { load1: load1(), ...JSON.parse(await runNode(SELF, ['--client', '--endpoint', emu.endpoint, '--count', String(opt.count), '--concurrency', String(opt.concurrency)], { core: TOOL_CORE, env: clientEnv })) };
    } finally {
      await emu.stop();
    }
    runs.push(run);
    console.error(`run ${r + 1}/${opt.runs} done (load ${load1()})`);
  }
  return report(runs, opt);
}

const CLIENTS = ['fast', 'sdk'];

/**
 * The CPU of the invokes alone: the saturated run's CPU less the start-up run's (same profile,
 * one iteration), per invoke and per second of the run's load.
 */
function withInvokeCpu(run, startup) {
  if (run.cpuSec === null || startup.cpuSec === null) return { ...run, invokeCpuUs: null, invokesPerCpuSec: null, clientCoreShare: null };
  const cpuSec = Math.max(0, run.cpuSec - startup.cpuSec);
  const invokes = Math.max(1, run.counts.sent - startup.counts.sent);
  return {
    ...run,
    invokeCpuUs: (cpuSec * 1e6) / invokes,
    invokesPerCpuSec: cpuSec > 0 ? invokes / cpuSec : null,
    clientCoreShare: run.loadSec > 0 ? cpuSec / run.loadSec : null,
  };
}

/**
 * One `coldbench run` pinned to the tool core, in a shell whose `times` reports the CPU its
 * child used; /proc/stat is sampled around it to show how busy each core was.
 */
async function coldbenchRun(endpoint, client, { concurrency, seconds, iterations }) {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-bench-run-'));
  try {
    const profile = join(dir, 'lambda.yaml');
    writeFileSync(profile, stringify({
      name: 'bench-lambda-target',
      target: { kind: 'lambda', function: 'noop', endpoint, region: 'us-east-1', payload: {}, timeout: '10s', client },
      load: { model: 'closed', concurrency, ...(iterations !== undefined ? { iterations } : { duration: `${seconds}s` }) },
    }));
    const [cmd, args] = pinned(TOOL_CORE, process.execPath, [join(repoRoot, 'bin', 'coldbench.js'), 'run', profile, '--json', '--no-progress', '--out', dir]);
    const line = [cmd, ...args].map((a) => `'${a}'`).join(' ');
    const loadBefore = load1();
    const cores0 = coreTimes();
    const child = track(spawn('sh', ['-c', `${line} > '${join(dir, 'result.json')}'; code=$?; times; exit $code`], { stdio: ['ignore', 'pipe', 'pipe'], env: clientEnv }));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    const busy = coreBusy(cores0, coreTimes());
    if (code !== 0) throw new Error(`coldbench run exited ${code}: ${err.slice(-2000)}`);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const cpuSec = childCpuSeconds(out);
    return {
      load1: loadBefore,
      client: result.target?.client ?? null,
      concurrency,
      loadSec: (result.durationMs ?? 0) / 1000,
      cpuSec,
      counts: result.counts,
      ratePerSec: result.rate.achieved,
      latencyWarmP50: result.latency.warm?.p50 ?? null,
      overheadWarmP50: result.overhead?.warm?.p50 ?? null,
      overheadWarmP99: result.overhead?.warm?.p99 ?? null,
      serviceP50: result.serviceTime?.p50 ?? null,
      cpuUsPerInvoke: cpuSec === null ? null : (cpuSec * 1e6) / Math.max(1, result.counts.sent),
      coreBusyPct: busy,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-core [busy, total] jiffies from /proc/stat (Linux). */
function coreTimes() {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).map((l) => {
      const v = l.trim().split(/\s+/).slice(1).map(Number);
      const idle = v[3] + (v[4] ?? 0);
      const total = v.reduce((a, b) => a + b, 0);
      return [total - idle, total];
    });
  } catch {
    return [];
  }
}

function coreBusy(a, b) {
  return b.map(([busy, total], i) => Math.round((100 * (busy - (a[i]?.[0] ?? 0))) / Math.max(1, total - (a[i]?.[1] ?? 0))));
}

/** Client mode: CPU microseconds per invoke for each path, sequential then concurrent. */
async function cpuClient(values) {
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const inv = await invokers(values.endpoint, 'noop', concurrency);
  const out = {};
  try {
    for (const kind of ['raw', 'sdk', 'target', 'targetSdk']) {
      const call = inv[kind];
      for (let i = 0; i < 200; i++) await call(); // warm sockets, JIT and environments
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const beyond = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        const r = await call();
        if (r?.durationMs != null) beyond.push(performance.now() - t - r.durationMs);
      }
      const cpu = process.cpuUsage(cpu0);
      const seqMs = performance.now() - t0;
      const concurrent = await throughputClient(call, concurrency, Math.max(2, count / 1000));
      out[kind] = {
        sequentialCpuUs: (cpu.user + cpu.system) / count,
        sequentialMsPerInvoke: seqMs / count,
        beyondReportP50: median(beyond),
        concurrentCpuUs: concurrent.cpuUsPerInvoke,
        concurrentPerSec: concurrent.invokesPerSec,
      };
    }
  } finally {
    await inv.close();
  }
  return out;
}

function report(runs, opt) {
  const lines = [];
  const say = (s) => {
    lines.push(s);
    console.log(s);
  };
  say(`node ${process.version}, ${runs.length} runs; coldbench on core ${TOOL_CORE}, emulator + environments on core ${SERVER_CORE}`);
  for (const r of runs) {
    for (const client of CLIENTS) {
      for (const k of ['sequential', 'saturated']) {
        const c = r[client][k];
        say(`run ${r.run} client ${client} (result says ${c.client}), closed ${c.concurrency} (load ${c.load1}): ${fmt(c.ratePerSec, 0)} invokes/s, ok ${c.counts.ok}, errors ${c.counts.errors}, throttles ${c.counts.throttles}; warm p50 ${fmt(c.latencyWarmP50, 3)} ms, overhead.warm p50 ${fmt(c.overheadWarmP50, 3)} ms (p99 ${fmt(c.overheadWarmP99, 3)}); coldbench CPU ${fmt(c.cpuUsPerInvoke, 0)} us/invoke with start-up${k === 'saturated' ? `, ${fmt(c.invokeCpuUs, 0)} us/invoke without (${fmt(c.invokesPerCpuSec, 0)} invokes per CPU-second, ${fmt(c.clientCoreShare, 2)} of a core)` : ''}; cores busy ${c.coreBusyPct.join('% / ')}%`);
      }
    }
    for (const [kind, c] of Object.entries(r.cpu).filter(([k]) => k !== 'load1')) {
      say(`run ${r.run} client CPU (load ${r.cpu.load1}) ${kind.padEnd(9)}: sequential ${fmt(c.sequentialCpuUs, 0)} us/invoke (${fmt(c.sequentialMsPerInvoke, 3)} ms each, beyond REPORT p50 ${fmt(c.beyondReportP50, 3)} ms); ${opt.concurrency} concurrent ${fmt(c.concurrentCpuUs, 0)} us/invoke at ${fmt(c.concurrentPerSec, 0)}/s`);
    }
  }
  const m = (f) => median(runs.map(f).filter((x) => x !== null && x !== undefined));
  const ratio = m((r) => (r.fast.saturated.invokesPerCpuSec && r.sdk.saturated.invokesPerCpuSec ? r.fast.saturated.invokesPerCpuSec / r.sdk.saturated.invokesPerCpuSec : null));
  for (const client of CLIENTS) {
    say(`median of runs, client ${client}: ${fmt(m((r) => r[client].saturated.ratePerSec), 0)} invokes/s closed ${opt.concurrency} (cores busy ${fmt(m((r) => r[client].saturated.coreBusyPct[TOOL_CORE]), 0)}% / ${fmt(m((r) => r[client].saturated.coreBusyPct[SERVER_CORE]), 0)}%, coldbench used ${fmt(m((r) => r[client].saturated.clientCoreShare), 2)} of a core); ` +
      `${fmt(m((r) => r[client].saturated.invokesPerCpuSec), 0)} invokes per CPU-second of coldbench (${fmt(m((r) => r[client].saturated.invokeCpuUs), 0)} us/invoke); ` +
      `overhead.warm.p50 ${fmt(m((r) => r[client].sequential.overheadWarmP50), 3)} ms sequential, ${fmt(m((r) => r[client].saturated.overheadWarmP50), 3)} ms at ${opt.concurrency} concurrent`);
  }
  say(`client CPU per invoke in one process, sequential: raw ${fmt(m((r) => r.cpu.raw.sequentialCpuUs), 0)} us, SDK ${fmt(m((r) => r.cpu.sdk.sequentialCpuUs), 0)} us, LambdaTarget fast ${fmt(m((r) => r.cpu.target.sequentialCpuUs), 0)} us, sdk ${fmt(m((r) => r.cpu.targetSdk.sequentialCpuUs), 0)} us; ` +
    `concurrent: raw ${fmt(m((r) => r.cpu.raw.concurrentCpuUs), 0)} us, SDK ${fmt(m((r) => r.cpu.sdk.concurrentCpuUs), 0)} us, LambdaTarget fast ${fmt(m((r) => r.cpu.target.concurrentCpuUs), 0)} us, sdk ${fmt(m((r) => r.cpu.targetSdk.concurrentCpuUs), 0)} us`);
  const verdict = (ok, text) => say(`${ok === null ? 'NOT RUN ' : ok ? 'MET     ' : 'NOT MET '} ${text}`);
  verdict(ratio === null ? null : ratio >= 2.5, `invokes per CPU-second of coldbench, fast >= 2.5x sdk: ${fmt(ratio, 2)}x`);
  const share = m((r) => r.fast.saturated.clientCoreShare);
  const emuBusy = m((r) => r.fast.saturated.coreBusyPct[SERVER_CORE]);
  verdict(share === null || emuBusy === null ? null : share < 0.7 && emuBusy >= 90,
    `closed ${opt.concurrency}-concurrent invokes/s limited by the emulator, not the client (fast): coldbench used ${fmt(share, 2)} of a core (< 0.7), the emulator's core was ${fmt(emuBusy, 0)}% busy (>= 90%)`);
  const overheadSeq = m((r) => r.fast.sequential.overheadWarmP50);
  verdict(overheadSeq === null ? null : overheadSeq < 0.7, `overhead.warm.p50 sequential < 0.7 ms (fast): ${fmt(overheadSeq, 3)} ms (sdk ${fmt(m((r) => r.sdk.sequential.overheadWarmP50), 3)} ms)`);
  return { runs, verdicts: lines.filter((l) => /^(MET|NOT)/.test(l)) };
}

if (process.argv[1] === SELF) {
  if (process.argv.includes('--client')) {
    const { values } = parseArgs({ strict: false, options: { endpoint: { type: 'string' }, count: { type: 'string' }, concurrency: { type: 'string' } } });
    process.stdout.write(`${JSON.stringify(await cpuClient(values))}\n`);
  } else {
    await main();
  }
}
