/**
 * Emulated functions that fail while the run goes on: one exits mid-invoke, one throws at init,
 * one runs out of memory, one spins past its timeout, one floods its log. Each run completes,
 * every failure lands in its error class, the memory of the load generator (this process) stays
 * bounded, and when the run ends no process is left: neither the emulator's host nor any
 * execution environment (found by a marker in their environment). Through both Lambda clients.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import type { Result } from '../../src/result/result.js';
import { peakGrowthMB } from './memory.js';
import { childrenMatching, processesWithEnv } from './processes.js';

const FUNCTIONS = new URL('./functions/', import.meta.url).pathname;
const MARK = randomUUID();

async function run(client: 'fast' | 'sdk', handler: string, fn: string, iterations: number): Promise<Result> {
  const loaded = parseProfileText(
    `name: fault-${handler}
target:
  kind: lambda
  function: f
  client: ${client}
  timeout: 20s
  local:
    functions:
      f: { handler: ${handler}.handler, environment: { COLDBENCH_FAULT_MARK: "${MARK}" }, ${fn} }
load: { model: closed, concurrency: 2, iterations: ${iterations} }
`,
    { file: 'fault.yaml', baseDir: FUNCTIONS },
  );
  const result = await runProfile(loaded);
  // runProfile has closed the emulator: nothing of it may be left.
  expect(childrenMatching('emulator-host')).toEqual([]);
  expect(processesWithEnv('COLDBENCH_FAULT_MARK', MARK)).toEqual([]);
  return result;
}

afterAll(() => expect(processesWithEnv('COLDBENCH_FAULT_MARK', MARK)).toEqual([]));

describe.each(['fast', 'sdk'] as const)('an emulated function that fails, client %s', (client) => {
  it('exits mid-invoke: class function-error:Runtime.ExitError, each one a cold start', async () => {
    const result = await run(client, 'exit', 'timeout: 5s', 4);
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ 'function-error:Runtime.ExitError': 4 });
    expect(result.counts.cold).toBe(4);
  });

  it('throws at init: every invocation fails with the init error', async () => {
    const result = await run(client, 'init-throw', 'timeout: 5s', 3);
    expect(result.status).toBe('completed');
    expect(Object.keys(result.errors)).toEqual([expect.stringMatching(/^function-error:/)]);
    expect(Object.values(result.errors)).toEqual([3]);
  });

  it('runs out of memory: the environment dies, class function-error:Runtime.ExitError', async () => {
    const result = await run(client, 'oom', 'memory: 128, timeout: 30s', 2);
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ 'function-error:Runtime.ExitError': 2 });
  });

  it('spins past its timeout: class function-error:Sandbox.Timedout, killed at the timeout', async () => {
    const started = Date.now();
    const result = await run(client, 'spin', 'timeout: 300ms', 3);
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({ 'function-error:Sandbox.Timedout': 3 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('floods its log: answered and classified from its REPORT, the generator stays small', async () => {
    const { value: result, rssMB, heapMB } = await peakGrowthMB(() => run(client, 'flood', 'timeout: 10s', 6));
    expect(result.status).toBe('completed');
    expect(result.counts.ok).toBe(6);
    // The 4 KB log tail still ends in the REPORT line: every start is known.
    expect(result.counts.unknown).toBe(0);
    // 48 MB of log went by; keeping it would show here. Generous bounds: the test shares its process.
    expect(heapMB).toBeLessThan(100);
    expect(rssMB).toBeLessThan(200);
  });
});
