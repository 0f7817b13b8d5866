/**
 * The shard files `coldbench merge` reads: files named on the command line, and the result
 * files in folders named there (not their subfolders). In a folder, a merged result (say, of an
 * earlier merge) is passed over; a file named on its own is always read.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { readResult } from '../read.js';
import type { ShardInput } from './types.js';

export interface ShardFiles {
  inputs: ShardInput[];
  /** Files passed over in folders, and why. */
  skipped: string[];
}

export async function readShardFiles(paths: readonly string[], exclude?: string): Promise<ShardFiles> {
  const inputs: ShardInput[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>(exclude === undefined ? [] : [resolve(exclude)]);
  for (const path of paths) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file or folder' : err.message}`, 'pass shard result files, or folders that hold them');
    });
    if (!info.isDirectory()) {
      if (seen.has(resolve(path))) continue;
      seen.add(resolve(path));
      inputs.push({ source: path, result: await readResult(path) });
      continue;
    }
    const names = (await readdir(path)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    for (const name of names) {
      const file = join(path, name);
      if (seen.has(resolve(file))) continue;
      seen.add(resolve(file));
      const result = await readResult(file);
      if (result.shard === undefined && Array.isArray(result.shards)) {
        skipped.push(`${file} (a merged result)`);
        continue;
      }
      inputs.push({ source: file, result });
    }
  }
  return { inputs, skipped };
}
