/**
 * Thresholds in a matrix are judged per configuration: each configuration's load gets its own
 * verdicts, shown on its row; an abortOnFail rule stops that configuration's load only, and the
 * matrix goes on to the next; a configuration that failed a threshold is never recommended.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { compareConfigurations } from '../../src/matrix/compare.js';
import { expandMatrix } from '../../src/matrix/configurations.js';
import { comparisonJunit, renderComparisonTable } from '../../src/matrix/render.js';
import { runMatrix } from '../../src/matrix/run-matrix.js';
import type { MatrixRun } from '../../src/matrix/run-matrix.js';
import { parseProfileText } from '../../src/profile/index.js';
import { buildFixture } from '../diff/fixtures.js';
import { fn, profilesDir } from '../emulator/helpers.js';

describe('a matrix with thresholds, against the emulator', () => {
  let emulator: Emulator;
  let outDir: string;
  let run: MatrixRun;

  beforeAll(async () => {
    emulator = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 50,
      functions: { hello: fn('functions/hello.handler', { environment: { WORK_MS: '2' } }) },
    });
    outDir = await mkdtemp(join(tmpdir(), 'coldbench-matrix-gates-'));
    // "stuck" answers in 2 s: at 10/s, 15 in flight fill up in 1.5 s and it drops from then on.
    // "quick" answers in 2 ms from the environment its forced cold start left warm: at 10/s it
    // would need requests of 1.5 s to fill 15 slots, even on a busy machine.
    const loaded = parseProfileText(
      `name: gates
target: { kind: lambda, function: hello, endpoint: ${emulator.endpoint} }
load:
  maxInFlight: 15
  phases: [ { constant: { rate: 10, duration: 2s } } ]
matrix:
  environment: { stuck: { WORK_MS: "2000" }, quick: { WORK_MS: "2" } }
  coldStarts: 1
thresholds:
  - { rule: "dropped.count < 3", abortOnFail: true }
  - "errors.count == 0"
`,
      { file: 'gates.yaml', baseDir: profilesDir, env: {} },
    );
    run = await runMatrix(loaded, { outDir, control: { pollMs: 20 } });
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it('an abortOnFail rule stops that configuration only; the next one still runs', () => {
    expect(run.runs.map((r) => [r.slot.config.id, r.result.status])).toEqual([['env-stuck', 'aborted'], ['env-quick', 'completed']]);
    expect(run.matrix.status).toBe('completed');
    expect(run.runs[0]!.result.counts.dropped).toBe(3);
  });

  it('reports each configuration\'s verdicts on its row and in the matrix result', () => {
    const rows = new Map(run.matrix.comparison.rows.map((r) => [r.id, r.thresholds]));
    expect(rows.get('env-stuck')).toEqual([{ rule: 'dropped.count < 3', pass: false }, { rule: 'errors.count == 0', pass: true }]);
    expect(rows.get('env-quick')).toEqual([{ rule: 'dropped.count < 3', pass: true }, { rule: 'errors.count == 0', pass: true }]);
    const stuck = run.matrix.configurations.find((c) => c.id === 'env-stuck')!;
    expect(stuck.runs[0]!.thresholds).toEqual([{ rule: 'dropped.count < 3', actual: 3, pass: false }, { rule: 'errors.count == 0', actual: 0, pass: true }]);
    expect(renderComparisonTable(run.matrix.comparison)).toMatch(/env-stuck.*failed: dropped\.count < 3/);
    expect(comparisonJunit(run.matrix)).toContain('<failure message="env-stuck: dropped.count &lt; 3 failed: actual 3"');
  });

  it('never marks the configuration that failed a threshold', () => {
    expect(run.matrix.comparison.rows.find((r) => r.id === 'env-stuck')!.marks).toEqual([]);
    expect(run.matrix.comparison.fastest).toBe('env-quick');
  });
});

describe('which configurations may be marked', () => {
  const configs = expandMatrix({ memoryMB: [128, 256, 512], coldStarts: 0, rounds: 1 }, 'fn');
  // m128 is the fastest and, at the smallest memory, the cheapest; m256 next; m512 the slowest.
  const runsWith = (m128: Parameters<typeof buildFixture>[0], thresholds: { rule: string; actual: number; pass: boolean }[] = []) => [
    { config: configs[0]!, load: [{ ...buildFixture(m128), thresholds }], cold: [] },
    { config: configs[1]!, load: [buildFixture({ seed: 2, requests: 2000, warmMedianMs: 30 })], cold: [] },
    { config: configs[2]!, load: [buildFixture({ seed: 3, requests: 2000, warmMedianMs: 40 })], cold: [] },
  ];

  it('marks the fastest and cheapest configuration when nothing disqualifies it', () => {
    const c = compareConfigurations(runsWith({ seed: 1, requests: 2000, warmMedianMs: 20 }), { significance: false });
    expect([c.fastest, c.cheapest, c.balanced]).toEqual(['m128', 'm128', 'm128']);
  });

  it('never marks a configuration with more than 1% errors, however fast', () => {
    const c = compareConfigurations(runsWith({ seed: 1, requests: 2000, warmMedianMs: 20, errorRate: 0.05 }), { significance: false });
    expect(c.rows[0]!.cells['errors.rate'].value).toBeGreaterThan(0.01);
    expect(c.rows[0]!.marks).toEqual([]);
    expect(c.fastest).toBe('m256');
    expect(c.notes.join(' ')).toMatch(/more than 1% errors/);
  });

  it('marks a configuration with errors at or under 1%', () => {
    const c = compareConfigurations(runsWith({ seed: 1, requests: 2000, warmMedianMs: 20, errorRate: 0.004 }), { significance: false });
    expect(c.rows[0]!.cells['errors.rate'].value).toBeGreaterThan(0);
    expect(c.fastest).toBe('m128');
  });

  it('never marks a configuration that failed a threshold', () => {
    const c = compareConfigurations(runsWith({ seed: 1, requests: 2000, warmMedianMs: 20 }, [{ rule: 'cold.rate < 1%', actual: 0.02, pass: false }]), { significance: false });
    expect(c.rows[0]!.thresholds).toEqual([{ rule: 'cold.rate < 1%', pass: false }]);
    expect(c.rows[0]!.marks).toEqual([]);
    expect([c.fastest, c.cheapest, c.balanced]).toEqual(['m256', 'm256', 'm256']);
  });
});
