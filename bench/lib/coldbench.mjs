// Run the built coldbench CLI (bin/coldbench.js -> dist/) on a generated profile, pinned to the
// tool core, and normalize its result (SPEC section 7 field names) like the peers' results.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { run } from './proc.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binOf = (root) => join(root, 'bin', 'coldbench.js');

/** Is the CLI of `root` (a checkout; this one by default) built and answering? Returns null when usable, else the reason it is not. */
export async function coldbenchMissing(root = repoRoot) {
  const bin = binOf(root);
  if (!existsSync(bin)) return `${bin} does not exist`;
  if (!existsSync(join(root, 'dist'))) return `${join(root, 'dist')} does not exist (run npm run build there)`;
  const r = await run(process.execPath, [bin, '--version'], { timeoutMs: 20_000 });
  if (r.code !== 0) return `coldbench --version exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`;
  return null;
}

/** For benchmarks that measure only coldbench's built engine: throws when it is not built. */
export async function requireColdbench(root = repoRoot) {
  const missing = await coldbenchMissing(root);
  if (missing) throw new Error(`coldbench not built: ${missing}`);
}

/**
 * Run one profile (a plain object, written as YAML). Options: core, timeoutMs,
 * sampleEveryMs (sample VmRSS/VmHWM of the process tree from /proc while it runs), args (more
 * flags for `run`), cpu (run it under a shell whose `times` gives the CPU seconds, user + system,
 * the run used: `cpuSec` in the answer), threads (sample the CPU of coldbench's threads from /proc
 * every 100 ms: `threadCpuSec` { main, reader, other } is the CPU of the main thread (the one that
 * sends and times requests), of the log reading thread (the one at nice 19) and of the others
 * (V8's and libuv's helpers) from the load's start to its end, or with logs read to the end of
 * the reading after it, where the joins of the load's last seconds happen: the result's
 * startedAt, and endedAt plus logs.waitedMs, interpolated between samples). With threads:
 * readerCore (move the log reading thread to that core as soon as it is seen, before the load
 * starts: `readerPinned` says whether it was), serverPid (sample that process's CPU too, as
 * `server`); `loadCpuSec` is the same CPU from the load's start to its end only. root: the
 * checkout whose build runs (this one by default).
 */
export async function runColdbench(profile, { core = 0, timeoutMs = 180_000, sampleEveryMs, args: extra = [], cpu = false, threads = false, readerCore, serverPid, root = repoRoot } = {}) {
  const bin = binOf(root);
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-bench-'));
  const file = join(dir, `${profile.name}.yaml`);
  writeFileSync(file, stringify(profile));
  const args = [bin, 'run', file, '--json', '--no-progress', '--out', join(dir, 'results'), ...extra];
  const samples = [];
  let timer;
  let threadTimer;
  const threadCpu = [];
  let readerPinnedAtMs;
  const t0 = Date.now();
  try {
    const [cmd, cmdArgs] = cpu ? ['sh', ['-c', `${[process.execPath, ...args].map(quote).join(' ')}; code=$?; times >&2; exit $code`]] : [process.execPath, args];
    const r = await run(cmd, cmdArgs, {
      core,
      timeoutMs,
      onSpawn: (child) => {
        if (threads) {
          // By thread id, the last CPU seen: a thread that ended still counts what it used.
          const byThread = new Map();
          threadTimer = setInterval(() => {
            const seen = threadCpuSeconds(child.pid);
            if (seen === null) return;
            for (const t of seen) byThread.set(t.tid, t);
            const sec = { main: 0, reader: 0, other: 0 };
            const faults = { main: 0, reader: 0, other: 0 };
            for (const t of byThread.values()) {
              sec[t.kind] += t.sec;
              faults[t.kind] += t.minorFaults;
            }
            if (serverPid !== undefined) sec.server = processCpuSeconds(serverPid) ?? NaN;
            threadCpu.push({ atMs: Date.now(), sec, faults });
            const reader = seen.find((t) => t.kind === 'reader');
            if (readerCore !== undefined && reader !== undefined && readerPinnedAtMs === undefined) {
              execFileSync('taskset', ['-pc', String(readerCore), reader.tid], { stdio: 'ignore' });
              readerPinnedAtMs = Date.now();
            }
          }, 100);
        }
        if (!sampleEveryMs) return;
        const sample = () => {
          const mem = treeMemory(child.pid);
          if (mem) samples.push({ tSec: (Date.now() - t0) / 1000, ...mem });
        };
        timer = setInterval(sample, sampleEveryMs);
      },
    });
    clearInterval(timer);
    clearInterval(threadTimer);
    const result = parseResult(r, dir);
    const cpuSec = cpu ? childCpuSeconds(r.stderr) : undefined;
    const pinned = readerCore === undefined ? {} : { readerPinned: readerPinnedAtMs !== undefined && readerPinnedAtMs < Date.parse(result.startedAt) };
    return { ...normalize(result), ...(cpu && { cpuSec }), ...(threads && { threadCpuSec: perKindDuringLoad(threadCpu, result), loadCpuSec: perKindDuringLoad(threadCpu, result, false), threadFaults: perKindDuringLoad(threadCpu, result, true, 'faults') }), ...pinned, command: `taskset -c ${core} node bin/coldbench.js run <profile> --json --no-progress${extra.length > 0 ? ` ${extra.join(' ')}` : ''}`, profile, result, rss: samples, exitCode: r.code };
  } finally {
    clearInterval(timer);
    clearInterval(threadTimer);
    rmSync(dir, { recursive: true, force: true });
  }
}

