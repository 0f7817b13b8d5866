/**
 * The emulator's CPU share by memory size (src/emulator/cpu-share.ts): the math, and a real
 * CPU-bound child process held to its share.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { budgetMs, cpuShareOf, limitCpuShare } from '../../src/emulator/cpu-share.js';

describe('cpuShareOf', () => {
  it.each([
    [128, 128 / 1769],
    [1769, 1],
    [3538, 2],
    [10240, 10240 / 1769],
    [20000, 6],
  ])('%i MB -> %f vCPU', (memoryMB, share) => expect(cpuShareOf(memoryMB)).toBeCloseTo(share, 9));

  it('gives 128 MB about 3.6 ms of CPU per 50 ms window', () => expect(budgetMs(cpuShareOf(128), 50)).toBeCloseTo(3.618, 3));
});

const linux = process.platform === 'linux';

describe.runIf(linux)('limitCpuShare on a real process', () => {
  const cpuMs = (pid: number): number => Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ', 1)[0]) / 1e6;
  const stateOf = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '')[0]!;

  /** Runs a spinning child under the limit for `ms`: its CPU share and whether it was ever seen stopped. */
  async function spin(memoryMB: number, ms: number): Promise<{ share: number; stopped: boolean }> {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    const pid = child.pid!;
    try {
      const lift = limitCpuShare(child, memoryMB);
      await new Promise((r) => setTimeout(r, 200)); // past the process start
      const cpu0 = cpuMs(pid);
      const t0 = performance.now();
      let stopped = false;
      while (performance.now() - t0 < ms) {
        stopped ||= stateOf(pid) === 'T';
        await new Promise((r) => setTimeout(r, 2));
      }
      const share = (cpuMs(pid) - cpu0) / (performance.now() - t0);
      lift();
      return { share, stopped };
    } finally {
      child.kill('SIGKILL');
    }
  }

  it('holds a spinning process to its share (128 MB: 7.2% of a CPU), stopping it when it is used up', async () => {
    const { share, stopped } = await spin(128, 1500);
    // Seen stopped: the limit acted (a busy machine may give the child less than a CPU, but more
    // than 7.2% of one).
    expect(stopped).toBe(true);
    // Its 3.6 ms per 50 ms window plus at most one 5 ms tick before the limiter sees it (0.17),
    // and a little for a late timer; unlimited, a spinning process uses a whole CPU.
    expect(share).toBeLessThan(0.25);
  }, 10_000);

  it('attaches no limiter at one vCPU or more (a single thread never uses more than one)', () => {
    for (const [memoryMB, limited] of [[885, true], [1769, false], [3538, false]] as const) {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
      try {
        const before = child.listenerCount('exit');
        const lift = limitCpuShare(child, memoryMB);
        // A limiter follows its child's exit to stop its timer; no limiter, no listener.
        expect(child.listenerCount('exit') - before, `${memoryMB} MB`).toBe(limited ? 1 : 0);
        lift();
      } finally {
        child.kill('SIGKILL');
      }
    }
  });
});

describe.runIf(linux)('an emulator function with cpuShare', () => {
  it('gets a CPU share proportional to its memory once initialized', async () => {
    const { startEmulator } = await import('../../src/emulator/index.js');
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const { client, fn, profilesDir, tail, text } = await import('../emulator/helpers.js');
    const emulator = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 10,
      functions: {
        small: fn('functions/cpu.handler', { memoryMB: 256, cpuShare: true, environment: { ITERATIONS: '20000000' } }),
      },
    });
    try {
      const lambda = client(emulator.endpoint);
      const invoke = async (): Promise<{ initMs?: number; cpuMs: number; wallMs: number }> => {
        const out = await lambda.send(new InvokeCommand({ FunctionName: 'small', LogType: 'Tail', Payload: '{}' }));
        const init = /Init Duration: ([\d.]+)/.exec(tail(out.LogResult))?.[1];
        const body = JSON.parse(text(out.Payload)) as { cpuMs: number; wallMs: number };
        return { ...(init !== undefined && { initMs: Number(init) }), ...body };
      };
      await invoke(); // cold: the limit starts once init is done
      const warm = await invoke();
      // 256 MB is 14.5% of a CPU, a wall time ~7x the CPU time if the limit were exact. The limiter
      // overshoots (by a 5 ms tick per 50 ms window, more when its own timer runs late), so only
      // a clear slowdown is asserted; unlimited, the ratio is about 1.
      expect(warm.wallMs / warm.cpuMs, JSON.stringify(warm)).toBeGreaterThan(2);
    } finally {
      await emulator.close();
    }
  }, 30_000);
});
