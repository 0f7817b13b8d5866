// What reading cold starts from the logs costs the engine thread, measured in pairs: in each round
// a closed run at full speed with logs off and one with logs on start together (`--start-at`, the
// same instant) on the same core, each against a Function URL stand-in of its own (bench/logs.mjs's),
// both stand-ins on another core.
// Both runs of a pair meet the same state of the machine, so its slow spells, which make runs
// minutes apart differ by 30% and more, reach both sides alike; what is left between them is the
// logs. The spawn order alternates from round to round.
//
// Each side's engine thread CPU (from /proc, from the load's start to the end of the reading
// after it: joins included, as in bench/logs.mjs) per request; per round the difference on - off
// in µs per request and the ratio off / on (requests per CPU-second, on / off), also during the
// load only (what bounds a closed run's throughput: the decisions counted after it left out). Sharing a core
// makes each request dearer on both sides, so the ratio in pairs is closer to 1 than the one
// bench/logs.mjs judges for a run alone: the difference in µs is this benchmark's figure. Each
// side's engine thread page faults (minor faults, from /proc: first writes to memory new to the
// process) per 1,000 requests, over the same span.
// `--same` runs both sides with logs off: how far apart two identical runs of a pair fall.
// `--against DIR` runs both sides with logs on, one of them the build of another checkout of
// coldbench (built there: npm ci, or node_modules linked, and npm run build): what a change
// costs or saves, measured as closely as the logs themselves.
// `--reader-core N` moves the logs-on side's reading thread to core N before the load (a run
// whose thread was not moved in time fails the benchmark).
// `--pool FILE` (repeated) runs nothing: it adds up the rounds of earlier runs' result files
// (bench/out/logs-pairs-*.json, all of one kind) and summarizes them as one run.
// Judged here, logs off against on: the HTTP engine's throughput with logs on within 5% of logs
// off, as the engine thread's requests per CPU-second (joins included), MET only when the
// median's interval lies at or above 0.95. Runs alone (bench/logs.mjs) judge it too, but on a
// machine whose speed drifts by 30% between runs minutes apart their interval is wider than the
// 5% it is to show.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, requireColdbench, runColdbench } from './lib/coldbench.mjs';
import { stop } from './lib/proc.mjs';
import { f, interval, log, median, options, ratioVerdict, save, table } from './lib/report.mjs';
import { closedProfile, readerCoreOption, startFunctionUrl } from './logs.mjs';

/** Longer than the 5 s a run reads before its start, so that no run reads the lines of the round before. */
export const PAUSE_MS = 7000;
/** Both runs start this long after they are spawned: time for each to start, warm up and open its connections. */
export const LEAD_MS = 8000;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 12, durationSec: 8 }), ...argv };
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { same: { type: 'boolean' }, 'reader-core': { type: 'string' }, against: { type: 'string' }, pool: { type: 'string', multiple: true } } });
  const pool = argv.pool ?? values.pool;
  if (pool !== undefined && pool.length > 0) return pooled(pool.map((file) => resolve(String(file))));
  const readerCore = readerCoreOption(argv.readerCore ?? values['reader-core'], opt.toolCore);
  const same = argv.same ?? values.same === true;
  const againstValue = argv.against ?? values.against;
  if (same && againstValue !== undefined) throw new Error('--same and --against: give one of them');
  const against = againstValue === undefined ? undefined : resolve(String(againstValue));
  // A side: its name, whether it reads its logs, its stand-in, the checkout whose build it runs.
  let sides = [['off', false, 0, repoRoot], ['on', true, 1, repoRoot]];
  if (same) sides = [['a', false, 0, repoRoot], ['b', false, 1, repoRoot]];
  if (against !== undefined) sides = [['base', true, 0, against], ['this', true, 1, repoRoot]];
  await requireColdbench();
  if (against !== undefined) await requireColdbench(against);
  const servers = [];
  const rounds = [];
  try {
    // A stand-in for each side, both on the server's core: a side with logs on then reads its own lines only.
    for (const _ of sides) servers.push(await startFunctionUrl(opt.serverCore));
    for (let i = 0; i < opt.runs; i++) {
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      const startAt = Date.now() + LEAD_MS;
      const order = i % 2 === 0 ? sides : sides.toReversed();
      const what = same ? 'two runs with logs off' : against !== undefined ? `logs on, builds ${order.map(([name]) => name).join(' and ')}` : `logs ${order.map(([name]) => name).join(' and ')}`;
      log(`round ${i + 1}/${opt.runs}: closed, ${what} at once on core ${opt.toolCore}`);
      const runs = await Promise.all(order.map(([, withLogs, server, root]) => runColdbench(closedProfile(servers[server], opt.durationSec, withLogs), {
        root,
        core: opt.toolCore,
        threads: true,
        ...(withLogs && readerCore !== undefined && { readerCore }),
        timeoutMs: (opt.durationSec + 180) * 1000,
        args: ['--start-at', String(startAt), '--start-tolerance', '3s'],
      })));
      const round = {};
      order.forEach(([name], k) => (round[name] = sideOf(runs[k], name)));
      rounds.push(round);
    }
  } finally {
    for (const server of servers) await stop(server.child);
  }
  return summarize(rounds, sides.map(([name]) => name), { ...opt, ...(against !== undefined && { against }), ...(readerCore !== undefined && { readerCore }) });
}

