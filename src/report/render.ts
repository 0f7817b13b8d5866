/**
 * One entry point per record for every output format: `render(result, format)` and
 * `renderDiff(diff, format, sides)`. `table` is the terminal text; `html` a self-contained page
 * (a diff's page draws the runs' distributions, so it needs the results themselves).
 */
import type { Diff } from '../diff/types.js';
import type { Result } from '../result/result.js';
import { diffTable } from './diff-table.js';
import { renderDiffHtml } from './html/diff-page.js';
import type { DiffHtmlSides } from './html/diff-page.js';
import { renderRunHtml } from './html/run-page.js';
import type { Format } from './format.js';
import { diffJson, resultJson } from './json.js';
import { diffJunit, resultJunit } from './junit.js';
import { diffMarkdown, resultMarkdown } from './markdown.js';
import { renderSummary } from './summary.js';
import { thresholdsTable } from './thresholds-table.js';
import { PLAIN_TEXT } from './terminal.js';
import type { TerminalCaps } from './terminal.js';

export type { Format };
export { FORMATS } from './format.js';

/** `caps`: what the terminal shows (the table format only); plain Unicode text without colour by default. */
export function render(result: Result, format: Format, caps: TerminalCaps = PLAIN_TEXT): string {
  switch (format) {
    case 'table': {
      const gates = thresholdsTable(result.thresholds, caps);
      return gates === undefined ? renderSummary(result, caps) : `${renderSummary(result, caps)}\n${gates}`;
    }
    case 'md': return resultMarkdown(result);
    case 'json': return resultJson(result);
    case 'junit': return resultJunit(result);
    case 'html': return renderRunHtml(result);
  }
}

/** The results each side of the diff pooled, for the HTML page. */
export type { DiffHtmlSides as DiffSides } from './html/diff-page.js';

export function renderDiff(diff: Diff, format: Format, sides?: DiffHtmlSides): string {
  switch (format) {
    case 'table': return diffTable(diff);
    case 'md': return diffMarkdown(diff);
    case 'json': return diffJson(diff);
    case 'junit': return diffJunit(diff);
    case 'html':
      if (sides === undefined) throw new TypeError('the HTML page of a diff needs the results of both sides');
      return renderDiffHtml(diff, sides);
  }
}
