/**
 * Runs the real binary (bin/coldbench.js over dist/) as a child process, bounded in time, and
 * collects its output.
 * `npm test` builds dist/ first; test/helpers/dist-check.ts stops a run on a stale build.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/coldbench.js');

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Standard input; none (ignored) when absent. */
  input?: string;
  /** Called once the child is spawned (to signal it, read its pid). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each chunk of stdout as it arrives. */
  onStdout?: (chunk: string, child: ChildProcess) => void;
  /** Called as stderr arrives, with all of it so far. */
  onStderr?: (all: string, child: ChildProcess) => void;
  /** The child is killed (SIGKILL) past this; default 120 s. */
  timeoutMs?: number;
}

export function coldbench(args: string[], opts: RunOptions): Promise<Ran> {
  return new Promise((resolveRan, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      opts.onStdout?.(d.toString(), child);
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRan({ code, signal, stdout, stderr });
    });
    opts.onSpawn?.(child);
  });
}

/** Whether a process with this pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
