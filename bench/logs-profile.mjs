// Where the engine thread's time goes with cold starts read from the logs: one closed run at full
// speed with logs off and one with logs on (bench/logs.mjs's stand-in and profiles), each under
// `perf record -g` with V8's perf map (node --perf-basic-prof), coldbench on --tool-core (its
// reading thread and V8's helpers too), the stand-in on --server-core. Each sample of the engine
// thread (the process's main thread) is put in the log path's parts by the JavaScript functions on
// its stack, and the helper threads' samples during the load in V8's compiler or collector:
//   µs per request = samples in the part / requests * the sampling period.
// Times under the profiler are longer than without it: compare the parts with the thread's whole.
// Ratios of requests/s are not judged here (bench/logs.mjs does): one run each way.
//
// Needs `perf` (Debian's linux-perf, installed here if missing) and permission to profile (root,
// or kernel.perf_event_paranoid <= 1).
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { ensureApt, run, start, stop } from './lib/proc.mjs';
import { repoRoot, requireColdbench } from './lib/coldbench.mjs';
import { options, f, table, save, log } from './lib/report.mjs';
import { closedProfile, startFunctionUrl } from './logs.mjs';

const HZ = 2999;
const US_PER_SAMPLE = 1e6 / HZ;

/** The log path's parts on the engine thread: a sample counts in a part when a frame of its stack matches. */
const END = "a request's end (Recorder.completed), in all";
const RECEIVE = "the reading thread's messages received, in all";
const PARTS = [
  [END, /JS:\S*completed \S*\/dist\/run\/recorder\.js/],
  ["  of it: ids into the start join's columns", /JS:\S*defer \S*\/dist\/logs\/(worker-source|thread-join)\.js/],
  ['DeferredRequests (keep, gather, free), anywhere', /\/dist\/run\/deferred\.js/],
  ['the batch for each poll', /JS:\S*takeBatch \S*\/dist\/logs\/thread-join\.js/],
  // Native: a handler inlined into its caller has no frame of its own, the port's always has one.
  [RECEIVE, /node::worker::MessagePort::OnMessage/],
  ['  of it: counting them', /JS:\S*applyDecisions \S*\/dist\/logs\/thread-join\.js/],
  ['page faults, anywhere', /^exc_page_fault$/],
  ['garbage collection, anywhere', /Scavenger|MarkCompactCollector|Heap::CollectGarbage/],
];
/** The log path: a sample on the engine thread in any of the parts that run only with logs on. */
const LOG_ONLY = new Set(["  of it: ids into the start join's columns", 'DeferredRequests (keep, gather, free), anywhere', 'the batch for each poll', RECEIVE]);
const LOG_PATH = PARTS.filter(([name]) => LOG_ONLY.has(name)).map(([, re]) => re);

const HELPER_KINDS = [
  ['optimizing compiler', /OptimizingCompileDispatcher|compiler::Pipeline/],
  ['collector', /ConcurrentMarking|Scavenger|Sweeper|ArrayBufferSweeper|PageEvacuation|Unmapper/],
];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 1, durationSec: 10 }), ...argv };
  await requireColdbench();
  if (!ensureApt(['perf'], ['linux-perf'])) throw new Error('perf is not installed and apt-get failed');
  const server = await startFunctionUrl(opt.serverCore);
  const runs = {};
  try {
    for (const mode of ['off', 'on']) {
      log(`closed, full speed, logs ${mode}, under perf`);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      runs[mode] = await profiled(closedProfile(server, opt.durationSec, mode === 'on'), opt.toolCore);
    }
  } finally {
    await stop(server.child);
  }
  const rows = PARTS.map(([name]) => [name, f(runs.off.parts[name], 3), f(runs.on.parts[name], 3)]);
  console.log(table(['engine thread, µs per request under perf', 'logs off', 'logs on'], [
    ['the thread in all', f(runs.off.mainUs, 2), f(runs.on.mainUs, 2)],
    ...rows,
    ['requests / requests per s', `${runs.off.requests} / ${f(runs.off.ratePerSec, 0)}`, `${runs.on.requests} / ${f(runs.on.ratePerSec, 0)}`],
  ]));
  console.log(table(['V8 helper threads during the load, µs per request', 'logs off', 'logs on'], [
    ['in all', f(runs.off.helpers.all, 2), f(runs.on.helpers.all, 2)],
    ...HELPER_KINDS.map(([name]) => [name, f(runs.off.helpers[name], 2), f(runs.on.helpers[name], 2)]),
  ]));
  const direct = runs.on.logPathUs;
  console.log(`the log path on the engine thread (a sample in any part that runs only with logs on): ${f(direct, 2)} µs per request, ${f((100 * direct) / runs.on.mainUs, 1)}% of the thread's time under perf (the target's budget: 5%)`);
  const file = save('logs-profile', { opt, runs, directUs: direct, directShare: direct / runs.on.mainUs });
  console.log(`wrote ${file}`);
  // Nothing to judge: this benchmark says where the time goes; bench/logs.mjs judges the target.
  return { verdicts: [] };
}

