/**
 * Templates in request URLs, headers, bodies and payloads: `{{seq}}`, `{{uuid}}`, `{{now}}`,
 * `{{randomInt 1 100}}`, `{{row.field}}` and `{{env.NAME}}`. A template is parsed once, before
 * the run, into literal text and placeholders; every problem (an unknown function, a bad
 * argument, an unclosed `{{`) is reported then, never during the run.
 */
import { closestWord } from '../profile/messages.js';

export type Placeholder =
  /** The request's sequence number in the run, from 0. */
  | { kind: 'seq' }
  /** A random (version 4) UUID. */
  | { kind: 'uuid' }
  /** Date.now() when the request is built. */
  | { kind: 'now' }
  /** An integer from min to max, both included, drawn from the run's seed for each request. */
  | { kind: 'randomInt'; min: number; max: number }
  /** A field of the request's data row. */
  | { kind: 'row'; field: string }
  /** An environment variable, read when the profile is loaded (a secret, like ${VAR}). */
  | { kind: 'env'; name: string };

/** Literal text and placeholders, alternating: text, placeholder, text, ..., text. */
export interface Template {
  texts: string[];
  placeholders: Placeholder[];
}

const FUNCTIONS = ['seq', 'uuid', 'now', 'randomInt', 'row.<field>', 'env.<NAME>'];
const KNOWN = 'expected {{seq}}, {{uuid}}, {{now}}, {{randomInt MIN MAX}}, {{row.FIELD}} or {{env.NAME}}';

export function hasPlaceholders(text: string): boolean {
  return text.includes('{{');
}

/** Parses a template; a string for the first problem found. */
export function parseTemplate(text: string): Template | string {
  const texts: string[] = [];
  const placeholders: Placeholder[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return `unclosed "{{" at character ${open + 1}: ${KNOWN}`;
    const placeholder = parsePlaceholder(text.slice(open + 2, close).trim());
    if (typeof placeholder === 'string') return placeholder;
    texts.push(text.slice(at, open));
    placeholders.push(placeholder);
    at = close + 2;
  }
  texts.push(text.slice(at));
  return { texts, placeholders };
}

function parsePlaceholder(inner: string): Placeholder | string {
  const [name = '', ...args] = inner.split(/\s+/);
  const noArgs = (p: Placeholder): Placeholder | string => (args.length === 0 ? p : `{{${name}}} takes no arguments, found "${args.join(' ')}"`);
  if (name === 'seq' || name === 'uuid' || name === 'now') return noArgs({ kind: name });
  if (name === 'randomInt') return randomInt(args);
  const dot = name.indexOf('.');
  const scope = dot < 0 ? name : name.slice(0, dot);
  const key = dot < 0 ? '' : name.slice(dot + 1);
  if (scope === 'row' || scope === 'env') {
    if (key === '') return `{{${scope}.NAME}} needs a name after "${scope}."`;
    if (scope === 'env' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `{{env.${key}}}: expected an environment variable name`;
    return noArgs(scope === 'row' ? { kind: 'row', field: key } : { kind: 'env', name: key });
  }
  if (name === '') return `empty placeholder "{{}}": ${KNOWN}`;
  const suggestion = closestWord(name, FUNCTIONS);
  return `unknown template function "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}: ${KNOWN}`;
}

function randomInt(args: string[]): Placeholder | string {
  const usage = '{{randomInt MIN MAX}} takes two integers, like {{randomInt 1 100}}';
  if (args.length !== 2 || !args.every((a) => /^-?\d+$/.test(a))) return usage;
  const [min, max] = args.map(Number) as [number, number];
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return usage;
  if (min > max) return `{{randomInt ${min} ${max}}}: MIN must not be above MAX`;
  return { kind: 'randomInt', min, max };
}

/** The row fields a template reads. */
export function rowFields(template: Template): string[] {
  return template.placeholders.flatMap((p) => (p.kind === 'row' ? [p.field] : []));
}

/** The environment variables a template reads. */
export function envNames(template: Template): string[] {
  return template.placeholders.flatMap((p) => (p.kind === 'env' ? [p.name] : []));
}