/** The rounds of earlier runs' result files, summarized as one run's. */
function pooled(files) {
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')));
  // Rounds with the reading thread on another core measure something else: not pooled with the rest.
  // Files written before the option was recorded say nothing of it: they count as on coldbench's core.
  const readerCores = new Set(runs.map((run) => run.opt?.readerCore ?? 'coldbench\'s'));
  if (readerCores.size > 1) throw new Error(`--pool: the files hold runs with the reading thread on different cores (${[...readerCores].join(', ')})`);
  const rounds = runs.flatMap((run) => run.rounds ?? []);
  if (rounds.length === 0) throw new Error(`--pool: no rounds in ${files.join(', ')}`);
  // Each round names its sides in the order they were spawned, which alternates.
  const kinds = new Set(rounds.map((round) => Object.keys(round).sort().join(' and ')));
  if (kinds.size > 1) throw new Error(`--pool: the files hold rounds of different kinds (${[...kinds].join('; ')})`);
  const sides = [['off', 'on'], ['a', 'b'], ['base', 'this']].find((pair) => pair.toSorted().join(' and ') === [...kinds][0]);
  if (sides === undefined) throw new Error(`--pool: rounds of unknown sides (${[...kinds][0]})`);
  log(`pooled: ${rounds.length} rounds of ${sides.join(' and ')} from ${files.length} files`);
  const readerCore = runs[0].opt?.readerCore;
  return summarize(rounds, sides, { pooled: files, runs: rounds.length, ...(readerCore !== undefined && { readerCore }) });
}

/** One side of a round: its engine thread's µs per request, joins included and during the load only, and its page faults. */
function sideOf(run, name) {
  if (run.exitCode !== 0 || run.threadCpuSec === undefined || run.threadCpuSec === null || !(run.requests > 0)) {
    throw new Error(`the ${name} run of a pair failed (exit code ${run.exitCode}; a run that starts over 3 s late exits 4: the machine was too busy)`);
  }
  if (run.readerPinned === false) throw new Error(`the ${name} run's reading thread was not moved to its core before the load`);
  return {
    requests: run.requests,
    ratePerSec: run.ratePerSec,
    us: (run.threadCpuSec.main * 1e6) / run.requests,
    loadUs: (run.loadCpuSec.main * 1e6) / run.requests,
    /** The engine thread's minor page faults (first writes to memory new to the process) per 1,000 requests, joins included. */
    faults: (run.threadFaults.main * 1000) / run.requests,
    matched: run.result.logs?.matched,
    deferred: run.result.logs?.deferred,
    command: run.command,
  };
}

function summarize(rounds, [a, b], opt) {
  const diff = rounds.map((r) => r[b].us - r[a].us);
  const ratio = rounds.map((r) => r[a].us / r[b].us);
  const loadDiff = rounds.map((r) => r[b].loadUs - r[a].loadUs);
  // During the load only: what bounds a closed run's throughput; the decisions counted after it do not.
  const loadRatio = rounds.map((r) => r[a].loadUs / r[b].loadUs);
  const faultDiff = rounds.map((r) => r[b].faults - r[a].faults);
  console.log(table(['round', `µs per request, ${a}`, `µs per request, ${b}`, `${b} - ${a}`, `requests per CPU-second, ${b} / ${a}`, `page faults per 1,000 requests, ${a} / ${b}`, `${b}: requests matched`], rounds.map((r, i) => [
    i + 1, f(r[a].us, 2), f(r[b].us, 2), f(diff[i], 2), f(ratio[i], 3), `${f(r[a].faults, 1)} / ${f(r[b].faults, 1)}`, r[b].deferred === undefined ? '' : `${r[b].matched} of ${r[b].deferred}`,
  ])));
  console.log(table(['in pairs, the engine thread', 'median', 'interval of the median'], [
    [`µs per request, ${b} - ${a} (joins included)`, f(median(diff), 2), interval(diff, 2)],
    [`µs per request, ${b} - ${a}, during the load only`, f(median(loadDiff), 2), interval(loadDiff, 2)],
    [`requests per CPU-second, ${b} / ${a}`, f(median(ratio), 3), interval(ratio)],
    [`the same during the load only`, f(median(loadRatio), 3), interval(loadRatio)],
    [`page faults per 1,000 requests, ${b} - ${a}`, f(median(faultDiff), 1), interval(faultDiff, 1)],
  ]));
  const unmatched = rounds.flatMap((r) => [r[a], r[b]]).filter((side) => side.deferred !== undefined && side.matched !== side.deferred).length;
  if (unmatched > 0) console.log(`${unmatched} logs-on runs did not match every request`);
  const verdicts = a === 'off' && b === 'on' ? [ratioVerdict(`the HTTP engine's throughput with logs on within 5% of logs off, as the engine thread's requests per CPU-second in pairs (joins included): median ${f(median(ratio), 3)}, ${interval(ratio)}`, ratio, 0.95)] : [];
  for (const line of verdicts) console.log(line);
  const file = save('logs-pairs', { opt, rounds, median: { diffUs: median(diff), loadDiffUs: median(loadDiff), ratio: median(ratio), loadRatio: median(loadRatio), faultDiff: median(faultDiff) }, verdicts });
  console.log(`wrote ${file}`);
  return { verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
