// Peer load tools, run as child processes pinned to the tool core, with results normalized to
// { tool, requests, ratePerSec, latencyMs: { p50, p90, p99, max }, errors }.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { run, ensureApt } from './proc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** wrk (closed model: `connections` connections, each sends when its last answer arrived). */
// `paceDelayMs` turns on wrk-pace.lua: each connection waits that long before each request.
export async function runWrk({ url, connections, durationSec, threads = 1, core = 0, paceDelayMs }) {
  if (!ensureApt(['wrk'], ['wrk'])) throw new Error('wrk is not installed and apt-get failed');
  const script = join(here, '..', 'peers', paceDelayMs ? 'wrk-pace.lua' : 'wrk-json.lua');
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${durationSec}s`, '--latency', '-s', script, url];
  if (paceDelayMs) args.push('--', String(paceDelayMs));
  const r = await run('wrk', args, { core, timeoutMs: (durationSec + 30) * 1000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk failed (exit ${r.code}): ${r.stderr || r.stdout}`);
  const j = JSON.parse(line.slice('WRK_JSON '.length));
  const us = j.latencyUs;
  return {
    tool: paceDelayMs ? `wrk (lua delay ${paceDelayMs}ms x ${connections} conns)` : 'wrk',
    command: `taskset -c ${core} wrk ${args.join(' ')}`,
    requests: j.requests,
    ratePerSec: j.requests / (j.durationUs / 1e6),
    latencyMs: { p50: us.p50 / 1000, p90: us.p90 / 1000, p99: us.p99 / 1000, max: us.max / 1000 },
    errors: Object.values(j.errors).reduce((a, b) => a + b, 0),
  };
}

/** autocannon CLI (a devDependency). `ratePerSec` sets its -R overall rate limit. */
export async function runAutocannon({ url, connections, durationSec, ratePerSec, core = 0, method, body, headers = [] }) {
  const bin = require.resolve('autocannon/autocannon.js');
  const args = ['-c', String(connections), '-d', String(durationSec), '--json', '-n'];
  if (ratePerSec) args.push('-R', String(ratePerSec));
  if (method) args.push('-m', method);
  if (body !== undefined) args.push('-b', body);
  for (const h of headers) args.push('-H', h);
  args.push(url);
  const r = await run(process.execPath, [bin, ...args], { core, timeoutMs: (durationSec + 30) * 1000 });
  let j;
  try {
    j = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    throw new Error(`autocannon failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  }
  const seconds = (Date.parse(j.finish) - Date.parse(j.start)) / 1000;
  return {
    tool: ratePerSec ? `autocannon -R ${ratePerSec}` : 'autocannon',
    command: `taskset -c ${core} npx autocannon ${args.join(' ')}`,
    requests: j.requests.total,
    ratePerSec: j.requests.total / seconds,
    latencyMs: { p50: j.latency.p50, p90: j.latency.p90, p99: j.latency.p99, max: j.latency.max },
    errors: j.errors + j.timeouts + (j.non2xx ?? 0),
  };
}
