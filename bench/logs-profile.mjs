// Where the engine thread's time goes with cold starts read from the logs: a closed run at full
// speed with logs off and one with logs on (bench/logs.mjs's stand-in and profiles), started
// together (`--start-at`, the same instant) on --tool-core, each under its own `perf record -g`
// with V8's perf map (node --perf-basic-prof) and against a stand-in of its own, both stand-ins
// on --server-core. Run as a pair, both meet the same state of the machine (bench/logs-pairs.mjs):
// runs minutes apart differ by more than the log path. Each sample of the engine thread (the
// process's main thread) during the load is put in the log path's parts by the JavaScript
// functions on its stack, and by where its leaf runs (the kernel, the C library, Node and V8's own
// code, compiled JavaScript); the helper threads' samples during the load in V8's compiler or
// collector:
//   µs per request = samples in the part / requests * the sampling period.
// Times under the profiler, on a core shared by the pair, are longer than for a run alone:
// compare the parts with the thread's whole. `--runs N` profiles N pairs and adds them up.
// Ratios of requests/s are not judged here (bench/logs.mjs does).
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
import { LEAD_MS, PAUSE_MS } from './logs-pairs.mjs';

const HZ = 2999;
const US_PER_SAMPLE = 1e6 / HZ;

/** The log path's parts on the engine thread: a sample counts in a part when a frame of its stack matches. */
const END = "a request's end (Recorder.completed), in all";
const RECEIVE = "the reading thread's messages received, in all";
const PARTS = [
  [END, /JS:\S*completed \S*\/dist\/run\/recorder\.js/],
  ["  of it: the request into the start join's columns", /JS:\S*carry \S*\/dist\/logs\/(worker-source|thread-join)\.js/],
  ['the batches cut and sent (as each fills, and at each poll)', /JS:\S*(takeBatches|takeFull|cut) \S*\/dist\/logs\/thread-join\.js/],
  // Native: a handler inlined into its caller has no frame of its own, the port's always has one.
  [RECEIVE, /node::worker::MessagePort::OnMessage/],
  ['  of it: counting them', /JS:\S*applyDecisions \S*\/dist\/logs\/thread-join\.js/],
  ['page faults, anywhere', /^exc_page_fault$/],
  ['garbage collection, anywhere', /Scavenger|MarkCompactCollector|Heap::CollectGarbage/],
];
/** The log path: a sample on the engine thread in any of the parts that run only with logs on. */
const LOG_ONLY = new Set(["  of it: the request into the start join's columns", 'the batches cut and sent (as each fills, and at each poll)', RECEIVE]);
const LOG_PATH = PARTS.filter(([name]) => LOG_ONLY.has(name)).map(([, re]) => re);

const HELPER_KINDS = [
  ['optimizing compiler', /OptimizingCompileDispatcher|compiler::Pipeline/],
  ['collector', /ConcurrentMarking|Scavenger|Sweeper|ArrayBufferSweeper|PageEvacuation|Unmapper/],
];

