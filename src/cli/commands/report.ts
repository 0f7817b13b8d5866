/**
 * `coldbench report <result.json> [--format table|md|json|junit|html] [--output FILE]`: render a
 * saved result (or a matrix result). Markdown also goes to $GITHUB_STEP_SUMMARY when that is set (GitHub Actions).
 * Exit 0 whatever the thresholds say: `run` and `diff` are the gates.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { FORMATS, render } from '../../report/render.js';
import type { Format } from '../../report/render.js';
import { resultMarkdown } from '../../report/markdown.js';
import { readResult } from '../../result/read.js';
import type { Output } from '../output.js';
import { readMatrixResult } from '../../matrix/matrix-result.js';
import type { MatrixResult } from '../../matrix/matrix-result.js';
import { comparisonJson, comparisonMarkdown, renderMatrixSummary } from '../../matrix/render.js';
import { renderMatrixHtml } from '../../report/html/matrix-page.js';
import { readSweepResult } from '../../experiments/sweep/result-file.js';
import { renderSweep, sweepMarkdown } from '../../experiments/sweep/render.js';
import type { SweepResult } from '../../experiments/sweep/types.js';

export interface ReportFlags {
  format: string;
  /** Write the rendered report to this file instead of stdout. */
  output?: string;
}

export async function reportCommand(file: string, flags: ReportFlags, out: Output): Promise<number> {
  const format = parseFormat(flags.format);
  const sweep = await readSweepResult(file);
  if (sweep !== undefined) {
    await emit(await renderSweepAs(sweep, format), format, flags.output, out);
    return 0;
  }
  const matrix = await readMatrixResult(file);
  if (matrix !== undefined) {
    await emit(renderMatrix(matrix, format), format, flags.output, out);
    return 0;
  }
  const result = await readResult(file);
  // A file gets no colours; the terminal gets what it can show.
  await emit(render(result, format, flags.output === undefined ? out.terminal : { ...out.terminal, color: false }), format, flags.output, out);
  await appendStepSummary(resultMarkdown(result));
  return 0;
}

/** A matrix result in every format but junit (a matrix judges no thresholds). */
function renderMatrix(m: MatrixResult, format: Format): string {
  switch (format) {
    case 'table': return renderMatrixSummary(m);
    case 'md': return comparisonMarkdown(m);
    case 'json': return comparisonJson(m);
    case 'html': return renderMatrixHtml(m);
    case 'junit': throw new UsageError('a matrix result has no thresholds to write as JUnit', 'use --format table, md, json or html');
  }
}

/** A sweep result in every format but junit (a sweep judges no thresholds). */
async function renderSweepAs(r: SweepResult, format: Format): Promise<string> {
  switch (format) {
    case 'table': return renderSweep(r);
    case 'md': return sweepMarkdown(r);
    case 'json': return JSON.stringify(r, null, 2);
    case 'html': return (await import('../../report/html/sweep-page.js')).renderSweepHtml(r);
    case 'junit': throw new UsageError('a sweep result has no thresholds to write as JUnit', 'use --format table, md, json or html');
  }
}

export function parseFormat(value: string | undefined): Format {
  const format = value ?? 'table';
  if ((FORMATS as string[]).includes(format)) return format as Format;
  throw new UsageError(`unknown format "${format}": expected one of ${FORMATS.join(', ')}`);
}

/** The rendered text to a file, or to stdout (tables are human text, the rest machine output). */
export async function emit(text: string, format: Format, outputFile: string | undefined, out: Output): Promise<void> {
  if (outputFile !== undefined) {
    try {
      await writeFile(outputFile, text.endsWith('\n') ? text : `${text}\n`);
    } catch (err) {
      throw new UsageError(`cannot write ${outputFile}: ${(err as Error).message}`);
    }
    return;
  }
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (format === 'table') out.human(body);
  else out.machine(body);
}

/**
 * GitHub Actions shows Markdown appended to the file named by GITHUB_STEP_SUMMARY on the run's
 * summary page. Outside Actions the variable is unset and nothing happens.
 */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === '') return;
  try {
    await appendFile(file, `${markdown}\n`);
  } catch (err) {
    throw new UsageError(`cannot append to GITHUB_STEP_SUMMARY (${file}): ${(err as Error).message}`);
  }
}
