// Child processes for the benchmarks: spawn pinned to a core, collect output, always clean up.
// Every child started here is killed when the harness exits, also on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';

const live = new Set();

function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Prefix a command with `taskset -c <core>` when a core is given (and taskset exists). */
export function pinned(core, cmd, args) {
  if (core === undefined || core === null || !hasCommand('taskset')) return [cmd, args];
  return ['taskset', ['-c', String(core), cmd, ...args]];
}

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Start a long-lived child; it is tracked and killed when the harness exits. */
export function start(cmd, args, opts = {}) {
  const [c, a] = pinned(opts.core, cmd, args);
  const child = spawn(c, a, { stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stop a child started with `start` and wait until it is gone. */
export async function stop(child, signal = 'SIGTERM', graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Run a command to completion with a hard time limit; resolve with its output and status.
 * `onSpawn(child)` lets a caller watch the process while it runs (e.g. sample its RSS).
 */
export async function run(cmd, args, opts = {}) {
  const child = start(cmd, args, opts);
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  const limitMs = opts.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  // 'exit' may precede the last 'data' events: wait for the pipes to close.
  await Promise.all([child.stdout, child.stderr].filter(Boolean).map((s) => (s.closed ? null : once(s, 'close'))));
  return { code, signal, stdout, stderr, timedOut };
}

/** Make sure Debian packages providing these commands are installed (we run as root in CI). */
export function ensureApt(commands, packages) {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return true;
  process.stderr.write(`installing ${packages.join(' ')} (missing: ${missing.join(', ')})\n`);
  const r = spawnSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(' ')}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  return r.status === 0 && commands.every(hasCommand);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
