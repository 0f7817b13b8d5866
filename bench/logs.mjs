// Benchmark: cold starts read from CloudWatch Logs (coldStart.logs) against a Function URL
// stand-in (bench/servers/function-url.mjs: a fresh x-amzn-RequestId per request, one REPORT per
// request in a log group it serves itself, readable 2 s after it is written).
//
//   1. The HTTP engine with logs on against logs off, alternating within --runs rounds, each run
//      after a pause (a run reads from 5 s before its start: not the lines of the run before it).
//      The CPU of coldbench's threads is sampled from /proc by kind: the engine's (the main
//      thread, which sends and times requests, keeps the unclassified ones and counts the
//      decisions), the reading thread (nice 19: fetch, parse, join) and the others (V8's
//      collector helpers), from the load's start to the end of the reading after it.
//      a. Closed model, 50 workers, --duration s, full speed, everything on one core: the engine
//         thread's requests per CPU-second (target: on >= 0.95 x off): at full speed the engine's
//         thread is the limit, so with a core of its own for the reading thread the engine's
//         throughput follows that ratio. Requests/s on / off are reported, not judged: on one
//         core the reading runs mostly after the load (the share it ran during the load is
//         printed), so they say how much of it waits; what it costs is printed beside them, all
//         threads' requests per CPU-second from the load's start to the end of the reading.
//         The stand-in answers on plain TCP at a few µs a request, on the other core.
//      c. With --reader-core N (a third core: neither coldbench's nor the stand-in's), the target
//         as it applies wherever the reading thread has a core to run on: closed, full speed,
//         logs on with the reading thread moved to core N (taskset on its thread id, before the
//         load starts), against logs off: requests/s (target: on >= 0.95 x off). With N the
//         stand-in's core (the only other one on two cores), the stand-in, busy 60-97% at full
//         speed, would answer slower: requests/s are then not compared, only the engine
//         thread's requests per CPU-second, with no reading thread on its core.
//      b. The same at a fixed rate: open model at --engine-rate/s (default 5,000) for --duration
//         s: the engine thread's requests per CPU-second (there the wait between sends is most
//         of its CPU), and of the whole process over the whole run (the shell's `times`).
//      Each median ratio comes with its confidence interval (bench/lib/report.mjs medianInterval:
//      order statistics, no assumption on the rounds' spread, at least 95% where the rounds allow;
//      5 rounds give at most 93.8%, 9 give 96.1%). A target is MET only when the interval lies at
//      or above 0.95, NOT MET when the median is below, NOT SHOWN between.
//   2. The join: requests matched, FilterLogEvents calls per 1,000 requests, log lag.
//   2b. Latency: open model, 2,000/s for --latency-duration s (default 20; 0 skips), logs on and
//      off alternating in each round: p50, p99, and the event-loop delay p99 of the engine's thread.
//   3. The log path alone (dist/logs, no network): µs per request of the engine thread's part
//      (keep and batch, count the decision), the reading thread's (parse, join) and the messages.
//   4. Memory: open model, 2,000/s for --memory-duration s (default 300; 0 skips) with logs on:
//      peak RSS (VmHWM) and the RSS slope after the first minute.
//   5. This machine's cost of memory new to the process: µs per page for a first write (a page
//      fault) against a write to a page already mapped.
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { start, stop } from './lib/proc.mjs';
import { requireColdbench, runColdbench, repoRoot } from './lib/coldbench.mjs';
import { options, median, medianInterval, interval, f, table, save, verdict, ratioVerdict, reported, log, slope, waitForQuiet } from './lib/report.mjs';

