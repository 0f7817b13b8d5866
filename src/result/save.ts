/**
 * Where a run's result goes, checked before the load and made certain after it. Before any
 * request is sent, the result folder must be creatable and writable (a probe file is written and
 * removed), so a run never measures for minutes and then fails to save. After the load, a
 * result that cannot be written to the folder asked for (a full disk, a folder removed during
 * the run) is written to a new temporary folder instead, and the caller is told both.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Result } from './result.js';
import { writeResult } from './write.js';

/** Creates `dir` if needed and proves it writable; a UsageError (exit 2) says why not. */
export async function checkResultFolder(dir: string): Promise<void> {
  const probe = join(dir, `.coldbench-probe-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new UsageError(
      `cannot write result files to ${dir}: ${reasonOf(err)}`,
      'pass a writable folder with --out DIR, or --no-save to keep no result file',
      { cause: err },
    );
  }
  await unlink(probe).catch(() => undefined);
}

export interface SavedResult {
  /** The file written. */
  file: string;
  /** Set when the folder asked for failed and the result went to a temporary folder instead. */
  fallback?: { folder: string; error: string };
}

/**
 * Writes the result to `outDir`, else to a new folder under the system's temporary folder.
 * Throws only when neither could be written; the error then names both reasons.
 */
export async function saveResult(result: Result, outDir: string): Promise<SavedResult> {
  try {
    return { file: await writeResult(result, outDir) };
  } catch (first) {
    const error = reasonOf(first);
    try {
      const folder = await mkdtemp(join(tmpdir(), 'coldbench-'));
      return { file: await writeResult(result, folder), fallback: { folder: outDir, error } };
    } catch (second) {
      throw new Error(`could not save the result in ${outDir} (${error}) nor in a temporary folder (${reasonOf(second)})`, { cause: second });
    }
  }
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EROFS') return 'read-only file system';
  if (e?.code === 'ENOSPC') return 'no space left on the device';
  return err instanceof Error ? err.message : String(err);
}
