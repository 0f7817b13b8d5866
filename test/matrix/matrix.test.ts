/**
 * A 3 memory x 2 architecture matrix against the emulator, through the real SDK: each
 * configuration is really applied (the REPORT's Memory Size, the ground truth), each gets the
 * cold starts asked for, and the original configuration is back afterwards, also when the run
 * is interrupted, and a failed restore says what to run by hand.
 */
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { runMatrix } from '../../src/matrix/run-matrix.js';
import type { MatrixRun } from '../../src/matrix/run-matrix.js';
import { parseProfileText } from '../../src/profile/index.js';
import { client, fn, groundTruth, profilesDir } from '../emulator/helpers.js';

const ORIGINAL = { memoryMB: 128, architecture: 'x86_64', environment: { WORK_MS: '3' } } as const;

function startCpu(): Promise<Emulator> {
  return startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 20,
    functions: { cpu: fn('functions/cpu.handler', { environment: { ...ORIGINAL.environment } }) },
  });
}

function profile(endpoint: string, coldStarts: number) {
  return parseProfileText(
    `name: mx
target: { kind: lambda, function: cpu, endpoint: ${endpoint} }
load:
  phases:
    - constant: { rate: 10, duration: 600ms }
matrix:
  memory: [256, 512, 1024]
  architecture: [x86_64, arm64]
  coldStarts: ${coldStarts}
`,
    { file: 'mx.yaml', baseDir: profilesDir, env: {} },
  );
}

async function currentConfiguration(endpoint: string) {
  const lambda = client(endpoint);
  try {
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'cpu' }));
    return { memoryMB: out.MemorySize, architecture: out.Architectures?.[0], environment: out.Environment?.Variables };
  } finally {
    lambda.destroy();
  }
}