const WORKERS = 50;
const MEMORY_RATE = 2000;
const ENGINE_RATE = 5_000;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 5, durationSec: 10 }), ...argv };
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { 'memory-duration': { type: 'string' }, 'latency-duration': { type: 'string' }, 'engine-rate': { type: 'string' }, 'reader-core': { type: 'string' } } });
  const readerCore = readerCoreOption(argv.readerCore ?? values['reader-core'], opt.toolCore);
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
        await pause();
        round[`rate-${mode}`] = await runColdbench(openProfile(server, opt.durationSec, mode === 'on', engineRate), { core: opt.toolCore, cpu: true, threads: true, timeoutMs: (opt.durationSec + 180) * 1000 });
      }
      const closed = readerCore === undefined ? ['off', 'on'] : ['off', 'on', 'split'];
      for (const mode of i % 2 === 0 ? closed : closed.toReversed()) {
        log(`round ${i + 1}/${opt.runs}: closed, logs ${mode === 'split' ? `on, the reading thread on core ${readerCore}` : mode}`);
        await pause();
        const split = mode === 'split' ? { readerCore } : {};
        round[mode] = await runColdbench(closedProfile(server, opt.durationSec, mode !== 'off'), { core: opt.toolCore, cpu: true, threads: true, serverPid: server.child.pid, ...split, timeoutMs: (opt.durationSec + 180) * 1000 });
      }
      if (latencySec > 0) {
        for (const mode of order) {
          log(`round ${i + 1}/${opt.runs}: open ${MEMORY_RATE}/s, logs ${mode}`);
          await pause();
          round[`open-${mode}`] = await runColdbench(openProfile(server, latencySec, mode === 'on'), { core: opt.toolCore, timeoutMs: (latencySec + 180) * 1000 });
        }
      }
      rounds.push(round);
    }
    if (memorySec > 0) {
      await pause();
      log(`memory: open ${MEMORY_RATE}/s for ${memorySec} s with logs on (other work before: ${f(await waitForQuiet(), 0)}% CPU)`);
      memory = await runColdbench(openProfile(server, memorySec), { core: opt.toolCore, sampleEveryMs: 2000, timeoutMs: (memorySec + 240) * 1000 });
    }
  } finally {
    await stop(server.child);
  }
  // A request's end is timed in a first pass, before the reading thread's side has run in this
  // process: that side counts plain decisions with a Recorder of its own, and a run's thread,
  // whose recorder that is not, never sees it (timed after it, in the same process, the end
  // without logs took 1.0 µs, against 0.17 before: the code compiled for the recorder changed).
  // The rest is timed in a second pass, warm.
  const first = await measureJoin(200_000);
  const joinRate = { ...(await measureJoin(200_000)), endOffUs: first.endOffUs, endOnUs: first.endOnUs };
  joinRate.pageTouch = measurePageTouch();
  return summarize(rounds, memory, joinRate, { ...opt, engineRate, readerCore }, memorySec);
}

/** Longer than the 5 s a run reads before its start, so that no run reads the lines of the one before. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 6000));

/** `--reader-core`: a core of this machine other than coldbench's, or undefined when not given. */
export function readerCoreOption(value, toolCore) {
  if (value === undefined) return undefined;
  const core = Number(value);
  if (!Number.isInteger(core) || core < 0 || core >= availableParallelism() || core === toolCore) {
    throw new Error(`--reader-core ${value}: give a core of this machine (0-${availableParallelism() - 1}) other than coldbench's (${toolCore})`);
  }
  return core;
}

