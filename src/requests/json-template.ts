/**
 * Templates in JSON text (a JSON body, a Lambda payload). Each placeholder is written according
 * to where it stands, found by following the JSON's strings through the literal text:
 *
 * - the whole of a JSON string (`"qty": "{{randomInt 1 5}}"`): the quotes go and the value is
 *   written as JSON of its own type: a number stays a number, a string is quoted and escaped;
 * - inside a longer string (`"id": "user-{{seq}}"`): escaped as the contents of a JSON string;
 * - outside any string (`"n": {{seq}}`): written as a JSON value.
 *
 * A value is never pasted in raw, so no row can break the JSON. The template is checked once with
 * sample values: one whose literal text cannot make JSON is a profile error before the run.
 */
import { joinFn, textOf, valueFns } from './compile.js';
import type { CompileContext, TextFn } from './compile.js';
import { parseTemplate } from './template.js';
import type { Placeholder, Template } from './template.js';

type Position = 'value' | 'in-string';

/** A value written as JSON; undefined (a field a row lacks) and non-finite numbers as null. */
export function jsonValue(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** A value written as the contents of a JSON string (without its quotes). */
export function jsonStringContent(value: unknown): string {
  const quoted = JSON.stringify(textOf(value));
  return quoted.slice(1, -1);
}

/**
 * Where each placeholder stands, and the literal texts with the quotes of whole-string
 * placeholders removed. Tracks JSON strings (with their backslash escapes) across the texts.
 */
export function placeholderPositions(template: Template): { texts: string[]; positions: Position[] } {
  const texts = [...template.texts];
  const positions: Position[] = [];
  let inString = false;
  let escaped = false;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    let openedAt = -1;
    for (let j = 0; j < text.length; j++) {
      const c = text[j];
      if (escaped) escaped = false;
      else if (inString && c === '\\') escaped = true;
      else if (c === '"') {
        inString = !inString;
        openedAt = inString ? j : -1;
      }
    }
    if (i === texts.length - 1) break;
    const next = texts[i + 1]!;
    if (inString && openedAt >= 0 && openedAt === text.length - 1 && next.startsWith('"')) {
      texts[i] = text.slice(0, -1);
      texts[i + 1] = next.slice(1);
      inString = false;
      positions.push('value');
    } else {
      positions.push(inString ? 'in-string' : 'value');
    }
    escaped = false;
  }
  return { texts, positions };
}

/** Compiles JSON text with placeholders; a string says what is wrong. */
export function compileJson(text: string, ctx: CompileContext): TextFn | string {
  const template = parseTemplate(text);
  if (typeof template === 'string') return template;
  if (template.placeholders.length === 0) return () => text;
  const fns = valueFns(template, ctx);
  if (typeof fns === 'string') return fns;
  const { texts, positions } = placeholderPositions(template);
  const encoders = positions.map((position) => (position === 'value' ? jsonValue : jsonStringContent));
  const samples = template.placeholders.map((p, i) => () => encoders[i]!(sampleValue(p, ctx)));
  const problem = jsonProblem(joinFn(texts, samples, (v) => v as string)({ seq: 0, row: undefined }));
  if (problem !== undefined) return problem;
  return joinFn(texts, fns, encoders);

}

/** A value of the placeholder's type, to check the JSON around it. */
function sampleValue(p: Placeholder, ctx: CompileContext): unknown {
  switch (p.kind) {
    case 'seq':
    case 'now':
      return 0;
    case 'randomInt':
      return p.min;
    case 'uuid':
    case 'row':
      return 'x';
    case 'env':
      return ctx.env(p.name) ?? '';
  }
}

function jsonProblem(sample: string): string | undefined {
  try {
    JSON.parse(sample);
    return undefined;
  } catch (error) {
    return `would not be valid JSON once filled in (${(error as Error).message}); write placeholders as JSON values or inside strings, like {"id": "{{uuid}}", "n": {{seq}}}`;
  }
}
