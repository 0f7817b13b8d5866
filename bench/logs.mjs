// Benchmark: cold starts read from CloudWatch Logs (coldStart.logs) against a Function URL
// stand-in (bench/servers/function-url.mjs: a fresh x-amzn-RequestId per request, one REPORT per
// request in a log group it serves itself, readable 2 s after it is written).
//
//   1. The HTTP engine with logs on against logs off, alternating within --runs rounds.
//      a. The same work: open model at --engine-rate/s (default 5,000) for --duration s. The CPU
//         per request of the engine's thread during the load (coldbench's main thread, which sends
//         and times requests, sampled from /proc): target, logs on >= 0.95 x logs off (median ratio
//         of requests per CPU-second); with a core of its own for the reading thread, the engine's
//         throughput follows that ratio. And of the whole process over the whole run (the shell's
//         `times`: start-up, the reading after the load, the reading thread and V8's helpers).
//      b. Throughput: closed model, 50 workers, --duration s: requests/s and requests per CPU-second
//         of the whole process, everything on one core. The stand-in limits requests/s, and with
//         logs on it also serves the log pages.
//   2. The join: requests matched, FilterLogEvents calls per 1,000 requests, log lag.
//   2b. Latency: open model, 2,000/s for --latency-duration s (default 20; 0 skips), logs on and
//      off alternating in each round: p50, p99, and the event-loop delay p99 of the engine's thread.
//   3. The log path alone (dist/logs, no network): µs per request of the parse, the message
//      between the threads, and the engine thread's defer and join.
//   4. Memory: open model, 2,000/s for --memory-duration s (default 300; 0 skips) with logs on:
//      peak RSS (VmHWM) and the RSS slope after the first minute.
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { start, stop } from './lib/proc.mjs';
import { requireColdbench, runColdbench, repoRoot } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log, slope, waitForQuiet } from './lib/report.mjs';

const WORKERS = 50;
const MEMORY_RATE = 2000;
const ENGINE_RATE = 5_000;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 5, durationSec: 10 }), ...argv };
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { 'memory-duration': { type: 'string' }, 'latency-duration': { type: 'string' }, 'engine-rate': { type: 'string' } } });
  const engineRate = Number(argv.engineRate ?? values['engine-rate'] ?? ENGINE_RATE);
  const memorySec = Number(argv.memorySec ?? values['memory-duration'] ?? 300);
  const latencySec = Number(argv.latencySec ?? values['latency-duration'] ?? 20);
  await requireColdbench();
  const server = await startFunctionUrl(opt.serverCore);
  const rounds = [];
  let memory;
  try {
    for (let i = 0; i < opt.runs; i++) {
      const order = i % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      const round = {};
      for (const mode of order) {
        log(`round ${i + 1}/${opt.runs}: open ${engineRate}/s, logs ${mode}`);
        round[`rate-${mode}`] = await runColdbench(openProfile(server, opt.durationSec, mode === 'on', engineRate), { core: opt.toolCore, cpu: true, mainThread: true, timeoutMs: (opt.durationSec + 180) * 1000 });
      }
      for (const mode of order) {
        log(`round ${i + 1}/${opt.runs}: closed, logs ${mode}`);
        round[mode] = await runColdbench(closedProfile(server, opt.durationSec, mode === 'on'), { core: opt.toolCore, cpu: true, timeoutMs: (opt.durationSec + 180) * 1000 });
      }
      if (latencySec > 0) {
        for (const mode of order) {
          log(`round ${i + 1}/${opt.runs}: open ${MEMORY_RATE}/s, logs ${mode}`);
          round[`open-${mode}`] = await runColdbench(openProfile(server, latencySec, mode === 'on'), { core: opt.toolCore, timeoutMs: (latencySec + 180) * 1000 });
        }
      }
      rounds.push(round);
    }
    if (memorySec > 0) {
      log(`memory: open ${MEMORY_RATE}/s for ${memorySec} s with logs on (other work before: ${f(await waitForQuiet(), 0)}% CPU)`);
      memory = await runColdbench(openProfile(server, memorySec), { core: opt.toolCore, sampleEveryMs: 2000, timeoutMs: (memorySec + 240) * 1000 });
    }
  } finally {
    await stop(server.child);
  }
  const joinRate = await measureJoin(200_000);
  return summarize(rounds, memory, joinRate, { ...opt, engineRate }, memorySec);
}

