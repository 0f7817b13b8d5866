/**
 * `coldbench diff <base> <candidate>`: compare result files with statistics and gate on
 * regressions. Each side is a result file, a comma-separated list of them, or a folder of them
 * (repeated runs are pooled). Exit 3 when a --fail-on rule fails, 2 for unusable inputs.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { diffResults } from '../../diff/diff.js';
import { parseFailOn } from '../../diff/fail-on.js';
import { UsageError } from '../../errors.js';
import { diffMarkdown } from '../../report/markdown.js';
import { renderDiff } from '../../report/render.js';
import { readResult } from '../../result/read.js';
import { CHECKPOINT_SUFFIX } from '../../result/checkpoint.js';
import type { Output } from '../output.js';
import { appendStepSummary, emit, parseFormat } from './report.js';

export interface DiffFlags {
  /** `--fail-on "warm.p99 > +10%"`, repeatable. */
  failOn: string[];
  /** Fail on the change alone, significant or not. */
  strict: boolean;
  format: string;
  output?: string;
  /** Seed of the bootstrap (default 1). */
  seed?: number;
  /** Family-wise confidence, e.g. 0.95 (default) or 0.99. */
  confidence?: number;
}

export async function diffCommand(base: string[], candidate: string[], flags: DiffFlags, out: Output): Promise<number> {
  const format = parseFormat(flags.format);
  const { rules, problems } = parseFailOn(flags.failOn);
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `--fail-on "${flags.failOn[p.index]}": ${p.message}`).join('\n  '));
  }
  if (flags.confidence !== undefined && !(flags.confidence > 0 && flags.confidence < 1)) {
    throw new UsageError(`--confidence must be between 0 and 1 (e.g. 0.95), got ${flags.confidence}`);
  }
  const skipped = (list: string[]): void => out.error(`note: skipped ${list.length} checkpoint${list.length === 1 ? '' : 's'} of runs that never ended (${list.join(', ')}); name a file to include it`);
  const files = { base: await expandSide(base, 'base', skipped), candidate: await expandSide(candidate, 'candidate', skipped) };
  const sides = {
    base: await Promise.all(files.base.map(readResult)),
    candidate: await Promise.all(files.candidate.map(readResult)),
  };
  const diff = diffResults(
    sides.base,
    sides.candidate,
    {
      failOn: rules, strict: flags.strict, files,
      ...(flags.seed !== undefined && { seed: flags.seed }),
      ...(flags.confidence !== undefined && { confidence: flags.confidence }),
    },
  );
  await emit(renderDiff(diff, format, sides), format, flags.output, out);
  await appendStepSummary(diffMarkdown(diff));
  const failed = diff.failOn.filter((v) => !v.pass);
  if (failed.length > 0) {
    out.error(`regression: ${failed.map((v) => v.rule).join('; ')}`);
    return 3;
  }
  return 0;
}

/**
 * Files, comma-separated lists of files, and folders (their *.json files, sorted). In a folder,
 * checkpoints (`*.partial.json`, left by runs that never ended) are skipped, and `onSkipped`
 * is told: pooled silently, a fraction of a run would weigh like a whole one. Named one by one,
 * they are read, and the diff says what they are.
 */
export async function expandSide(args: readonly string[], label: string, onSkipped?: (files: string[]) => void): Promise<string[]> {
  const files: string[] = [];
  for (const path of args.flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== '')) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const json = (await readdir(path)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
      const inFolder = json.filter((f) => !f.endsWith(CHECKPOINT_SUFFIX));
      const skipped = json.filter((f) => f.endsWith(CHECKPOINT_SUFFIX));
      if (skipped.length > 0) onSkipped?.(skipped.map((f) => join(path, f)));
      if (inFolder.length === 0) throw new UsageError(`the ${label} folder ${path} holds no .json result files${skipped.length > 0 ? ` (only checkpoints of runs that never ended: ${skipped.join(', ')})` : ''}`);
      files.push(...inFolder.map((f) => join(path, f)));
    } else {
      files.push(path);
    }
  }
  if (files.length === 0) throw new UsageError(`no ${label} result files given`);
  return files;
}
