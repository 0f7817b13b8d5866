/**
 * Runs the real binary (bin/coldbench.js over dist/; `npm test` builds it first) as a child
 * process, bounded in time, for tests that send it real signals.
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
  /** Gets the child as soon as it is spawned (to signal it). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each chunk of stderr as it arrives, and the text so far. */
  onStderr?: (all: string, child: ChildProcess) => void;
  /** The child is killed (SIGKILL) past this; default 60 s. */
  timeoutMs?: number;
}

export function coldbench(args: string[], opts: RunOptions): Promise<Ran> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
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
