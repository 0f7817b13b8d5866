/**
 * The checkpoint file of a running run: `<name>-<UTC start>.partial.json` beside where the result
 * will go, replaced atomically at each checkpoint (written to a temporary file, flushed to disk,
 * then renamed over the old one, so a reader or a crash only ever sees a whole file) and removed
 * once the final result is saved. A run killed hard (SIGKILL, the OOM killer, a CI timeout)
 * leaves the last checkpoint: a valid result with status `partial`.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from './result.js';
import { utcStamp } from './write.js';

export const CHECKPOINT_SUFFIX = '.partial.json';

export class CheckpointFile {
  /** The file of the current run, once its first checkpoint is written. */
  private current: string | undefined;

  constructor(readonly dir: string) {}

  get file(): string | undefined {
    return this.current;
  }

  /**
   * Writes a checkpoint. The first one of a run claims its name (never over an existing file:
   * `-1`, `-2`... as for results); later ones replace it.
   */
  async save(result: Result): Promise<void> {
    const text = JSON.stringify(result, null, 2) + '\n';
    const tmp = join(this.dir, `.${result.name}.${randomBytes(4).toString('hex')}.partial.tmp`);
    try {
      await writeDurably(tmp, text);
      if (this.current === undefined) this.current = await this.claim(tmp, `${result.name}-${utcStamp(new Date(result.startedAt))}`);
      else await rename(tmp, this.current);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /** Removes the checkpoint (the final result is saved); the next save starts a new file. */
  async discard(): Promise<void> {
    const file = this.current;
    this.current = undefined;
    if (file !== undefined) await unlink(file).catch(() => undefined);
  }

  private async claim(tmp: string, base: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    for (let n = 0; ; n++) {
      const file = join(this.dir, `${n === 0 ? base : `${base}-${n}`}${CHECKPOINT_SUFFIX}`);
      try {
        await link(tmp, file);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw err;
      }
    }
  }
}

/** Writes and flushes a file, so that a rename after it never exposes an empty one after a crash. */
async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