export async function startFunctionUrl(core) {
  const child = start(process.execPath, [join(repoRoot, 'bench', 'servers', 'function-url.mjs')], { core, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [hello] = await once(child, 'message');
  return { child, url: `http://127.0.0.1:${hello.port}/orders`, endpoint: `http://127.0.0.1:${hello.logsPort}`, group: hello.group };
}

function logs(server) {
  return { logs: { logGroup: server.group, endpoint: server.endpoint, wait: '30s', poll: '2s' } };
}

export function closedProfile(server, durationSec, withLogs) {
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
 * The log path's pieces alone (dist/logs, no network), in µs per request (one REPORT each). The
 * engine's thread: a request's end with the join attached (batched for the reading thread,
 * which keeps it) against the same without logs, and the requests counted when they come back
 * decided. The reading thread: the parse of a line, and the join (the batch of requests taken
 * in and kept, the line matched, the request and its decision batched). Between them: the two messages, their columns
 * shared (both sides).
 */
export async function measureJoin(n) {
  const dist = (p) => import(pathToFileURL(join(repoRoot, 'dist', p)).href);
  const { Recorder } = await dist('run/recorder.js');
  const { LogJoin } = await dist('logs/join.js');
  const { platformEventOf } = await dist('logs/events.js');
  const { JoinClient, ThreadRecorder, countDecided, tallySetupOf, BATCH_ROWS } = await dist('logs/thread-join.js');
  const ids = Array.from({ length: n }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
  const stream = '2026/12/05/[$LATEST]0123456789abcdef0123456789abcdef';
  const raw = ids.map((id, i) => ({ eventId: String(i), logStreamName: stream, timestamp: 1.7e12 + i + 1, ingestionTime: 1.7e12 + i + 2000, message: `REPORT RequestId: ${id}\tDuration: 1.12 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t${i % 100 === 0 ? 'Init Duration: 182.31 ms\t' : ''}\n` }));
  const usPer = (ms) => (1000 * ms) / n;
  const time = (fn) => {
    const t0 = performance.now();
    fn();
    return usPer(performance.now() - t0);
  };
  const end = (recorder, i) => {
    recorder.sent(i, i);
    recorder.completed({ plannedAt: i, sentAt: i, endedAt: i + 2, outcome: { kind: 'ok', status: 200, requestId: ids[i] } });
  };
  let parsed;
  const parseUs = time(() => (parsed = raw.map((e) => platformEventOf(e))));
  // Each side's ends are timed after a first pass of the same side (a recorder of its own):
  // both with the code the compiler made for both.
  const endsOff = () => {
    const alone = new Recorder(0);
    return time(() => {
      for (let i = 0; i < n; i++) end(alone, i);
    });
  };
  // The engine's side: requests end and are batched.
  let recorder;
  let client;
  let batches;
  const endsOn = () => {
    recorder = new Recorder(0);
    client = new JoinClient(false);
    recorder.startJoin = client;
    batches = [];
    return time(() => {
      for (let i = 0; i < n; i++) {
        end(recorder, i);
        // Taken as the reading thread takes them at full speed: a batch full at a time.
        if ((i + 1) % BATCH_ROWS === 0 || i === n - 1) batches.push(...client.takeBatches());
      }
    });
  };
  // Alternated, median of 5 each.
  endsOff();
  endsOn();
  const offs = [];
  const ons = [];
  for (let k = 0; k < 5; k++) {
    offs.push(endsOff());
    ons.push(endsOn());
  }
  const endOffUs = median(offs);
  const endOnUs = median(ons);
  let sent;
  // Posted as coldbench posts them: the columns shared, not copied.
  const deferMessageUs = time(() => (sent = batches.map((b) => structuredClone(b))));
  // The reading thread's side: the requests taken in, each line joined, decisions batched.
  const there = new ThreadRecorder();
  there.countPlainHere(tallySetupOf(recorder));
  const logJoin = new LogJoin({ recorder: there, mode: 'sync', viaAccessLog: false, epochOf: (t) => 1.7e12 + t, asyncMaxAttempts: 3 });
  const decisions = [];
  const joinUs = time(() => {
    for (const b of sent) there.add(b, (ticket, ids, row) => logJoin.deferRow(ticket, ids, row));
    for (let i = 0; i < n; i += 250) {
      for (const e of parsed.slice(i, i + 250)) logJoin.onPlatform(e);
      decisions.push(there.takeDecisions());
    }
  });
  let back;
  const decisionMessageUs = time(() => (back = decisions.map((d) => structuredClone(d))));
  const applyUs = time(() => {
    for (const d of back) if (d !== undefined) countDecided(d, client, recorder);
  });
  const figures = logJoin.finish();
  return { requests: n, parseUs, endOffUs, endOnUs, joinUs, applyUs, messageUs: deferMessageUs + decisionMessageUs, perSec: 1e6 / (parseUs + endOnUs + joinUs + applyUs + deferMessageUs + decisionMessageUs), matched: figures.matched, decided: recorder.counts.warm + recorder.counts.cold + recorder.counts.proactive };
}

/**
 * What memory new to the process costs on this machine: µs per 4 KiB page for the first write
 * to each page of a new 64 MiB buffer (a page fault: the system maps and zeroes the page), and for
 * a second write to the same pages, median of 3. The requests that wait for their line are kept
 * in memory written once per request: where a fault costs a large part of a request's own work
 * (10-15 µs against 20-36 µs, on the machine of docs/benchmarks.md), that memory is a visible
 * part of the log path.
 */
export function measurePageTouch() {
  const PAGE = 4096;
  const first = [];
  const again = [];
  for (let i = 0; i < 3; i++) {
    const bytes = new Uint8Array(new ArrayBuffer(64 * 1024 * 1024));
    const pages = bytes.length / PAGE;
    const touch = (value) => {
      const t0 = process.hrtime.bigint();
      for (let at = 0; at < bytes.length; at += PAGE) bytes[at] = value;
      return Number(process.hrtime.bigint() - t0) / 1000 / pages;
    };
    first.push(touch(1));
    again.push(touch(2));
  }
  return { firstUs: median(first), againUs: median(again) };
}

function summarize(rounds, memory, joinRate, opt, memorySec) {
  const perCpu = (r) => r.requests / r.cpuSec;
  const perThread = (r, kind) => r.requests / r.threadCpuSec[kind];
  const usPerRequest = (r, kind) => (1e6 * r.threadCpuSec[kind]) / r.requests;
  const ratios = rounds.map((r) => r.on.ratePerSec / r.off.ratePerSec);
  const cpuRatios = rounds.map((r) => perCpu(r.on) / perCpu(r.off));
  // On one core the reading thread (nice 19) runs mostly after the load: the requests/s of a
  // closed run there say how much of the reading waits, not what it costs. What it costs: the
  // CPU of all the process's threads per request, from the load's start to the end of the reading.
  const allThreads = (r) => r.requests / (r.threadCpuSec.main + r.threadCpuSec.reader + r.threadCpuSec.other);
  const allRatios = rounds.map((r) => allThreads(r.on) / allThreads(r.off));
  const readDuringLoad = rounds.map((r) => r.on.loadCpuSec.reader / r.on.threadCpuSec.reader);
  const mainRatios = rounds.map((r) => perThread(r['rate-on'], 'main') / perThread(r['rate-off'], 'main'));
  const rateCpuRatios = rounds.map((r) => perCpu(r['rate-on']) / perCpu(r['rate-off']));
  console.log(table(
    ['round', `open ${opt.engineRate}/s: engine thread, off req per CPU-s`, 'on', 'on / off', 'µs per request off / on: reading thread', 'other threads', 'whole process and run: off req per CPU-s', 'on', 'on / off', 'dropped off / on'],
    rounds.map((r, i) => {
      const [off, on] = [r['rate-off'], r['rate-on']];
      return [i + 1, f(perThread(off, 'main'), 0), f(perThread(on, 'main'), 0), f(mainRatios[i], 3), `${f(usPerRequest(off, 'reader'), 2)} / ${f(usPerRequest(on, 'reader'), 2)}`, `${f(usPerRequest(off, 'other'), 2)} / ${f(usPerRequest(on, 'other'), 2)}`, f(perCpu(off), 0), f(perCpu(on), 0), f(rateCpuRatios[i], 3), `${off.dropped} / ${on.dropped}`];
    }),
  ));
  const standIn = (r) => (100 * r.loadCpuSec.server) / ((Date.parse(r.result.endedAt) - Date.parse(r.result.startedAt)) / 1000);
  const rows = rounds.map((r, i) => [i + 1, f(r.off.ratePerSec, 0), f(r.on.ratePerSec, 0), f(ratios[i], 3), `${f(usPerRequest(r.off, 'main'), 2)} / ${f(usPerRequest(r.on, 'main'), 2)}`, `${f(usPerRequest(r.on, 'reader'), 2)}`, `${f(usPerRequest(r.off, 'other'), 2)} / ${f(usPerRequest(r.on, 'other'), 2)}`, f(allRatios[i], 3), f(100 * readDuringLoad[i], 0), `${r.on.result.logs?.matched}/${r.on.result.logs?.deferred}`, f((1000 * r.on.result.logs?.apiCalls) / r.on.requests, 2), `${f(standIn(r.off), 0)} / ${f(standIn(r.on), 0)}`]);
  console.log(table(['round', 'closed, one core: off req/s', 'on req/s', 'on / off', 'µs per request off / on: engine thread, joins included', 'reading thread (on)', 'other threads', 'all threads: req per CPU-s on / off', '% of the reading done in the load', 'matched', 'calls per 1,000', 'stand-in: % of its core in the load, off / on'], rows));
  const loadSec = (r) => (Date.parse(r.result.endedAt) - Date.parse(r.result.startedAt)) / 1000;
  const busy = (r, kinds) => (100 * kinds.reduce((a, k) => a + r.loadCpuSec[k], 0)) / loadSec(r);
  const split = opt.readerCore !== undefined;
  // On the stand-in's core the reading thread slows its answers: requests/s are not compared
  // there, only the engine thread's requests per CPU-second, without the reading thread beside it.
  const besideStandIn = opt.readerCore === opt.serverCore;
  const splitRatios = split ? rounds.map((r) => (besideStandIn ? perThread(r.split, 'main') / perThread(r.off, 'main') : r.split.ratePerSec / r.off.ratePerSec)) : [];
  if (split) {
    console.log(table(
      ['round', `closed, the reading thread on core ${opt.readerCore}${besideStandIn ? ' (the stand-in\'s)' : ''}: off req/s`, 'on req/s', besideStandIn ? 'engine thread req per CPU-s on / off' : 'on / off', 'µs per request off / on: engine thread', 'reading thread: % of its core in the load', 'matched', 'reading thread moved before the load'],
      rounds.map((r, i) => [i + 1, f(r.off.ratePerSec, 0), f(r.split.ratePerSec, 0), f(splitRatios[i], 3), `${f(usPerRequest(r.off, 'main'), 2)} / ${f(usPerRequest(r.split, 'main'), 2)}`, f(busy(r.split, ['reader']), 0), `${r.split.result.logs?.matched}/${r.split.result.logs?.deferred}`, r.split.readerPinned ? 'yes' : 'NO']),
    ));
  }
  const medianSplitRatio = split ? median(splitRatios) : undefined;
  // At full speed the engine's thread is the limit: with a core of its own for the reading thread,
  // requests/s follow its requests per CPU-second.
  const closedMainRatios = rounds.map((r) => perThread(r.on, 'main') / perThread(r.off, 'main'));
  const medianClosedMainRatio = median(closedMainRatios);
  const medianRatio = median(ratios);
  const medianCpuRatio = median(cpuRatios);
  const medianMainRatio = median(mainRatios);
  const medianRateCpuRatio = median(rateCpuRatios);
  const on = rounds.map((r) => r.on.result.logs);
  console.log(`log lag p50 ${f(median(on.map((l) => l?.lagMs?.p50 ?? NaN)), 0)} ms; waited after the load ${f(median(on.map((l) => l?.waitedMs ?? NaN)), 0)} ms; events read twice per event read ${f(median(on.map((l) => (l?.duplicateEvents ?? NaN) / (l?.events ?? NaN))), 2)}; lines of other traffic or read again ${median(on.map((l) => l?.unclaimedReports ?? NaN))} (median)`);
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
  console.log(`the log path alone, µs per request: the engine's thread: a request's end ${f(joinRate.endOnUs, 2)} with logs against ${f(joinRate.endOffUs, 2)} without, decisions counted ${f(joinRate.applyUs, 2)}; the reading thread: parse ${f(joinRate.parseUs, 2)}, join ${f(joinRate.joinUs, 2)}; the messages ${f(joinRate.messageUs, 2)} (both threads); ${f(joinRate.perSec, 0)} requests/s in all (${joinRate.matched} of ${joinRate.requests} matched, ${joinRate.decided} decided)`);
  console.log(`this machine: a first write to a page of new memory ${f(joinRate.pageTouch.firstUs, 2)} µs, a write to a page already mapped ${f(joinRate.pageTouch.againUs, 3)} µs (per 4 KiB page, median of 3 x 64 MiB)`);
  const verdicts = [
    ...(split ? [ratioVerdict(`the HTTP engine's throughput with logs on within 5% of logs off, the reading thread on core ${opt.readerCore}${besideStandIn ? ` (the stand-in's: as the engine thread's requests per CPU-second)` : ''}: closed, full speed, ${besideStandIn ? '' : 'requests/s '}median ratio ${f(medianSplitRatio, 3)}, its interval ${interval(splitRatios)} (rounds ${splitRatios.map((x) => f(x, 3)).join(', ')}), ${rounds.every((r) => r.split.readerPinned) ? 'the thread moved before the load in every run' : 'NOT SHOWN: the thread was not moved before the load in every run'}`, rounds.every((r) => r.split.readerPinned) ? splitRatios : [], 0.95)] : []),
    ratioVerdict(`the HTTP engine's throughput with logs on within 5% of logs off, as the engine thread's requests per CPU-second at full speed (closed; joins included; its core shared with the reading thread): median ratio ${f(medianClosedMainRatio, 3)}, its interval ${interval(closedMainRatios)} (rounds ${closedMainRatios.map((x) => f(x, 3)).join(', ')}; at ${opt.engineRate}/s: ${f(medianMainRatio, 3)}, of the whole process ${f(medianRateCpuRatio, 3)})`, closedMainRatios, 0.95),
    reported(`with everything on one core (closed, full speed): requests/s on / off median ${f(medianRatio, 3)}, its interval ${interval(ratios)}; the reading thread ran ${f(100 * median(readDuringLoad), 0)}% of its work during the load (median), the rest after it, so this ratio says how much of the reading waits, not what it costs: all threads' requests per CPU-second, from the load's start to the end of the reading, on / off ${f(median(allRatios), 3)}, its interval ${interval(allRatios)} (whole process and run, start-up included: ${f(medianCpuRatio, 3)})`),
    verdict(`every request matched in every logs-on run`, [...on, ...(split ? rounds.map((r) => r.split.result.logs) : [])].every((l) => l !== undefined && l.unmatched === 0 && l.complete)),
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
  const path = save('logs', { options: { ...opt, memorySec }, rounds: rounds.map((r) => ({ off: r.off.ratePerSec, on: r.on.ratePerSec, offPerCpuSec: perCpu(r.off), onPerCpuSec: perCpu(r.on), rateOffThreadCpuSec: r['rate-off'].threadCpuSec, rateOnThreadCpuSec: r['rate-on'].threadCpuSec, closedOffThreadCpuSec: r.off.threadCpuSec, closedOnThreadCpuSec: r.on.threadCpuSec, closedOffLoadCpuSec: r.off.loadCpuSec, closedOnLoadCpuSec: r.on.loadCpuSec, ...(split && { split: r.split.ratePerSec, splitReaderPinned: r.split.readerPinned, splitLoadCpuSec: r.split.loadCpuSec, splitLogs: r.split.result.logs }), rateRequests: [r['rate-off'].requests, r['rate-on'].requests], rateOffPerCpuSec: perCpu(r['rate-off']), rateOnPerCpuSec: perCpu(r['rate-on']), logs: r.on.result.logs })), medianRatio, medianCpuRatio, medianMainRatio, medianClosedMainRatio, medianSplitRatio, medianRateCpuRatio, medianAllThreadsRatio: median(allRatios), medianReadDuringLoad: median(readDuringLoad), intervals: { closedMain: medianInterval(closedMainRatios), oneCore: medianInterval(ratios), allThreads: medianInterval(allRatios), ...(split && { split: medianInterval(splitRatios) }) }, latency, joinRate, memory: memoryFigures, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