async function startFunctionUrl(core) {
  const child = start(process.execPath, [join(repoRoot, 'bench', 'servers', 'function-url.mjs')], { core, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [hello] = await once(child, 'message');
  return { child, url: `http://127.0.0.1:${hello.port}/orders`, endpoint: `http://127.0.0.1:${hello.logsPort}`, group: hello.group };
}

function logs(server) {
  return { logs: { logGroup: server.group, endpoint: server.endpoint, wait: '30s', poll: '2s' } };
}

function closedProfile(server, durationSec, withLogs) {
  return {
    name: `bench-logs-${withLogs ? 'on' : 'off'}`,
    target: { kind: 'http', url: server.url, timeout: '5s', ...(withLogs && { coldStart: logs(server) }) },
    load: { model: 'closed', concurrency: WORKERS, duration: `${durationSec}s` },
  };
}

function openProfile(server, durationSec, withLogs = true, rate = MEMORY_RATE) {
  return {
    name: `bench-logs-open-${withLogs ? 'on' : 'off'}`,
    target: { kind: 'http', url: server.url, timeout: '5s', ...(withLogs && { coldStart: logs(server) }) },
    load: { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate, duration: `${durationSec}s` } }] },
  };
}

/**
 * The log path's pieces alone (dist/logs, no network), in µs per request (one REPORT each): the
 * reading thread's parse of a line, the structured clone of the parsed lines in slices of 250
 * (what a message between the threads costs, both sides), and the run's thread's part: a request
 * deferred when it ends, and its parsed REPORT joined to it.
 */
export async function measureJoin(n) {
  const dist = (p) => import(pathToFileURL(join(repoRoot, 'dist', p)).href);
  const { Recorder } = await dist('run/recorder.js');
  const { LogJoin } = await dist('logs/join.js');
  const { platformEventOf } = await dist('logs/events.js');
  const ids = Array.from({ length: n }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
  const stream = '2026/12/05/[$LATEST]0123456789abcdef0123456789abcdef';
  const raw = ids.map((id, i) => ({ eventId: String(i), logStreamName: stream, timestamp: 1.7e12 + i + 1, ingestionTime: 1.7e12 + i + 2000, message: `REPORT RequestId: ${id}\tDuration: 1.12 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t${i % 100 === 0 ? 'Init Duration: 182.31 ms\t' : ''}\n` }));
  const usPer = (ms) => (1000 * ms) / n;
  let t0 = performance.now();
  const parsed = raw.map((e) => platformEventOf(e));
  const parseUs = usPer(performance.now() - t0);
  t0 = performance.now();
  const received = [];
  for (let i = 0; i < n; i += 250) received.push(...structuredClone(parsed.slice(i, i + 250)));
  const cloneUs = usPer(performance.now() - t0);
  const recorder = new Recorder(0);
  const logJoin = new LogJoin({ recorder, mode: 'sync', viaAccessLog: false, epochOf: (t) => 1.7e12 + t, asyncMaxAttempts: 3 });
  recorder.startJoin = logJoin;
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    recorder.sent(i, i);
    recorder.completed({ plannedAt: i, sentAt: i, endedAt: i + 2, outcome: { kind: 'ok', status: 200, requestId: ids[i] } });
  }
  const deferUs = usPer(performance.now() - t0);
  t0 = performance.now();
  for (const e of received) logJoin.onPlatform(e);
  const joinUs = usPer(performance.now() - t0);
  const figures = logJoin.finish();
  return { requests: n, parseUs, cloneUs, deferUs, joinUs, perSec: 1e6 / (parseUs + cloneUs + deferUs + joinUs), matched: figures.matched, cold: recorder.counts.cold };
}

