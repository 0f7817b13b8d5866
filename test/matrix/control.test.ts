/**
 * The control plane against the real emulator through the SDK: an update is applied, waited
 * for, and checked; a second update while one is in progress is retried, not failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { createFunctionControl } from '../../src/matrix/control.js';
import type { FunctionControl } from '../../src/matrix/control.js';
import { fn, profilesDir } from '../emulator/helpers.js';

let emulator: Emulator;
let control: FunctionControl;

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 10,
    functions: { cpu: fn('functions/cpu.handler', { environment: { WORK_MS: '5' } }) },
  });
  control = await createFunctionControl({ kind: 'lambda', function: 'cpu', timeoutMs: 5000, endpoint: emulator.endpoint }, { pollMs: 20, timeoutMs: 10_000 });
});

afterAll(async () => {
  control?.close();
  await emulator?.close();
});

describe('function control', () => {
  it('reads the configuration', async () => {
    expect(await control.read('cpu')).toEqual({ memoryMB: 128, architecture: 'x86_64', environment: { WORK_MS: '5' } });
  });

  it('applies memory, architecture and environment, and waits until the update is done', async () => {
    await control.apply('cpu', { memoryMB: 512, architecture: 'arm64', environment: { WORK_MS: '7' } });
    expect(await control.read('cpu')).toEqual({ memoryMB: 512, architecture: 'arm64', environment: { WORK_MS: '7' } });
    const res = await fetch(`${emulator.endpoint}/2015-03-31/functions/cpu/configuration`);
    expect(((await res.json()) as { LastUpdateStatus: string }).LastUpdateStatus).toBe('Successful');
  });

  it('retries an update that conflicts with one in progress', async () => {
    await Promise.all([control.apply('cpu', { memoryMB: 1024 }), control.apply('cpu', { memoryMB: 1024, architecture: 'x86_64' })]);
    expect(await control.read('cpu')).toMatchObject({ memoryMB: 1024, architecture: 'x86_64' });
  });

  it('fails with the function named when the function does not exist', async () => {
    await expect(control.apply('nope', { memoryMB: 256 })).rejects.toThrow(/nope.*ResourceNotFoundException/);
  });
});
