/**
 * Starts the built-in emulator for a run, in a process of its own (see emulator-host.ts).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunError } from '../errors.js';
import type { LocalEmulatorConfig } from '../profile/types.js';
import type { TargetInfo } from '../targets/target.js';
import type { HostReply, HostRequest } from './emulator-host.js';

export interface LocalEmulator {
  endpoint: string;
  /** What the profile says about a function (for cost: architecture and memory). */
  infoOf(name: string): TargetInfo;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * A compiled script of this folder run as a child process (`emulator-host.js`); under the test
 * runner this module is loaded from src/, so use dist/.
 */
export function builtScript(name: string): string {
  const here = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (existsSync(here)) return here;
  const dist = fileURLToPath(new URL(`../../dist/run/${name}`, import.meta.url));
  if (existsSync(dist)) return dist;
  throw new RunError(`the script ${name} is missing`, 'run `npm run build` first');
}

export async function startLocalEmulator(config: LocalEmulatorConfig, opts: { logDir?: string } = {}): Promise<LocalEmulator> {
  const child = fork(builtScript('emulator-host.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new RunError('the local emulator did not start in time')), START_TIMEOUT_MS);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('exit', (code) => fail(new RunError(`the local emulator exited while starting (code ${code})`)));
    child.on('message', (msg: HostReply) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(msg.endpoint);
      } else if (msg.type === 'error') {
        fail(new RunError(`the local emulator could not start: ${msg.message}`, 'check target.local in the profile'));
      }
    });
    const start: HostRequest = { type: 'start', config, ...(opts.logDir !== undefined && { logDir: opts.logDir }) };
    child.send(start);
  });
  return { ...runningEmulator(endpoint, config), close: () => closeHost(child) };
}

/** An emulator of `config` already serving at `endpoint` (started by another process, which closes it). */
export function runningEmulator(endpoint: string, config: LocalEmulatorConfig): LocalEmulator {
  return {
    endpoint,
    infoOf: (name) => {
      const fn = config.functions[name];
      return fn ? { architecture: fn.architecture, memorySizeMB: fn.memoryMB } : {};
    },
    close: async () => undefined,
  };
}

function closeHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    const close: HostRequest = { type: 'close' };
    if (child.connected) child.send(close);
    else child.kill('SIGTERM');
  });
}
