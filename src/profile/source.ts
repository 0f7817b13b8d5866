/**
 * The profile's YAML source: parsing with line numbers, walking the document by path, and the
 * `path: message (line N)` form every problem is reported in.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A problem before it is placed in the source: the path and what is wrong there. */
export interface Problem {
  path: Path;
  message: string;
}

export interface Source {
  doc: Document;
  lineCounter: LineCounter;
  /** YAML syntax errors, already formatted; when there are any, nothing else is checked. */
  syntaxProblems: string[];
}

export function parseSource(text: string): Source {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntaxProblems = doc.errors.map((error) => {
    const firstLine = error.message.split('\n')[0] ?? error.message;
    const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
    const line = error.linePos?.[0].line;
    return `yaml: ${lowerFirst(message)}${line === undefined ? '' : ` (line ${line})`}`;
  });
  return { doc, lineCounter, syntaxProblems };
}

/** `load.phases[2].ramp.to`; keys that are not plain words are quoted: `headers["x.y"]`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? 'profile' : text;
}

/** The child of a map or sequence node at one path segment, with the node that marks its line. */
export function childAt(doc: Document, node: unknown, segment: PathSegment): { marker: Node; value: unknown } | undefined {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(resolved)) {
    const pair = (resolved.items as Pair[]).find((item) => keyText(item.key) === String(segment));
    return pair === undefined ? undefined : { marker: (pair.key ?? pair.value) as Node, value: pair.value };
  }
  if (isSeq(resolved) && typeof segment === 'number') {
    const item: unknown = resolved.items[segment];
    return item === undefined ? undefined : { marker: item as Node, value: item };
  }
  return undefined;
}

/**
 * Where a path is in the source: the line of its key (or list item), or, when the path does
 * not exist (a missing field), of the deepest part that does. Values that came from --set
 * have no line.
 */
export function placeOf(source: Source, path: Path): string {
  let node: unknown = source.doc.contents;
  let marker = node as Node | null | undefined;
  for (const segment of path) {
    const child = childAt(source.doc, node, segment);
    if (child === undefined) break;
    marker = child.marker;
    node = child.value;
  }
  // A value put in by --set has no place in the file, even where its key does.
  if (isNode(node) && node.range == null) return 'from --set';
  if (marker === null || marker === undefined) return 'line 1';
  const offset = marker.range?.[0];
  if (offset === undefined) return 'from --set';
  return `line ${source.lineCounter.linePos(offset).line}`;
}

export function formatProblem(source: Source, problem: Problem): string {
  return `${formatPath(problem.path)}: ${problem.message} (${placeOf(source, problem.path)})`;
}

export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