function quote(arg) {
  return `'${String(arg).replaceAll("'", "'\\''")}'`;
}

/** The last line of the shell's `times`: its children's user and system time ("0m1.23s 0m0.45s"). */
export function childCpuSeconds(text) {
  const lines = text.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : null;
}

function parseResult(r, dir) {
  try {
    return JSON.parse(r.stdout);
  } catch {
    // Fall back to the saved result file, if the run wrote one.
    const out = join(dir, 'results');
    const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
    if (files[0]) return JSON.parse(readFileSync(join(out, files[0]), 'utf8'));
    throw new Error(`coldbench gave no result (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.slice(-1500)}`);
  }
}

function normalize(result) {
  const lat = result.latency?.all ?? {};
  return {
    tool: 'coldbench',
    requests: result.counts?.sent,
    ratePerSec: result.rate?.achieved,
    targetPerSec: result.rate?.target,
    latencyMs: { p50: lat.p50, p90: lat.p90, p99: lat.p99, max: lat.max },
    errors: result.counts?.errors,
    dropped: result.counts?.dropped,
    status: result.status,
  };
}

/** User + system CPU seconds of a process (all its threads), from /proc/<pid>/stat; null once it is gone. */
export function processCpuSeconds(pid) {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
}

/**
 * User + system CPU seconds and minor page faults (first touches of memory new to the process)
 * of each thread of the node process at or under `rootPid`, with its kind: `main` (the thread
 * whose id is the process's), `reader` (nice 19: the log reading thread) or `other`, from
 * /proc/<pid>/task/<tid>/stat; null once the process is gone.
 */
export function threadCpuSeconds(rootPid) {
  for (const pid of descendants(rootPid)) {
    if (readProc(`/proc/${pid}/comm`)?.trim() !== 'node') continue;
    const out = [];
    for (const tid of readDir(`/proc/${pid}/task`)) {
      const stat = readProc(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      // Fields after the command name (which may hold spaces): minflt the 10th, utime, stime the 14th and 15th, nice the 19th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const sec = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
      out.push({ tid: String(tid), sec, minorFaults: Number(fields[7]), kind: String(tid) === String(pid) ? 'main' : Number(fields[16]) === 19 ? 'reader' : 'other' });
    }
    return out.some((t) => t.kind === 'main') ? out : null;
  }
  return null;
}

/**
 * CPU seconds (or with `what` 'faults', minor page faults) of each kind between the load's start
 * and its end (with logs read and `throughReading`, the end of the reading after it), from
 * samples { atMs, sec: { main, reader, other, server? }, faults: { main, reader, other } } (past
 * the last one, its value: the process was saving its result); null without a sample before the
 * start.
 */
function perKindDuringLoad(samples, result, throughReading = true, what = 'sec') {
  const from = Date.parse(result.startedAt);
  const to = Date.parse(result.endedAt) + (throughReading ? (result.logs?.waitedMs ?? 0) : 0);
  if (samples.length === 0) return null;
  const at = (t, kind) => {
    // Past the last sample (taken up to 100 ms before the process ended): its value.
    const last = samples[samples.length - 1];
    if (last !== undefined && t >= last.atMs) return last[what][kind];
    const i = samples.findIndex((x) => x.atMs >= t);
    if (i <= 0) return null;
    const [a, b] = [samples[i - 1], samples[i]];
    return a[what][kind] + ((b[what][kind] - a[what][kind]) * (t - a.atMs)) / (b.atMs - a.atMs);
  };
  const out = {};
  for (const kind of Object.keys(samples[0]?.[what] ?? {})) {
    const [start, end] = [at(from, kind), at(to, kind)];
    if (start === null || end === null) return null;
    out[kind] = end - start;
  }
  return out;
}

/** USER_HZ, the unit of /proc's times: 100 on Linux for every architecture we run on. */
const CLOCK_TICKS_PER_SEC = 100;

/** VmRSS and VmHWM (MB) summed over a process and its descendants, from /proc. */
export function treeMemory(rootPid) {
  const pids = descendants(rootPid);
  let rssMB = 0;
  let hwmMB = 0;
  let seen = 0;
  for (const pid of pids) {
    const status = readProc(`/proc/${pid}/status`);
    // A process that is exiting (a zombie) has no VmRSS line: not a sample.
    if (!status || !/^VmRSS:/m.test(status)) continue;
    seen += 1;
    rssMB += kbField(status, 'VmRSS') / 1024;
    hwmMB += kbField(status, 'VmHWM') / 1024;
  }
  return seen ? { rssMB, hwmMB, processes: seen } : null;
}

function descendants(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const tasks = readDir(`/proc/${out[i]}/task`);
    for (const tid of tasks) {
      const kids = readProc(`/proc/${out[i]}/task/${tid}/children`);
      if (kids) out.push(...kids.trim().split(/\s+/).filter(Boolean).map(Number));
    }
  }
  return out;
}

function kbField(status, name) {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function readProc(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function readDir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
