/**
 * Everything about a run that can be checked before the first request is sent, checked at once:
 * a run that cannot save its result, or whose local functions cannot start, fails here with
 * exit 2 and nothing sent, instead of after minutes of load.
 *
 * - the result folder can be created and written (a probe file is written and removed);
 * - every file the run needs can be read: `payloadFile` is read while the profile loads; here
 *   the handler file of each local function the run invokes (as the emulator's Node runtime
 *   finds it: the path with .js, .mjs or .cjs) or its `bootstrap`, which must be executable.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { LoadedProfile, LocalEmulatorConfig } from '../profile/types.js';
import { checkResultFolder } from '../result/save.js';

export interface BeforeLoadOptions {
  /** The folder result files (and checkpoints) go to; absent when nothing is saved. */
  outDir?: string;
}

export async function checkBeforeLoad(loaded: LoadedProfile, opts: BeforeLoadOptions): Promise<void> {
  const problems: string[] = [];
  const hints = ['nothing was sent'];
  if (opts.outDir !== undefined) {
    await checkResultFolder(opts.outDir).catch((err: unknown) => {
      problems.push((err as Error).message);
      hints.push((err instanceof UsageError ? err.hint : undefined) ?? 'pass a writable folder with --out DIR, or --no-save to keep no result file');
    });
  }
  const local = localFunctionsRun(loaded);
  if (local !== undefined) problems.push(...(await localFileProblems(local.config, local.names)));
  if (problems.length === 0) return;
  throw new UsageError(
    problems.length === 1 ? problems[0]! : `the run cannot start:\n  ${problems.join('\n  ')}`,
    hints.join('; '),
  );
}

/** Node's handler extensions, in the order the emulator's runtime tries them. */
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs', ''];

/** The built-in emulator's configuration and the functions the run invokes in it. */
function localFunctionsRun(loaded: LoadedProfile): { config: LocalEmulatorConfig; names: string[] } | undefined {
  const { target, matrix } = loaded.profile;
  if (target.kind === 'http') return target.local === undefined ? undefined : { config: target.local.emulator, names: [target.local.function] };
  if (target.local === undefined) return undefined;
  return { config: target.local, names: [...new Set([target.function, ...(matrix?.functions ?? [])])] };
}

/** Problems with the files of the functions the run invokes (a function it never calls may lack them, as on Lambda). */
async function localFileProblems(local: LocalEmulatorConfig, names: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const name of names) {
    const fn = local.functions[name];
    if (fn === undefined) continue;
    const where = `target.local.functions.${name}`;
    if (fn.bootstrap !== undefined) {
      const file = resolve(local.baseDir, fn.bootstrap);
      if (!(await can(file, constants.X_OK))) problems.push(`${where}.bootstrap: ${file} is missing or not executable`);
      continue;
    }
    const base = resolve(local.baseDir, handlerModule(fn.handler));
    const found = await firstReadable(HANDLER_EXTENSIONS.map((ext) => base + ext));
    if (found === undefined) problems.push(`${where}.handler: no readable file ${base}.js, .mjs or .cjs`);
  }
  return problems;
}

/** `functions/hello.handler` -> `functions/hello`: the path up to the first dot after the last slash. */
export function handlerModule(handler: string): string {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  return dot < 0 ? handler : handler.slice(0, dot);
}

async function firstReadable(files: string[]): Promise<string | undefined> {
  for (const file of files) if (await can(file, constants.R_OK)) return file;
  return undefined;
}

async function can(file: string, mode: number): Promise<boolean> {
  try {
    await access(file, mode);
    return true;
  } catch {
    return false;
  }
}