describe('a 3 x 2 matrix against the emulator', () => {
  let emulator: Emulator;
  let outDir: string;
  let run: MatrixRun;

  beforeAll(async () => {
    emulator = await startCpu();
    outDir = await mkdtemp(join(tmpdir(), 'coldbench-matrix-'));
    run = await runMatrix(profile(emulator.endpoint, 2), { outDir, control: { pollMs: 20 } });
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it('runs every configuration once, in order', () => {
    expect(run.matrix.status).toBe('completed');
    expect(run.runs.map((r) => r.slot.config.id)).toEqual(['m256-x86', 'm256-arm64', 'm512-x86', 'm512-arm64', 'm1024-x86', 'm1024-arm64']);
  });

  it('applies each configuration: the REPORT Memory Size and the function configuration say so', async () => {
    const truth = await groundTruth(emulator.endpoint);
    for (const { slot, result } of run.runs) {
      const memoryMB = slot.config.memoryMB!;
      expect(result.target.memorySizeMB).toBe(memoryMB);
      expect(result.target.architecture).toBe(slot.config.architecture);
      expect(result.cost?.architecture).toBe(slot.config.architecture);
      // Every invocation of the load ran with the configuration's memory, per the emulator's REPORT.
      const from = Date.parse(result.startedAt);
      const to = Date.parse(result.endedAt) + 100;
      const during = truth.filter((i) => i.startedAt >= from && i.endedAt <= to);
      expect(during.length).toBe(result.counts.sent);
      expect(new Set(during.map((i) => i.memorySizeMB))).toEqual(new Set([memoryMB]));
    }
  });

  it('forces the cold starts asked for, each a real new environment with the right memory', async () => {
    const truth = await groundTruth(emulator.endpoint);
    for (const { slot, result } of run.runs) {
      const forced = result.forcedColdStarts!;
      expect(forced.counts.sent).toBe(2);
      expect(forced.counts.cold).toBe(2);
      expect(forced.init?.count).toBe(2);
      expect(forced.reports.map((r) => r.memorySizeMB)).toEqual([slot.config.memoryMB, slot.config.memoryMB]);
      for (const report of forced.reports) {
        const t = truth.find((i) => i.requestId === report.requestId);
        expect(t?.firstInEnvironment).toBe(true);
        expect(t?.memorySizeMB).toBe(slot.config.memoryMB);
      }
    }
  });

  it('restores the original configuration', async () => {
    expect(run.matrix.restore.ok).toBe(true);
    expect(await currentConfiguration(emulator.endpoint)).toEqual(ORIGINAL);
  });

  it('saves one result per configuration and a matrix result that links them', async () => {
    const files = await readdir(outDir);
    for (const r of run.runs) expect(files).toContain(r.file!.split('/').pop());
    expect(files.filter((f) => /^mx-m512-arm64-\d{8}T\d{6}Z\.json$/.test(f))).toHaveLength(1);
    const matrixFile = files.find((f) => f.startsWith('mx-matrix-'))!;
    const saved = JSON.parse(await readFile(join(outDir, matrixFile), 'utf8')) as typeof run.matrix;
    expect(saved.configurations.flatMap((c) => c.runs.map((r) => r.file)).sort()).toEqual(run.runs.map((r) => r.file!.split('/').pop()).sort());
    expect(saved.comparison.rows).toHaveLength(6);
  });

  it('compares the configurations: one best per column, every other cell its difference from it, never better', () => {
    const { comparison } = run.matrix;
    for (const metric of ['warm.p50', 'cold.p50', 'init.p50', 'cost.per1M'] as const) {
      const cells = comparison.rows.map((r) => r.cells[metric]);
      const best = cells.filter((c) => c.best);
      expect(best).toHaveLength(1);
      const bestValue = best[0]!.value!;
      expect(Math.min(...cells.map((c) => c.value!))).toBe(bestValue);
      expect(best[0]!.verdict).toBeUndefined();
      for (const c of cells.filter((x) => !x.best)) {
        expect(c.delta).toBeCloseTo(c.value! - bestValue, 9);
        expect(c.deltaPct).toBeCloseTo((100 * (c.value! - bestValue)) / bestValue, 9);
        // Against the lowest value a cell is worse, not significantly different, or untested.
        expect(['worse', '~', 'n/a']).toContain(c.verdict);
      }
    }
    // The table's cost is the load's cost per million invocations.
    const byId = new Map(run.runs.map((r) => [r.slot.config.id, r.result]));
    for (const row of comparison.rows) expect(row.cells['cost.per1M'].value).toBeCloseTo(byId.get(row.id)!.cost!.per1M, 9);
  });

  it('marks the fastest, the cheapest and the balanced configuration by their definitions', () => {
    const { comparison } = run.matrix;
    const rows = comparison.rows.filter((r) => r.cells['errors.rate'].value! <= 0.01);
    expect(rows).toHaveLength(6);
    const p50 = (id: string) => rows.find((r) => r.id === id)!.cells['warm.p50'].value!;
    const cost = (id: string) => rows.find((r) => r.id === id)!.cells['cost.per1M'].value!;
    const ids = rows.map((r) => r.id);
    const lowest = (f: (id: string) => number) => ids.reduce((a, b) => (f(b) < f(a) ? b : a));
    const maxP50 = Math.max(...ids.map(p50));
    const maxCost = Math.max(...ids.map(cost));
    expect(comparison.fastest).toBe(lowest(p50));
    expect(comparison.cheapest).toBe(lowest(cost));
    expect(comparison.balanced).toBe(lowest((id) => 0.5 * (p50(id) / maxP50) + 0.5 * (cost(id) / maxCost)));
    for (const row of comparison.rows) {
      const marks = (['fastest', 'cheapest', 'balanced'] as const).filter((m) => comparison[m] === row.id);
      expect(row.marks.sort()).toEqual([...marks].sort());
    }
  });
});

describe('an interrupted or failed matrix', () => {
  it('stops after a Ctrl-C and still restores the original configuration', async () => {
    const emulator = await startCpu();
    try {
      const stop = new AbortController();
      const run = await runMatrix(profile(emulator.endpoint, 1), {
        stop: stop.signal,
        control: { pollMs: 20 },
        // Ctrl-C in the middle of the second configuration's load.
        onConfiguration: (_slot, index) => {
          if (index === 1) setTimeout(() => stop.abort(), 300);
        },
      });
      expect(run.matrix.status).toBe('interrupted');
      expect(run.runs).toHaveLength(2);
      expect(run.runs[1]!.result.status).toBe('interrupted');
      expect(run.matrix.restore.ok).toBe(true);
      expect(await currentConfiguration(emulator.endpoint)).toEqual(ORIGINAL);
    } finally {
      await emulator.close();
    }
  }, 30_000);

  it('when restoring fails, the error gives the exact command to run by hand', async () => {
    const emulator = await startCpu();
    try {
      const matrix = runMatrix(profile(emulator.endpoint, 0), {
        control: { pollMs: 20, timeoutMs: 2000 },
        // The endpoint goes away before the second configuration: the run and the restore fail.
        onConfiguration: (_slot, index) => {
          if (index === 1) void emulator.close();
        },
      });
      const err = await matrix.then(() => undefined, (e: unknown) => e as { message: string; hint?: string });
      expect(err?.message).toMatch(/restoring the original configuration also failed/);
      expect(err?.hint).toContain(
        `aws lambda update-function-configuration --function-name cpu --memory-size 128 --environment '{"Variables":{"WORK_MS":"3"}}' --endpoint-url ${emulator.endpoint}`,
      );
    } finally {
      await emulator.close();
    }
  }, 30_000);
});

describe('a matrix whose load invokes asynchronously (invocationType: Event)', () => {
  it('still measures its forced cold starts, each invoked synchronously for its own REPORT', async () => {
    const emulator = await startCpu();
    const outDir = await mkdtemp(join(tmpdir(), 'coldbench-matrix-async-'));
    try {
      const loaded = parseProfileText(
        `name: mx-async
target: { kind: lambda, function: cpu, endpoint: ${emulator.endpoint}, invocationType: Event }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
matrix: { memory: [256], coldStarts: 2 }
`,
        { file: 'mx.yaml', baseDir: profilesDir, env: {} },
      );
      const run = await runMatrix(loaded, { outDir, control: { pollMs: 20 } });
      const forced = run.runs[0]!.result.forcedColdStarts!;
      expect(forced.counts).toMatchObject({ sent: 2, cold: 2, unknown: 0 });
      expect(forced.init?.count).toBe(2);
      expect(forced.reports.map((r) => r.memorySizeMB)).toEqual([256, 256]);
    } finally {
      await emulator.close();
      await rm(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
