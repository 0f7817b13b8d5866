import { existsSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Puts a file where a run's output folder is, once, when the run's stderr first says `when`: the
 * run then cannot save there. Done at once, in the stderr callback, so that a busy machine cannot
 * let the run end before the swap.
 */
export function folderSwap(out: string, when: string): { onStderr(all: string): void; readonly done: boolean } {
  let done = false;
  return {
    onStderr: (all) => {
      if (done || !all.includes(when) || !existsSync(out)) return;
      done = true;
      rmSync(out, { recursive: true, force: true });
      writeFileSync(out, 'in the way');
    },
    get done() {
      return done;
    },
  };
}
