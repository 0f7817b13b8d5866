/**
 * A CPU share proportional to memory, as Lambda gives it: one vCPU at 1,769 MB, so 128 MB gets
 * 128 / 1769 = 7.2% of a CPU. Without privileges (no cgroup to write) the share is enforced the
 * way cpulimit does it: the process's CPU time is read from /proc/<pid>/schedstat (ns, exact)
 * every TICK_MS; once it has used share x WINDOW_MS in the current window it is stopped
 * (SIGSTOP) until the window ends, then continued (SIGCONT). An idle process uses nothing and
 * is never stopped, so waiting for the next invocation costs no latency.
 *
 * Linux only (procfs); elsewhere, or when the share is one CPU or more (a Node handler runs its
 * JavaScript on one thread), nothing is limited. Only the main thread is measured.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

/** Memory at which Lambda gives one full vCPU (AWS docs, "Configuring Lambda function memory"). */
export const MB_PER_VCPU = 1769;
export const WINDOW_MS = 50;
export const TICK_MS = 5;

/** vCPUs for a memory size: memoryMB / 1769, at most 6 (Lambda's maximum at 10,240 MB). */
export function cpuShareOf(memoryMB: number): number {
  return Math.min(6, Math.max(0, memoryMB) / MB_PER_VCPU);
}

/** CPU time allowed per window, ms. */
export function budgetMs(share: number, windowMs = WINDOW_MS): number {
  return share * windowMs;
}

/**
 * Limits a spawned child to the CPU share of its memory size; stops by itself when the child
 * exits. Returns a function that lifts the limit (and continues the child if it is stopped).
 */
export function limitCpuShare(child: ChildProcess, memoryMB: number): () => void {
  const share = cpuShareOf(memoryMB);
  const pid = child.pid;
  if (share >= 1 || pid === undefined || process.platform !== 'linux') return () => undefined;
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/schedstat`, 'r');
  } catch {
    return () => undefined;
  }
  const buf = Buffer.alloc(128);
  const cpuMs = (): number | undefined => {
    try {
      const n = readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('latin1', 0, n).split(' ', 1)[0]) / 1e6;
    } catch {
      return undefined;
    }
  };
  const allowanceMs = budgetMs(share);
  let windowStart = performance.now();
  let windowCpu = cpuMs() ?? 0;
  let stopped = false;
  const signal = (name: 'SIGSTOP' | 'SIGCONT'): void => {
    try {
      process.kill(pid, name);
      stopped = name === 'SIGSTOP';
    } catch {
      // Already gone: the exit handler clears the timer.
    }
  };
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    if (cpu === undefined) return;
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      windowCpu = cpu;
      if (stopped) signal('SIGCONT');
      return;
    }
    if (!stopped && cpu - windowCpu >= allowanceMs) signal('SIGSTOP');
  }, TICK_MS);
  timer.unref();
  let lifted = false;
  const lift = (): void => {
    if (lifted) return;
    lifted = true;
    clearInterval(timer);
    if (stopped) signal('SIGCONT');
    closeSync(fd);
  };
  child.once('exit', lift);
  return lift;
}
