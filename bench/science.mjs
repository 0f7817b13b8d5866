// How close the experiments come on the built-in emulator (docs/sweep.md):
//
//   1. replay: the example replay (profiles/examples/replay-local.yaml) is run --runs times; after
//      each, `plan replay --measured <its result>` predicts its cold starts. Prints measured
//      against predicted and the error; target: within 10% (the test bounds one window the same way).
//   2. sweep: the example sweep (profiles/examples/sweep-local.yaml, idle timeout uniform on
//      1-2 s, median 1.5 s) is run --runs times; prints the keep-alive estimate and interval;
//      target: the median inside the interval.
//
//   node bench/science.mjs [--runs 3] [--only replay,sweep]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requireColdbench, repoRoot } from './lib/coldbench.mjs';
import { run } from './lib/proc.mjs';
import { f, log, machine, options, save, table, verdict } from './lib/report.mjs';

const bin = join(repoRoot, 'bin', 'coldbench.js');
const REPLAY = join(repoRoot, 'profiles', 'examples', 'replay-local.yaml');
const SWEEP = join(repoRoot, 'profiles', 'examples', 'sweep-local.yaml');
const SWEEP_GAPS = '800ms,1200ms,1500ms,1800ms,2200ms';
const SWEEP_MEDIAN_MS = 1500;

async function coldbench(args) {
  const r = await run(process.execPath, [bin, ...args], { timeoutMs: 300_000 });
  if (r.code !== 0 && r.code !== 3) throw new Error(`coldbench ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-500)}`);
  return r;
}

async function replayRound(dir) {
  const out = join(dir, `replay-${Date.now()}`);
  await coldbench(['run', REPLAY, '--quiet', '--no-progress', '--out', out]);
  const file = join(out, readdirSync(out).find((n) => n.endsWith('.json')));
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const plan = JSON.parse((await coldbench(['plan', 'replay', REPLAY, '--measured', file, '--json'])).stdout);
  const measured = result.counts.cold + result.counts.proactive;
  const predicted = plan.options[0].coldStarts;
  return { measured, predicted, errorPct: predicted > 0 ? (100 * (measured - predicted)) / predicted : null, initP50: result.init?.p50, durationMs: plan.timing.durationMs };
}

async function sweepRound(dir) {
  const out = join(dir, `sweep-${Date.now()}`);
  await coldbench(['sweep', 'idle', SWEEP, '--gaps', SWEEP_GAPS, '--samples', '10', '--quiet', '--out', out]);
  const r = JSON.parse(readFileSync(join(out, readdirSync(out).find((n) => n.endsWith('.json'))), 'utf8'));
  const k = r.keepAlive;
  return { estimateMs: k.estimateMs, lowMs: k.lowMs, highMs: k.highMs, covers: k.lowMs !== null && k.highMs !== null && k.lowMs <= SWEEP_MEDIAN_MS && SWEEP_MEDIAN_MS <= k.highMs };
}

export async function main() {
  const opt = options({ runs: 3 });
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { only: { type: 'string' } } });
  const only = values.only ? values.only.split(',') : ['replay', 'sweep'];
  await requireColdbench();
  log(`machine: ${JSON.stringify(machine())}`);
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-science-'));
  const data = {};
  try {
    if (only.includes('replay')) {
      const rounds = [];
      for (let i = 0; i < opt.runs; i++) rounds.push(await replayRound(dir));
      console.log('\nreplay of profiles/examples/replay-local.yaml: measured against predicted cold starts');
      console.log(table(['run', 'measured', 'predicted', 'error %', 'init p50 (ms)', 'duration (ms)'], rounds.map((r, i) => [i + 1, r.measured, f(r.predicted, 1), f(r.errorPct, 1), f(r.initP50, 0), f(r.durationMs, 1)])));
      console.log(verdict('replay prediction within 10% in every run', rounds.every((r) => r.errorPct !== null && Math.abs(r.errorPct) <= 10)));
      data.replay = rounds;
    }
    if (only.includes('sweep')) {
      const rounds = [];
      for (let i = 0; i < opt.runs; i++) rounds.push(await sweepRound(dir));
      console.log(`\nsweep of profiles/examples/sweep-local.yaml (idle timeout uniform on 1-2 s, median ${SWEEP_MEDIAN_MS} ms)`);
      console.log(table(['run', 'keep-alive (ms)', 'interval low', 'interval high', 'median inside'], rounds.map((r, i) => [i + 1, f(r.estimateMs, 0), f(r.lowMs, 0), f(r.highMs, 0), r.covers ? 'yes' : 'no'])));
      console.log(verdict('sweep interval holds the median in every run', rounds.every((r) => r.covers)));
      data.sweep = rounds;
    }
    console.log(`saved: ${save('science', data)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