/** Where a sample's leaf runs, by the object its code is in (perf's dso) and its name. */
const LEAF_KINDS = [
  ['the kernel (system calls, the network, page faults)', (leaf) => leaf.dso === '[kernel.kallsyms]'],
  ['the C library', (leaf) => /\/lib[^/]*\.so/.test(leaf.dso) && !leaf.dso.includes('libnode')],
  ['JavaScript compiled by V8', (leaf) => leaf.sym.startsWith('JS:') || leaf.sym.startsWith('RegExp:')],
  ["V8's builtins", (leaf) => leaf.sym.startsWith('Builtins_')],
  ["Node.js and V8's C++ (the collector included)", () => true],
];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 1, durationSec: 10 }), ...argv };
  await requireColdbench();
  if (!ensureApt(['perf'], ['linux-perf'])) throw new Error('perf is not installed and apt-get failed');
  const servers = {};
  const totals = { off: newTotals(), on: newTotals() };
  try {
    // A stand-in for each run of a pair, both on --server-core: the run with logs on reads its own lines only.
    for (const mode of ['off', 'on']) servers[mode] = await startFunctionUrl(opt.serverCore);
    for (let i = 0; i < opt.runs; i++) {
      const modes = i % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      log(`pair ${i + 1}/${opt.runs}: closed, full speed, logs off and on started together, under perf`);
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      const startAt = Date.now() + LEAD_MS;
      const pair = await Promise.all(modes.map((mode) => profiled(closedProfile(servers[mode], opt.durationSec, mode === 'on'), opt.toolCore, startAt)));
      modes.forEach((mode, k) => addTo(totals[mode], pair[k]));
    }
  } finally {
    for (const server of Object.values(servers)) await stop(server.child);
  }
  const runs = { off: perRequest(totals.off), on: perRequest(totals.on) };
  const both = (pick, digits) => [f(pick(runs.off), digits), f(pick(runs.on), digits), f(pick(runs.on) - pick(runs.off), digits)];
  const head = (what) => [what, 'logs off', 'logs on', 'on - off'];
  console.log(table(head('engine thread during the load, µs per request under perf'), [
    ['the thread in all', ...both((r) => r.mainUs, 2)],
    ...PARTS.map(([name]) => [name, ...both((r) => r.parts[name], 3)]),
    ['requests (all pairs)', totals.off.requests, totals.on.requests, ''],
  ]));
  console.log(table(head("engine thread during the load, by where a sample's leaf runs, µs per request"), LEAF_KINDS.map(([name]) => [name, ...both((r) => r.leaves[name], 3)])));
  console.log(table(head('V8 helper threads during the load, µs per request'), [
    ['in all', ...both((r) => r.helpers.all, 2)],
    ...HELPER_KINDS.map(([name]) => [name, ...both((r) => r.helpers[name], 2)]),
  ]));
  const direct = runs.on.logPathUs;
  const extra = runs.on.mainUs - runs.off.mainUs;
  console.log(`the log path on the engine thread (a sample in any part that runs only with logs on): ${f(direct, 2)} µs per request, ${f((100 * direct) / runs.on.mainUs, 1)}% of the thread's time under perf; the thread's whole, on - off: ${f(extra, 2)} µs per request (${f((100 * extra) / runs.off.mainUs, 1)}% of logs off)`);
  const file = save('logs-profile', { opt, totals, runs, directUs: direct, directShare: direct / runs.on.mainUs, extraUs: extra });
  console.log(`wrote ${file}`);
  // Nothing to judge: this benchmark says where the time goes; bench/logs.mjs judges the target.
  return { verdicts: [] };
}

function newTotals() {
  return {
    requests: 0,
    mainSamples: 0,
    logPath: 0,
    parts: Object.fromEntries(PARTS.map(([name]) => [name, 0])),
    leaves: Object.fromEntries(LEAF_KINDS.map(([name]) => [name, 0])),
    helpers: Object.fromEntries([['all', 0], ...HELPER_KINDS.map(([name]) => [name, 0])]),
    ratesPerSec: [],
  };
}

function addTo(totals, run) {
  totals.requests += run.requests;
  totals.mainSamples += run.mainSamples;
  totals.logPath += run.logPath;
  for (const group of ['parts', 'leaves', 'helpers']) for (const [name, n] of Object.entries(run[group])) totals[group][name] += n;
  totals.ratesPerSec.push(run.ratePerSec);
}

/** Sample counts as µs per request. */
function perRequest(totals) {
  const us = (samples) => (samples * US_PER_SAMPLE) / totals.requests;
  const each = (counts) => Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, us(n)]));
  return { mainUs: us(totals.mainSamples), logPathUs: us(totals.logPath), parts: each(totals.parts), leaves: each(totals.leaves), helpers: each(totals.helpers) };
}

/**
 * One run under perf, its load starting at `startAt` (epoch ms): the engine thread's samples
 * during the load by part and by leaf, and the helpers' by kind.
 */
