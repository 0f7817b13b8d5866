// --workers on this machine (docs/distributed.md): closed-model requests/s with --workers 1 and
// --workers 2 against nginx, and the CPU per request of a shard (a worker process) against one
// process running the same load.
//
// Throughput: `coldbench run --workers N` with a closed model of 50 workers for --duration
// seconds, the merged rate.achieved; the modes alternate within each round. Nothing is pinned:
// the workers, the parent and nginx share the machine's cores, as a user's run would.
//
// CPU per request: the CPU time (user + system, of the process and every process it waited for,
// from bash's `time`) over the requests sent, taken as the difference between a run of
// --duration seconds and one of a third of it, so start-up, warm-up and the exit cancel out:
// (cpu(long) - cpu(short)) / (sent(long) - sent(short)). `single` is `coldbench run`; `shard` is
// `coldbench run --workers 1` (the worker, plus its idle parent).
//
//   node bench/workers.mjs --runs 3 --duration 10
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startNginx } from './lib/servers.mjs';
import { repoRoot, requireColdbench } from './lib/coldbench.mjs';
import { run } from './lib/proc.mjs';
import { options, median, f, table, save, log } from './lib/report.mjs';

const CONCURRENCY = 50;
const bin = join(repoRoot, 'bin', 'coldbench.js');

/** One coldbench run under bash's `time`; returns the result and the CPU seconds of its process tree. */
async function timedRun(url, durationSec, extraArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-workers-'));
  try {
    const profile = join(dir, 'p.yaml');
    writeFileSync(profile, stringify({ name: 'workers', target: { kind: 'http', url }, load: { model: 'closed', concurrency: CONCURRENCY, duration: `${durationSec}s` } }));
    const out = join(dir, 'results');
    const command = `TIMEFORMAT='cpu %U %S'; time ${process.execPath} ${bin} run ${profile} --out ${out} --quiet --no-progress ${extraArgs.join(' ')}`;
    const r = await run('bash', ['-c', command], { timeoutMs: (durationSec + 120) * 1000 });
    if (r.code !== 0) throw new Error(`coldbench exited ${r.code}: ${r.stderr.slice(-800)}`);
    const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const [file] = readdirSync(out);
    const result = JSON.parse(readFileSync(join(out, file), 'utf8'));
    return { result, cpuSec: Number(m[1]) + Number(m[2]), userSec: Number(m[1]), sysSec: Number(m[2]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 10 }), ...argv };
  await requireColdbench();
  const nginx = await startNginx({ core: null });
  const rounds = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      const round = {};
      const modes = i % 2 === 0 ? [1, 2] : [2, 1];
      for (const n of modes) {
        const { result } = await timedRun(nginx.url, opt.durationSec, ['--workers', String(n)]);
        round[`workers${n}`] = { ratePerSec: result.rate.achieved, sent: result.counts.sent, errors: result.counts.errors, p99Ms: result.latency.all.p99 };
        log(`--workers ${n}: ${f(result.rate.achieved, 0)} req/s (p99 ${result.latency.all.p99} ms, errors ${result.counts.errors})`);
      }
      for (const [mode, args] of i % 2 === 0 ? [['single', []], ['shard', ['--workers', '1']]] : [['shard', ['--workers', '1']], ['single', []]]) {
        const long = await timedRun(nginx.url, opt.durationSec, args);
        const short = await timedRun(nginx.url, Math.max(1, Math.round(opt.durationSec / 3)), args);
        const requests = long.result.counts.sent - short.result.counts.sent;
        const cpuUsPerRequest = ((long.cpuSec - short.cpuSec) * 1e6) / requests;
        round[mode] = { cpuUsPerRequest, requests, cpuSec: long.cpuSec - short.cpuSec };
        log(`${mode}: ${f(cpuUsPerRequest, 2)} us CPU per request (${requests} requests in the difference)`);
      }
      rounds.push(round);
    }
  } finally {
    await nginx.close();
  }
  const pick = (key, field) => median(rounds.map((r) => r[key]?.[field]).filter((x) => Number.isFinite(x)));
  const ratio = (a, b, field) => median(rounds.filter((r) => r[a] && r[b]).map((r) => r[a][field] / r[b][field]));
  console.log(table(['mode', 'req/s (median)', 'p99 ms'], [1, 2].map((n) => [`--workers ${n}`, f(pick(`workers${n}`, 'ratePerSec'), 0), f(pick(`workers${n}`, 'p99Ms'), 2)])));
  console.log(table(['process', 'CPU us/request (median)'], ['single', 'shard'].map((m) => [m, f(pick(m, 'cpuUsPerRequest'), 2)])));
  const speedup = ratio('workers2', 'workers1', 'ratePerSec');
  const cpuRatio = ratio('shard', 'single', 'cpuUsPerRequest');
  console.log(`requests/s, --workers 2 / --workers 1: ${f(speedup, 3)}   CPU per request, shard / single process: ${f(cpuRatio, 3)}`);
  const path = save('workers', { options: opt, concurrency: CONCURRENCY, rounds, ratios: { workers2ToWorkers1: speedup, shardToSingleCpu: cpuRatio } });
  log(`wrote ${path}`);
  return { verdicts: [] };
}

if (import.meta.url === `file://${fileURLToPath(import.meta.url)}` && process.argv[1] === fileURLToPath(import.meta.url)) await main();
