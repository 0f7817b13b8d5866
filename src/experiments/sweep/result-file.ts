/** Saving and reading sweep result files (docs/sweep-result.schema.json). */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { utcStamp, writeJsonFile } from '../../result/write.js';
import type { SweepResult } from './types.js';
import { SWEEP_SCHEMA_VERSION } from './types.js';

/** `<out>/<name>-sweep-<UTC time>.json`, atomically and never over an existing file. */
export function writeSweepResult(result: SweepResult, outDir: string): Promise<string> {
  return writeJsonFile(result, outDir, `${result.name}-sweep-${utcStamp(new Date(result.startedAt))}`, 'the sweep result');
}

/** The sweep result in `file`, or undefined when the file holds another kind of record. */
export async function readSweepResult(file: string): Promise<SweepResult | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== 'sweep') return undefined;
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SWEEP_SCHEMA_VERSION) {
    throw new UsageError(`${file} is a sweep result of schemaVersion ${JSON.stringify(version)}; this coldbench reads schemaVersion ${SWEEP_SCHEMA_VERSION}`);
  }
  if (!Array.isArray((data as { gaps?: unknown }).gaps)) throw new UsageError(`${file} is not a complete sweep result: it has no gaps`);
  return data as SweepResult;
}
