/**
 * `--set path=value`: overrides applied to the parsed document before interpolation and
 * validation. The value reads as a YAML scalar (`200` is a number, `true` a boolean, anything
 * else a string), or as a flow collection when it starts with `[` or `{`
 * (`matrix.memory=[256, 512]`). Missing mappings on the way are created; list items must exist.
 */
import { isMap, isSeq, parse as parseYaml } from 'yaml';
import type { Document } from 'yaml';
import { asYamlScalar } from './interpolate.js';
import type { PathSegment } from './source.js';
import { childAt, formatPath } from './source.js';

const SEGMENT = /^(?:\.?([^.[\]]+)|\[(\d+)\])/;

/** `load.phases[0].constant.rate` -> ["load", "phases", 0, "constant", "rate"]; undefined if malformed. */
export function parseSetPath(text: string): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (match === null || (path.length === 0 && rest.startsWith('.'))) return undefined;
    path.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? '').trim());
    rest = rest.slice(match[0].length);
  }
  return path.length > 0 ? path : undefined;
}

/**
 * Applies each `path=value` in order; returns a problem for each that cannot be applied,
 * formatted `--set <path>: <why>` (it has no line in the file).
 */
export function applySets(doc: Document, sets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const assignment of sets) {
    const equals = assignment.indexOf('=');
    const path = equals > 0 ? parseSetPath(assignment.slice(0, equals)) : undefined;
    if (path === undefined) {
      problems.push(`--set ${JSON.stringify(assignment)}: expected path=value, like load.phases[0].constant.rate=200`);
      continue;
    }
    const value = setValue(assignment.slice(equals + 1));
    if (!value.ok) {
      problems.push(`--set ${formatPath(path)}: ${value.problem}`);
      continue;
    }
    const failure = setAt(doc, path, value.value);
    if (failure !== undefined) problems.push(`--set ${formatPath(path)}: ${failure}`);
  }
  return problems;
}

/** A scalar, or a flow list or mapping written in YAML (`[256, 512]`, `{ a: 1 }`). */
function setValue(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return { ok: true, value: asYamlScalar(text) };
  try {
    return { ok: true, value: parseYaml(text) as unknown };
  } catch (err) {
    return { ok: false, problem: `not a valid YAML list or mapping: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Sets one value; returns why it cannot, or undefined. */
function setAt(doc: Document, path: PathSegment[], value: unknown): string | undefined {
  if (doc.contents === null) doc.contents = doc.createNode({});
  let node: unknown = doc.contents;
  for (const [depth, segment] of path.entries()) {
    const last = depth === path.length - 1;
    const here = formatPath(path.slice(0, depth));
    if (typeof segment === 'number') {
      if (!isSeq(node)) return `${here} is not a list`;
      if (segment >= node.items.length) return `${here} has no item [${segment}] (it has ${node.items.length})`;
      if (last) node.items[segment] = doc.createNode(value);
      else node = childAt(doc, node, segment)?.value;
      continue;
    }
    if (!isMap(node)) return `${here} is not a mapping`;
    const child = childAt(doc, node, segment);
    if (last) {
      if (child === undefined) node.items.push(doc.createPair(segment, value));
      else node.set(segment, doc.createNode(value));
    } else if (child === undefined || child.value === null || child.value === undefined) {
      const created = doc.createNode({});
      node.set(segment, created);
      node = created;
    } else {
      node = child.value;
    }
  }
  return undefined;
}