async function profiled(profile, core, startAt) {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-profile-'));
  try {
    const file = join(dir, `${profile.name}.yaml`);
    writeFileSync(file, stringify(profile));
    const data = join(dir, 'perf.data');
    // Sample times on the monotonic clock (-k mono), the one process.hrtime reads: the load's span, from its wall-clock times, maps onto them.
    const args = ['record', '-k', 'mono', '-g', '-F', String(HZ), '-o', data, '--', 'taskset', '-c', String(core), process.execPath, '--perf-basic-prof', join(repoRoot, 'bin', 'coldbench.js'), 'run', file, '--json', '--no-progress', '--out', join(dir, 'results'), '--start-at', String(startAt), '--start-tolerance', '3s'];
    // In the run's own folder: with a perf map, V8 also writes a log per isolate to the working directory.
    const r = await run('perf', args, { timeoutMs: 300_000, cwd: dir });
    if (r.code !== 0) throw new Error(`perf record exited ${r.code} (a run that starts over 3 s late exits 4: the machine was too busy): ${r.stderr.trim().slice(-500)}`);
    const result = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1));
    const monoMinusWallSec = Number(process.hrtime.bigint()) / 1e9 - Date.now() / 1000;
    const fromSec = Date.parse(result.startedAt) / 1000 + monoMinusWallSec;
    const toSec = fromSec + result.durationMs / 1000;
    const { parts, leaves, helpers } = newTotals();
    const counts = { mainSamples: 0, logPath: 0, parts, leaves, helpers };
    let pid;
    await eachSample(data, (sample) => {
      pid ??= sample.pid;
      if (sample.time < fromSec || sample.time > toSec) return;
      if (sample.tid === sample.pid) {
        counts.mainSamples++;
        for (const [name, re] of PARTS) if (sample.frames.some((frame) => re.test(frame))) counts.parts[name]++;
        if (sample.frames.some((frame) => LOG_PATH.some((re) => re.test(frame)))) counts.logPath++;
        const leaf = { sym: sample.frames[0] ?? '', dso: sample.leafDso };
        counts.leaves[LEAF_KINDS.find(([, is]) => is(leaf))[0]]++;
        return;
      }
      // The log reading thread is a Node.js worker; V8's helpers are not.
      if (sample.frames.some((frame) => frame.includes('node::worker::Worker'))) return;
      counts.helpers.all++;
      for (const [name, re] of HELPER_KINDS) if (sample.frames.some((frame) => re.test(frame))) counts.helpers[name]++;
    });
    // The perf map V8 wrote for the profiled process (always in /tmp).
    if (pid !== undefined) rmSync(`/tmp/perf-${pid}.map`, { force: true });
    return { requests: result.counts.sent, ratePerSec: result.rate.achieved, ...counts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each sample of a perf.data file, read from `perf script` as it prints them: { pid, tid, time,
 * frames, leafDso } (frames: symbol names, leaf first; leafDso: the object the leaf's code is in).
 */
async function eachSample(data, onSample) {
  const child = start('perf', ['script', '-i', data, '-F', 'pid,tid,time,ip,sym,dso']);
  child.stderr.resume();
  let sample;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    const head = /^\s*(\d+)\/(\d+)\s+([\d.]+):/.exec(line);
    if (head !== null) {
      if (sample !== undefined) onSample(sample);
      sample = { pid: Number(head[1]), tid: Number(head[2]), time: Number(head[3]), frames: [], leafDso: '' };
    } else if (sample !== undefined && line.trim() !== '') {
      // "<ip> <symbol> (<dso>)": a C++ symbol may hold parentheses of its own, the dso is the last pair.
      const frame = /^\s*[0-9a-f]+\s+(.*?)(?:\s+\(([^()]*)\))?$/.exec(line);
      if (sample.frames.length === 0) sample.leafDso = frame?.[2] ?? '';
      sample.frames.push(frame?.[1] ?? line.trim());
    }
  }
  if (sample !== undefined) onSample(sample);
  const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode];
  if (code !== 0) throw new Error(`perf script exited ${code}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