function summarize(rounds, memory, joinRate, opt, memorySec) {
  const perCpu = (r) => r.requests / r.cpuSec;
  const perMainCpu = (r) => r.requests / r.loadMainCpuSec;
  const ratios = rounds.map((r) => r.on.ratePerSec / r.off.ratePerSec);
  const cpuRatios = rounds.map((r) => perCpu(r.on) / perCpu(r.off));
  const mainRatios = rounds.map((r) => perMainCpu(r['rate-on']) / perMainCpu(r['rate-off']));
  const rateCpuRatios = rounds.map((r) => perCpu(r['rate-on']) / perCpu(r['rate-off']));
  console.log(table(
    ['round', `open ${opt.engineRate}/s: engine thread, off req per CPU-s`, 'on', 'on / off', 'whole run and process: off req per CPU-s', 'on', 'on / off', 'dropped off / on'],
    rounds.map((r, i) => [i + 1, f(perMainCpu(r['rate-off']), 0), f(perMainCpu(r['rate-on']), 0), f(mainRatios[i], 3), f(perCpu(r['rate-off']), 0), f(perCpu(r['rate-on']), 0), f(rateCpuRatios[i], 3), `${r['rate-off'].dropped} / ${r['rate-on'].dropped}`]),
  ));
  const rows = rounds.map((r, i) => [i + 1, f(r.off.ratePerSec, 0), f(r.on.ratePerSec, 0), f(ratios[i], 3), f(perCpu(r.off), 0), f(perCpu(r.on), 0), f(cpuRatios[i], 3), `${r.on.result.logs?.matched}/${r.on.result.logs?.deferred}`, f((1000 * r.on.result.logs?.apiCalls) / r.on.requests, 2)]);
  console.log(table(['round', 'closed: off req/s', 'on req/s', 'on / off', 'whole run and process: off req per CPU-s', 'on', 'on / off', 'matched', 'calls per 1,000'], rows));
  const medianRatio = median(ratios);
  const medianCpuRatio = median(cpuRatios);
  const medianMainRatio = median(mainRatios);
  const medianRateCpuRatio = median(rateCpuRatios);
  const on = rounds.map((r) => r.on.result.logs);
  console.log(`log lag p50 ${f(median(on.map((l) => l?.lagMs?.p50 ?? NaN)), 0)} ms; waited after the load ${f(median(on.map((l) => l?.waitedMs ?? NaN)), 0)} ms; events read twice per event read ${f(median(on.map((l) => (l?.duplicateEvents ?? NaN) / (l?.events ?? NaN))), 2)} (median)`);
  console.log(`requests/s with logs on / off, limited by the stand-in: ${f(medianRatio, 3)} (median)`);
  const latency = {};
  if (rounds[0]?.['open-on'] !== undefined) {
    const rows = [];
    for (const mode of ['off', 'on']) {
      const runs = rounds.map((r) => r[`open-${mode}`].result);
      const pick = (fn) => runs.map(fn);
      latency[mode] = { p50: pick((r) => r.latency.all.p50), p99: pick((r) => r.latency.all.p99), loopP99: pick((r) => r.eventLoopDelay?.p99 ?? NaN), dropped: pick((r) => r.counts.dropped) };
      const l = latency[mode];
      rows.push([`logs ${mode}`, l.p50.map((x) => f(x, 3)).join(', '), l.p99.map((x) => f(x, 2)).join(', '), l.loopP99.map((x) => f(x, 1)).join(', '), l.dropped.join(', ')]);
    }
    console.log(table([`open ${MEMORY_RATE}/s`, 'p50 ms (runs)', 'p99 ms (runs)', 'event-loop delay p99 ms', 'dropped'], rows));
  }
  console.log(`the log path alone, µs per request: parse ${f(joinRate.parseUs, 2)} (reading thread), clone ${f(joinRate.cloneUs, 2)} (both threads), defer ${f(joinRate.deferUs, 2)} + join ${f(joinRate.joinUs, 2)} (the engine's thread); ${f(joinRate.perSec, 0)} requests/s in all (${joinRate.matched} of ${joinRate.requests} matched)`);
  const verdicts = [
    verdict(`the HTTP engine's throughput with logs on within 5% of logs off: closed, one core for coldbench's threads, requests/s median ratio ${f(medianRatio, 3)} (requests per CPU-second of the process: ${f(medianCpuRatio, 3)}; at ${opt.engineRate}/s, of the engine's thread alone: ${f(medianMainRatio, 3)}, of the process: ${f(medianRateCpuRatio, 3)})`, medianRatio >= 0.95),
    verdict(`every request matched in every logs-on run`, on.every((l) => l !== undefined && l.unmatched === 0 && l.complete)),
  ];
  let memoryFigures;
  if (memory !== undefined) {
    const s = memory.rss;
    const peakHwmMB = Math.max(...s.map((x) => x.hwmMB));
    const after = s.filter((x) => x.tSec >= 60 && x.tSec <= memorySec);
    const slopeMBPerMin = after.length > 2 ? slope(after.map((x) => x.tSec), after.map((x) => x.rssMB)) * 60 : null;
    const l = memory.result.logs;
    memoryFigures = { peakHwmMB, slopeMBPerMin, requests: memory.requests, dropped: memory.dropped, matched: l?.matched, unmatched: l?.unmatched, callsPer1000: (1000 * (l?.apiCalls ?? NaN)) / memory.requests };
    console.log(`memory at ${MEMORY_RATE}/s for ${memorySec} s with logs on: peak RSS ${f(peakHwmMB, 1)} MB, slope after 60 s ${f(slopeMBPerMin, 2)} MB/min; ${l?.matched} of ${l?.deferred} matched; ${f(memoryFigures.callsPer1000, 2)} calls per 1,000 requests; ${memory.dropped} dropped`);
    verdicts.push(verdict(`peak RSS under 150 MB with logs on (${f(peakHwmMB, 1)} MB)`, peakHwmMB < 150));
  }
  console.log(verdicts.join('\n'));
  const path = save('logs', { options: { ...opt, memorySec }, rounds: rounds.map((r) => ({ off: r.off.ratePerSec, on: r.on.ratePerSec, offPerCpuSec: perCpu(r.off), onPerCpuSec: perCpu(r.on), rateOffPerMainCpuSec: perMainCpu(r['rate-off']), rateOnPerMainCpuSec: perMainCpu(r['rate-on']), rateOffPerCpuSec: perCpu(r['rate-off']), rateOnPerCpuSec: perCpu(r['rate-on']), logs: r.on.result.logs })), medianRatio, medianCpuRatio, medianMainRatio, medianRateCpuRatio, latency, joinRate, memory: memoryFigures, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
