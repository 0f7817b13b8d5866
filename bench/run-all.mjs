// Run every benchmark in turn (npm run bench). Each prints its table and verdicts; the HTTP ones
// write JSON to bench/out/. Options: --only a,b (names below); --runs N, --duration S,
// --tool-core C, --server-core C go to the HTTP benchmarks (memory takes --memory-duration S).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/coldbench.mjs';
import { machine, log } from './lib/report.mjs';

const { values } = parseArgs({ strict: false, options: { only: { type: 'string' }, 'memory-duration': { type: 'string' } } });
const only = values.only ? values.only.split(',') : null;

const benches = [
  ['open-rate', './open-rate.mjs'],
  ['stall', './stall.mjs'],
  ['latency', './latency.mjs'],
  ['throughput', './throughput.mjs'],
  ['variety', './variety.mjs'],
  ['cpu-per-request', './cpu-per-request.mjs'],
  ['head-to-head', './head-to-head.mjs'],
  ['engine-overhead', './engine-overhead.mjs'],
  ['rate-cpu', './rate-cpu.mjs'],
  ['clock-wait', './clock-wait.mjs'],
  ['workers', './workers.mjs'],
  ['checkpoint', './checkpoint.mjs'],
  ['memory', './memory.mjs'],
  ['logs', './logs.mjs'],
  ['logs-pairs', './logs-pairs.mjs'],
  ['logs-profile', './logs-profile.mjs'],
  // The emulator and Lambda-target benchmarks (docs/benchmarks.md) need the built
  // emulator; they take their own options, so they get their defaults here.
  ['emulator', './emulator.mjs', () => existsSync(join(repoRoot, 'dist', 'emulator', 'index.js'))],
  ['lambda-target', './lambda-target.mjs', () => existsSync(join(repoRoot, 'dist', 'emulator', 'index.js'))],
];
const ownOptions = new Set(['emulator', 'lambda-target']);

log(`machine: ${JSON.stringify(machine())}`);
const allVerdicts = [];
for (const [name, file, available] of benches) {
  if (only && !only.includes(name)) continue;
  if (available && !available()) {
    log(`\n== ${name}: skipped (not built)`);
    continue;
  }
  if (!existsSync(new URL(file, import.meta.url))) continue;
  console.log(`\n== ${name}`);
  const mod = await import(file);
  const memorySec = Number(values['memory-duration'] ?? 300);
  const extra = ownOptions.has(name) ? [] : name === 'memory' ? { durationSec: memorySec } : name === 'logs' ? { memorySec } : {};
  try {
    const { verdicts = [] } = await mod.main(extra);
    allVerdicts.push(...verdicts.map((v) => `[${name}] ${v}`));
  } catch (err) {
    allVerdicts.push(`[${name}] FAILED   ${err.message.split('\n')[0]}`);
    log(err.stack);
  }
}
console.log(`\n== summary\n${allVerdicts.join('\n')}`);
