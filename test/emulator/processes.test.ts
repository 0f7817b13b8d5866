/**
 * The emulator's execution environments as processes: a maximum lifetime retires them (at once
 * when idle, when their invocation ends when busy); they run in process groups of their own, so
 * a Ctrl-C at the terminal (SIGINT to the foreground group) reaches the host and not them; and
 * they go away when the host dies without closing the emulator (SIGKILL).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { fn, profilesDir } from './helpers.js';
import { gone, procStat, until } from '../helpers/procs.js';

const linux = process.platform === 'linux';

describe('maxLifetime', () => {
  let emulator: Emulator;
  afterAll(async () => {
    await emulator?.close();
  });

  async function invoke(name: string, payload: unknown = {}): Promise<void> {
    await (await fetch(`${emulator.endpoint}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(payload) })).text();
  }

  it('retires an idle environment once its lifetime is over, and a busy one when its invocation ends', async () => {
    emulator = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 10,
      functions: {
        short: fn('functions/hello.handler', { maxLifetimeMs: 2000 }),
        busy: fn('functions/slow.handler', { maxLifetimeMs: 2000, environment: { SLEEP_MS: '0' } }),
      },
    });
    await invoke('short');
    await invoke('short');
    const first = emulator.environments().filter((e) => e.function === 'short');
    expect(first).toHaveLength(1);
    expect(first[0]!.invocations).toBe(2);
    // Idle past its lifetime: retired without waiting for an invocation (idleTimeout is 60 s).
    expect(await until(() => emulator.environments().find((e) => e.id === first[0]!.id)?.reason === 'lifetime', 8000)).toBe(true);
    await invoke('short');
    expect(emulator.environments().filter((e) => e.function === 'short')).toHaveLength(2);

    // Busy when its lifetime ends: it finishes the invocation, then retires.
    await invoke('busy', { sleepMs: 0 }); // cold: the environment starts
    await invoke('busy', { sleepMs: 2500 }); // its lifetime ends during this one
    const busy = emulator.environments().filter((e) => e.function === 'busy');
    expect(busy).toHaveLength(1);
    expect(busy[0]!.invocations).toBe(2);
    expect(busy[0]!.reason).toBe('lifetime');
    await invoke('busy', { sleepMs: 0 });
    expect(emulator.environments().filter((e) => e.function === 'busy')).toHaveLength(2);
  }, 40_000);
});

describe.runIf(linux)('environments as processes of a host', () => {
  let host: ChildProcess | undefined;
  let environments: number[] = [];
  afterAll(() => {
    if (host?.exitCode === null) host.kill('SIGKILL');
    // Whatever the test found, leave no environment behind.
    for (const pid of environments.filter((p) => !gone(p))) process.kill(pid, 'SIGKILL');
  });

  it('are in their own process groups: a SIGINT to the host\'s group does not reach them; a SIGKILL of the host ends them', async () => {
    // The host leads a process group of its own, as a shell's foreground job does.
    host = spawn(process.execPath, [fileURLToPath(new URL('./host-process.mjs', import.meta.url))], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ENVIRONMENTS: '3' },
    });
    let out = '';
    host.stdout!.on('data', (d: Buffer) => (out += d));
    expect(await until(() => out.includes('\n'), 20_000), 'the host started its environments').toBe(true);
    const { pid, pids } = JSON.parse(out.split('\n')[0]!) as { pid: number; pids: number[] };
    environments = pids;
    expect(pids).toHaveLength(3);
    for (const child of pids) {
      expect(procStat(child)?.pgrp, 'an environment leads a group of its own').toBe(child);
      expect(procStat(child)?.pgrp).not.toBe(procStat(pid)?.pgrp);
    }

    // Ctrl-C at a terminal: SIGINT to the foreground process group, the host's.
    process.kill(-pid, 'SIGINT');
    expect(await until(() => out.includes('SIGINT'), 5000), 'the host got the SIGINT').toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    for (const child of pids) expect(gone(child), `environment ${child} after the SIGINT`).toBe(false);

    // The host dies without closing the emulator: its environments follow within seconds.
    host.kill('SIGKILL');
    expect(await until(() => pids.every(gone), 10_000), `environments ${pids.filter((p) => !gone(p)).join(', ')} still running`).toBe(true);
  }, 60_000);
});