/** One run under perf: the engine thread's parts and the helpers' kinds, µs per request. */
async function profiled(profile, core) {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-profile-'));
  try {
    const file = join(dir, `${profile.name}.yaml`);
    writeFileSync(file, stringify(profile));
    const data = join(dir, 'perf.data');
    const args = ['record', '-g', '-F', String(HZ), '-o', data, '--', 'taskset', '-c', String(core), process.execPath, '--perf-basic-prof', join(repoRoot, 'bin', 'coldbench.js'), 'run', file, '--json', '--no-progress', '--out', join(dir, 'results')];
    const spawnedAtMs = Date.now();
    // In the run's own folder: with a perf map, V8 also writes a log per isolate to the working directory.
    const r = await run('perf', args, { timeoutMs: 300_000, cwd: dir });
    if (r.code !== 0) throw new Error(`perf record exited ${r.code}: ${r.stderr.trim().slice(-500)}`);
    const result = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1));
    const requests = result.counts.sent;
    // The load's span on perf's clock: its first sample is the process's start, within milliseconds.
    const startOffsetSec = (Date.parse(result.startedAt) - spawnedAtMs) / 1000;
    const main = Object.fromEntries(PARTS.map(([name]) => [name, 0]));
    let mainSamples = 0;
    let logPath = 0;
    const helpers = Object.fromEntries([['all', 0], ...HELPER_KINDS.map(([name]) => [name, 0])]);
    let firstTime;
    let pid;
    await eachSample(data, (sample) => {
      firstTime ??= sample.time;
      pid ??= sample.pid;
      if (sample.tid === sample.pid) {
        mainSamples++;
        for (const [name, re] of PARTS) if (sample.frames.some((frame) => re.test(frame))) main[name]++;
        if (sample.frames.some((frame) => LOG_PATH.some((re) => re.test(frame)))) logPath++;
        return;
      }
      // The log reading thread is a Node.js worker; V8's helpers are not.
      if (sample.frames.some((frame) => frame.includes('node::worker::Worker'))) return;
      const sinceStart = sample.time - firstTime - startOffsetSec;
      if (sinceStart < 0 || sinceStart > result.durationMs / 1000) return;
      helpers.all++;
      for (const [name, re] of HELPER_KINDS) if (sample.frames.some((frame) => re.test(frame))) helpers[name]++;
    });
    // The perf map V8 wrote for the profiled process (always in /tmp).
    if (pid !== undefined) rmSync(`/tmp/perf-${pid}.map`, { force: true });
    const perRequest = (samples) => (samples * US_PER_SAMPLE) / requests;
    return {
      requests,
      ratePerSec: result.rate.achieved,
      mainUs: perRequest(mainSamples),
      logPathUs: perRequest(logPath),
      parts: Object.fromEntries(Object.entries(main).map(([name, n]) => [name, perRequest(n)])),
      helpers: Object.fromEntries(Object.entries(helpers).map(([name, n]) => [name, perRequest(n)])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each sample of a perf.data file, read from `perf script` as it prints them: { pid, tid, time, frames } (leaf first). */
async function eachSample(data, onSample) {
  const child = start('perf', ['script', '-i', data, '-F', 'pid,tid,time,ip,sym']);
  child.stderr.resume();
  let sample;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    const head = /^\s*(\d+)\/(\d+)\s+([\d.]+):/.exec(line);
    if (head !== null) {
      if (sample !== undefined) onSample(sample);
      sample = { pid: Number(head[1]), tid: Number(head[2]), time: Number(head[3]), frames: [] };
    } else if (sample !== undefined && line.trim() !== '') {
      sample.frames.push(line.trim().replace(/^[0-9a-f]+\s+/, ''));
    }
  }
  if (sample !== undefined) onSample(sample);
  const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode];
  if (code !== 0) throw new Error(`perf script exited ${code}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
