/**
 * What each output format's consumer accepts: JSON.parse for json, an XML parser for junit
 * (fast-xml-parser's validator), and for md the shape the Markdown renderers write: a
 * `### coldbench` heading first, well-formed pipe tables, and nothing of the terminal table.
 */
import { XMLValidator } from 'fast-xml-parser';

/** Problems that would make a JSON reader reject `text` as one document ([] when it parses). */
export function jsonProblems(text: string): string[] {
  try {
    JSON.parse(text);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

export function xmlProblems(text: string): string[] {
  const verdict = XMLValidator.validate(text);
  return verdict === true ? [] : [`${verdict.err.code}: ${verdict.err.msg} (line ${verdict.err.line})`];
}

/** Box-drawing characters (U+2500..U+257F): cli-table3's terminal tables are made of them. */
const BOX = /[\u2500-\u257f]/;

export function markdownProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.replace(/\n$/, '').split('\n');
  if (!/^### coldbench/.test(lines[0] ?? '')) problems.push(`first line is not a "### coldbench" heading: ${JSON.stringify(lines[0])}`);
  lines.forEach((line, i) => {
    if (BOX.test(line)) problems.push(`line ${i + 1} is a terminal table line: ${line}`);
  });
  for (const table of tables(lines)) {
    const [head, separator, ...rows] = table.lines;
    const width = cells(head!).length;
    if (separator === undefined || !/^\|(\s*:?-{3,}:?\s*\|)+$/.test(separator)) problems.push(`table at line ${table.start + 1} has no separator row`);
    else if (cells(separator).length !== width) problems.push(`table at line ${table.start + 1}: separator has ${cells(separator).length} cells, header ${width}`);
    rows.forEach((row, k) => {
      if (cells(row).length !== width) problems.push(`table at line ${table.start + 1}, row ${k + 1}: ${cells(row).length} cells, header ${width}`);
    });
  }
  return problems;
}

function tables(lines: string[]): { start: number; lines: string[] }[] {
  const found: { start: number; lines: string[] }[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('|')) return;
    const previous = found[found.length - 1];
    if (previous !== undefined && previous.start + previous.lines.length === i) previous.lines.push(line);
    else found.push({ start: i, lines: [line] });
  });
  return found;
}

/** The cells of `| a | b \| c |`: pipes escaped with a backslash belong to the cell. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
}
