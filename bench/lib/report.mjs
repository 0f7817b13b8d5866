// Statistics, tables, options and JSON output shared by the benchmark scripts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { repoRoot } from './coldbench.mjs';

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * A distribution-free confidence interval for the median of xs: the order statistics
 * [x(k), x(n+1-k)] with the largest k whose coverage, 1 - 2 P(Binomial(n, 1/2) <= k - 1), is
 * at least `level`; with too few values for that, the whole range and its coverage (5 values:
 * 93.8%). { low, high, coverage }, or null for no values.
 */
export function medianInterval(xs, level = 0.95) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return null;
  // P(Binomial(n, 1/2) <= j), j = 0, 1, ...
  let term = 0.5 ** n;
  const cdf = [term];
  for (let j = 1; j < n; j++) {
    term = (term * (n - j + 1)) / j;
    cdf.push(cdf[j - 1] + term);
  }
  const coverage = (k) => 1 - 2 * cdf[k - 1];
  let k = 1;
  while (k + 1 <= Math.floor((n + 1) / 2) && coverage(k + 1) >= level) k++;
  return { low: v[k - 1], high: v[n - k], coverage: coverage(k) };
}

/** "0.912-0.961 (96.1%)": a median's interval as medianInterval gives it. */
export function interval(xs, digits = 3) {
  const i = medianInterval(xs);
  return i === null ? 'n/a' : `${f(i.low, digits)}-${f(i.high, digits)} (${f(100 * i.coverage, 1)}%)`;
}

export function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Coefficient of variation = population stdev / mean. */
export function cv(xs) {
  const m = mean(xs);
  if (!m) return null;
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length;
  return Math.sqrt(variance) / m;
}

/** Least-squares slope of y over x (units of y per unit of x). */
export function slope(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

/** Format a number for a table: fixed decimals, '-' when absent. */
export function f(x, digits = 2) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-';
}

export function table(head, rows) {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r);
  return t.toString();
}

/** Options every benchmark takes: --runs N, --duration S, --tool-core, --server-core. */
export function options(defaults = {}) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: false,
    options: {
      runs: { type: 'string' },
      duration: { type: 'string' },
      'tool-core': { type: 'string' },
      'server-core': { type: 'string' },
    },
  });
  return {
    runs: Number(values.runs ?? defaults.runs ?? 3),
    durationSec: Number(values.duration ?? defaults.durationSec ?? 10),
    toolCore: Number(values['tool-core'] ?? 0),
    serverCore: Number(values['server-core'] ?? 1),
  };
}

export function machine() {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAvg1m: loadavg()[0],
    date: new Date().toISOString(),
  };
}

const busyLog = [];

/** Write bench/out/<name>-<UTC time>.json and return its path. */
export function save(name, data) {
  const busy = busyLog.splice(0);
  if (busy.length) {
    data = { ...data, otherCpuBeforeRunsPct: { max: Math.max(...busy), median: median(busy) } };
    console.log(`CPU used by other work just before each run: median ${f(median(busy), 0)}%, max ${f(Math.max(...busy), 0)}%`);
  }
  const dir = join(repoRoot, 'bench', 'out');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${name}-${stamp}.json`);
  writeFileSync(path, JSON.stringify({ name, machine: machine(), ...data }, null, 2) + '\n');
  return path;
}

/** A pass / fail / not-run verdict line for a target. */
export function verdict(label, pass) {
  return verdictLine(pass === null || pass === undefined ? 'NOT RUN' : pass ? 'MET' : 'NOT MET', label);
}

/** A figure given beside the verdicts, with no target of its own. */
export function reported(label) {
  return verdictLine('REPORTED', label);
}

function verdictLine(word, label) {
  return `${word.padEnd(8)} ${label}`;
}

/** Below this coverage (fewer than 5 rounds) an interval shows nothing: no target is called met on it. */
const MIN_COVERAGE = 0.9;

/**
 * A verdict on a ratio measured over rounds, against a floor: MET only when the median's interval
 * (medianInterval) lies at or above it with a coverage of at least 90% (5 rounds or more), NOT
 * MET when the median is below it, NOT SHOWN when the median reaches it but the rounds spread
 * too wide or are too few to show it (or there are none).
 */
export function ratioVerdict(label, ratios, floor) {
  const i = medianInterval(ratios);
  const m = median(ratios);
  if (i === null || m === null) return verdictLine('NOT SHOWN', label);
  return verdictLine(i.low >= floor && i.coverage >= MIN_COVERAGE ? 'MET' : m < floor ? 'NOT MET' : 'NOT SHOWN', label);
}

export function log(msg) {
  process.stderr.write(`${msg}\n`);
}

/**
 * Run one tool; a failure is logged and recorded in `failures` instead of ending the benchmark,
 * so the peers' numbers survive a broken run of one tool.
 */
/**
 * `runs` rounds of every closed-loop tool, tools interleaved within a round; each round maps a
 * tool's name to its requests, rate, latency quantiles (ms), errors and command.
 * `beforeEach` runs before every tool run (e.g. resetting a counting server).
 */
export async function latencyRounds(runs, tools, failures, beforeEach = async () => {}) {
  const rounds = [];
  for (let i = 0; i < runs; i++) {
    const round = {};
    // Each round starts with the next tool: a slow or fast spell of the machine then falls on
    // every tool in turn instead of always on the same one.
    const order = tools.map((_, k) => tools[(i + k) % tools.length]);
    for (const [name, runTool] of order) {
      await beforeEach();
      const r = await attempt(name, runTool, failures);
      if (!r) continue;
      log(`${name}: ${f(r.ratePerSec, 0)} req/s, p50 ${f(r.latencyMs.p50, 3)} ms, errors ${r.errors}`);
      round[name] = { requests: r.requests, ratePerSec: r.ratePerSec, ...r.latencyMs, busyBeforePct: r.busyBeforePct, errors: r.errors, command: r.command, ...(r.cpuSec != null && { cpuSec: r.cpuSec }) };
    }
    rounds.push(round);
  }
  return rounds;
}

export async function attempt(name, fn, failures) {
  const busyBeforePct = await waitForQuiet({ limitMs: Number(process.env.BENCH_QUIET_WAIT_MS ?? 60_000) });
  busyLog.push(busyBeforePct);
  try {
    const result = await fn();
    return result && typeof result === 'object' ? { ...result, busyBeforePct } : result;
  } catch (err) {
    const message = String(err?.message ?? err).slice(0, 2000);
    log(`${name} FAILED: ${message}`);
    failures.push({ tool: name, message });
    return null;
  }
}

/** Share of all CPUs busy over `ms` (from /proc/stat): how much else is running right now. */
export async function cpuBusyPct(ms = 1000) {
  const read = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total === a.total ? 0 : (100 * (1 - (b.idle - a.idle) / (b.total - a.total)));
}

/**
 * The machine is shared: wait (at most `limitMs`) until other work uses under `maxPct` of the
 * CPUs, so a benchmark does not start in the middle of someone else's test run. Returns the
 * last measured busy share, which the benchmark records next to its numbers.
 */
export async function waitForQuiet({ maxPct = 15, limitMs = 120_000 } = {}) {
  const deadline = Date.now() + limitMs;
  let busy = await cpuBusyPct();
  while (busy > maxPct && Date.now() < deadline) {
    log(`machine busy (${busy.toFixed(0)}% CPU used by other work): waiting`);
    await new Promise((r) => setTimeout(r, 5000));
    busy = await cpuBusyPct();
  }
  return busy;
}
