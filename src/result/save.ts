/**
 * Where a run's result goes, checked before the load and made certain after it. Before any
 * request is sent, the result folder must be creatable and writable (a probe file is written and
 * removed), so a run never measures for minutes and then fails to save. After the load, a
 * result that cannot be written to the folder asked for (a full disk, a folder removed during
 * the run) is written to a new temporary folder instead, and the caller is told both.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Result } from './result.js';
import { writeResult } from './write.js';

/**
 * Creates `dir` if needed and proves it writable; a UsageError (exit 2) says why not. A folder
 * not there yet whose name ends in `.json` is taken for a file name given by mistake (coldbench
 * names each result file itself): refused, rather than made into a folder of that name.
 */
export async function checkResultFolder(dir: string): Promise<void> {
  if (basename(dir).toLowerCase().endsWith('.json') && !(await isFolder(dir))) {
    throw new UsageError(
      `--out takes a folder, and ${dir} looks like a file name: coldbench names each result file itself (<name>-<time>.json)`,
      `pass the folder, e.g. --out ${dirname(dir)}; to write the result to a file of your choosing, use --json > ${dir}`,
    );
  }
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

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

export interface SavedResult {
  /** The file written. */
  file: string;
  /** Set when the folder asked for failed and the result went to a temporary folder instead. */
  fallback?: { folder: string; error: string };
}

/**
 * Writes the result to `outDir`, else to a new folder under the system's temporary folder (a
 * ResultFolder of one file). Throws only when neither could be written; the error then names both reasons.
 */
export async function saveResult(result: Result, outDir: string): Promise<SavedResult> {
  const folder = new ResultFolder(outDir);
  const { file } = await folder.write((dir) => writeResult(result, dir));
  const moved = folder.fallback;
  return moved === undefined ? { file } : { file, fallback: { folder: outDir, error: moved.error } };
}

/** A file written through a ResultFolder: `file` follows it when the folder moves. */
export interface FolderFile {
  file: string;
}

/**
 * The folder that the files of one run go to, when there are several: a matrix's configuration
 * results and its matrix result (which names them by file name in the same folder), or the
 * shards of `--workers --keep-shards` and their merged result. The first write that fails in the
 * folder asked for moves the run to one new temporary folder: the files already written are
 * written again there, so that folder holds them all, and every later file goes there too.
 */
export class ResultFolder {
  private current: string;
  private movedBecause: string | undefined;
  private readonly written: { write: (dir: string) => Promise<string>; saved: FolderFile }[] = [];

  constructor(readonly asked: string) {
    this.current = asked;
  }

  /** Set once the files went to a temporary folder: where they are and why. */
  get fallback(): { folder: string; error: string; savedIn: string } | undefined {
    return this.movedBecause === undefined ? undefined : { folder: this.asked, error: this.movedBecause, savedIn: this.current };
  }

  /**
   * Writes a file with `write(folder)` (which returns the file's path), moving to a temporary
   * folder as above when the folder asked for fails. Throws only when no folder can take it.
   */
  async write(write: (dir: string) => Promise<string>): Promise<FolderFile> {
    try {
      return this.keep(write, await write(this.current));
    } catch (first) {
      if (this.movedBecause !== undefined) {
        throw new Error(`could not save in ${this.current}, the temporary folder used since ${this.asked} failed (${reasonOf(first)})`, { cause: first });
      }
      const error = reasonOf(first);
      try {
        const folder = await mkdtemp(join(tmpdir(), 'coldbench-'));
        for (const earlier of this.written) earlier.saved.file = await earlier.write(folder);
        const file = await write(folder);
        this.current = folder;
        this.movedBecause = error;
        return this.keep(write, file);
      } catch (second) {
        throw new Error(`could not save in ${this.asked} (${error}) nor in a temporary folder (${reasonOf(second)})`, { cause: second });
      }
    }
  }

  private keep(write: (dir: string) => Promise<string>, file: string): FolderFile {
    const saved = { file };
    this.written.push({ write, saved });
    return saved;
  }
}

/** Why a write failed, in words; a wrapped file-system error is named by its code. */
function reasonOf(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const e = ((err as NodeJS.ErrnoException | undefined)?.code === undefined && cause instanceof Error ? cause : err) as NodeJS.ErrnoException;
  if (e?.code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (e?.code === 'EEXIST' && e.syscall === 'mkdir') return 'a file is in the way of the folder';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EROFS') return 'read-only file system';
  if (e?.code === 'ENOSPC') return 'no space left on the device';
  return e instanceof Error ? e.message : String(err);
}
