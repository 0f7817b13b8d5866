/**
 * The matrix result file: what ran, the file of every configuration's result, the comparison,
 * and whether the original configuration was restored. Saved like a result: atomically, never
 * over an existing file, as `<name>-matrix-<UTC time>.json`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { redactRecord } from '../result/redact-record.js';
import type { LoadedProfile } from '../profile/types.js';
import { utcStamp, writeJsonFile } from '../result/write.js';
import type { ResultStatus, ThresholdVerdict } from '../result/result.js';
import { TOOL_VERSION } from '../version.js';
import type { Comparison } from './compare.js';
import type { RestoreOutcome } from './restore.js';
import type { ConfigurationRun } from './run-matrix.js';

export const MATRIX_SCHEMA_VERSION = 1;

export interface MatrixConfigurationEntry {
  id: string;
  function: string;
  memoryMB?: number;
  architecture?: string;
  environment?: string;
  /**
   * One per round that ran: the result file (a name in the same folder), its status and the
   * verdicts of the profile's thresholds on its load.
   */
  runs: { round: number; file: string | null; status: ResultStatus; forcedColdStarts: number; thresholds: ThresholdVerdict[] }[];
}

export interface MatrixResult {
  schemaVersion: number;
  kind: 'matrix';
  tool: { name: 'coldbench'; version: string; node: string };
  name: string;
  status: ResultStatus;
  startedAt: string;
  endedAt: string;
  profile: unknown;
  configurations: MatrixConfigurationEntry[];
  comparison: Comparison;
  restore: RestoreOutcome;
}

export interface MatrixResultInput {
  loaded: LoadedProfile;
  status: ResultStatus;
  startedAt: Date;
  runs: readonly ConfigurationRun[];
  comparison: Comparison;
  restore: RestoreOutcome;
}

export function buildMatrixResult(input: MatrixResultInput): MatrixResult {
  const entries = new Map<string, MatrixConfigurationEntry>();
  for (const run of input.runs) {
    const c = run.slot.config;
    const entry = entries.get(c.id) ?? {
      id: c.id,
      function: c.function,
      ...(c.memoryMB !== undefined && { memoryMB: c.memoryMB }),
      ...(c.architecture !== undefined && { architecture: c.architecture }),
      ...(c.environment !== undefined && { environment: c.environment.name }),
      runs: [],
    };
    entry.runs.push({
      round: run.slot.round + 1,
      file: run.file === undefined ? null : basename(run.file),
      status: run.result.status,
      forcedColdStarts: run.result.forcedColdStarts?.counts.sent ?? 0,
      thresholds: run.result.thresholds,
    });
    entries.set(c.id, entry);
  }
  return redactRecord<MatrixResult>({
    schemaVersion: MATRIX_SCHEMA_VERSION,
    kind: 'matrix',
    tool: { name: 'coldbench', version: TOOL_VERSION, node: process.version },
    name: input.loaded.profile.name,
    status: input.status,
    startedAt: input.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    profile: input.loaded.redacted,
    configurations: [...entries.values()],
    comparison: input.comparison,
    restore: input.restore,
  }, input.loaded.secrets);
}

export function writeMatrixResult(matrix: MatrixResult, outDir: string): Promise<string> {
  return writeJsonFile(matrix, outDir, `${matrix.name}-matrix-${utcStamp(new Date(matrix.startedAt))}`, 'the matrix result');
}

/**
 * The matrix result in `file`, or undefined when the file is not one (unreadable, not JSON, or
 * another kind of record: the caller reads it as a result and reports its problem).
 */
export async function readMatrixResult(file: string): Promise<MatrixResult | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== 'matrix') return undefined;
  const m = data as Partial<MatrixResult>;
  if (m.schemaVersion !== MATRIX_SCHEMA_VERSION) {
    throw new UsageError(`${file} is a matrix result of schemaVersion ${JSON.stringify(m.schemaVersion)}; this coldbench reads schemaVersion ${MATRIX_SCHEMA_VERSION}`);
  }
  if (!Array.isArray(m.comparison?.rows) || !Array.isArray(m.configurations) || typeof m.name !== 'string') {
    throw new UsageError(`${file} is not a valid matrix result: it has no comparison`, 'run the matrix again to write a new file');
  }
  return m as MatrixResult;
}
