/**
 * Saves a result atomically and never over an existing file: the JSON goes to a temporary file
 * in the same folder, which is then hard-linked to its final name (link fails if the name is
 * taken, unlike rename) and unlinked.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { RunError, UsageError } from '../errors.js';
import type { Result } from './result.js';

/** `20261128T023000Z`: sortable, no characters that need quoting. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** `<name>-<UTC start>.json`; a shard's `<name>-<UTC start>-shard2of4.json`, since shards share a start. */
export async function writeResult(result: Result, outDir: string): Promise<string> {
  const shard = result.shard === undefined ? '' : `-shard${result.shard.index}of${result.shard.count}`;
  return writeJsonFile(result, outDir, `${result.name}-${utcStamp(new Date(result.startedAt))}${shard}`, 'the result');
}

/**
 * Writes `data` as `<outDir>/<base>.json`, or `<base>-1.json`, `-2`... when the name is taken:
 * atomically, and never over an existing file. `what` names the record in error messages.
 */
export async function writeJsonFile(data: unknown, outDir: string, base: string, what: string): Promise<string> {
  const tmp = join(outDir, `.${base}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { flag: 'wx' });
    for (let n = 0; n < 1000; n++) {
      const file = join(outDir, n === 0 ? `${base}.json` : `${base}-${n}.json`);
      try {
        await link(tmp, file);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    throw new RunError(`could not find a free file name for ${base} in ${outDir}`);
  } catch (err) {
    if (err instanceof RunError) throw err;
    throw new RunError(`could not save ${what} in ${outDir}: ${(err as Error).message}`, 'check that the folder is writable, or pass --out DIR', { cause: err });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Writes `data` as exactly `file`, atomically, and never over an existing file: an existing one
 * is a UsageError (exit 2) and is left as it was.
 */
export async function writeJsonFileAt(data: unknown, file: string, flag: string): Promise<string> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { flag: 'wx' });
    await link(tmp, file);
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${flag} ${file} already exists; nothing was written over it`, 'choose another file name, or remove the old file first');
    }
    throw new RunError(`could not save ${file}: ${(err as Error).message}`, 'check that the folder is writable', { cause: err });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
