/**
 * Templates compiled to closures, once, before the run: per request only the placeholders are
 * evaluated and joined with the literal text around them. Where a value lands decides how it is
 * written: as text (headers, a non-JSON body), percent-encoded (a URL), or as JSON (a JSON body
 * or payload: json-template.ts), so a value can never break the syntax around it.
 */
import { randomUUID } from 'node:crypto';
import { mulberry32At, streamSeed } from '../schedule/prng.js';

/** The first stream of {{randomInt}} placeholders: 0 and 1 pick the request and the random row (plan.ts). */
export const FIRST_TEMPLATE_STREAM = 2;
import { parseTemplate } from './template.js';
import type { Placeholder, Template } from './template.js';

/** A data row: the cells of a CSV record, or a JSON object. */
export type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/** What a request is built from: its sequence number, and its data row when there is a data file. */
export interface Scope {
  seq: number;
  row: Row | undefined;
}

export type ValueFn = (scope: Scope) => unknown;
export type TextFn = (scope: Scope) => string;

export interface CompileContext {
  /** The value of an {{env.NAME}} variable (read when the profile was loaded); undefined when unset. */
  env: (name: string) => string | undefined;
  /** The run's seed: {{randomInt}} draws from a stream of it per placeholder. */
  seed: number;
  /** A new stream number for each {{randomInt}}, so two of them draw independently. */
  nextStream: () => number;
  /** How to read a field of a row; a string says why it cannot be read (no data file, no such field). */
  field: (name: string) => ((row: Row) => unknown) | string;
}

/** A value as text: strings as they are, numbers and booleans written out, anything else as JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The function that evaluates one placeholder, or why it cannot. */
export function valueFn(p: Placeholder, ctx: CompileContext): ValueFn | string {
  switch (p.kind) {
    case 'seq':
      return (s) => s.seq;
    case 'uuid':
      return () => randomUUID();
    case 'now':
      return () => Date.now();
    case 'randomInt': {
      const seed = streamSeed(ctx.seed, ctx.nextStream());
      const { min } = p;
      const span = p.max - p.min + 1;
      // mulberry32At is in (0, 1]: 1 - u is in [0, 1), so the floor stays below span.
      return (s) => min + Math.floor((1 - mulberry32At(seed, s.seq)) * span);
    }
    case 'row': {
      const read = ctx.field(p.field);
      if (typeof read === 'string') return read;
      return (s) => (s.row === undefined ? undefined : read(s.row));
    }
    case 'env': {
      const value = ctx.env(p.name);
      if (value === undefined) return `{{env.${p.name}}}: missing environment variable ${p.name}`;
      return () => value;
    }
  }
}

/** Compiles every placeholder; the first problem, if any. */
export function valueFns(template: Template, ctx: CompileContext): ValueFn[] | string {
  const fns: ValueFn[] = [];
  for (const p of template.placeholders) {
    const fn = valueFn(p, ctx);
    if (typeof fn === 'string') return fn;
    fns.push(fn);
  }
  return fns;
}

type Encode = (value: unknown) => string;

/**
 * Joins literal texts and encoded values: texts[0] + enc0(v0) + texts[1] + ...; `encode` is one
 * encoder for every value, or one per value.
 */
export function joinFn(texts: readonly string[], fns: readonly ValueFn[], encode: Encode | readonly Encode[]): TextFn {
  const first = texts[0] ?? '';
  const encoders = typeof encode === 'function' ? fns.map(() => encode) : encode;
  if (fns.length === 0) return () => first;
  if (fns.length === 1) {
    const [fn, enc, last] = [fns[0]!, encoders[0]!, texts[1] ?? ''];
    return (s) => first + enc(fn(s)) + last;
  }
  const n = fns.length;
  return (s) => {
    let out = first;
    for (let i = 0; i < n; i++) out += encoders[i]!(fns[i]!(s)) + texts[i + 1]!;
    return out;
  };
}

/** A template whose values are written as text (a header, a non-JSON body). */
export function compileText(text: string, ctx: CompileContext): TextFn | string {
  return compileWith(text, ctx, textOf);
}

/** A template in a URL's path or query: values are percent-encoded, so a "/" or "?" in one stays data. */
export function compileUrlPart(text: string, ctx: CompileContext): TextFn | string {
  return compileWith(text, ctx, (value) => encodeURIComponent(textOf(value)));
}

function compileWith(text: string, ctx: CompileContext, encode: (value: unknown) => string): TextFn | string {
  const template = parseTemplate(text);
  if (typeof template === 'string') return template;
  const fns = valueFns(template, ctx);
  return typeof fns === 'string' ? fns : joinFn(template.texts, fns, encode);
}

export const NO_DATA = 'there is no data file to read rows from: add target.data: { file: ... }';

/** A context for templates without a data file (tests, the Lambda payload of a library caller). */
export function plainContext(seed = 1, env: Readonly<Record<string, string | undefined>> = {}): CompileContext {
  let stream = 0;
  return { env: (name) => env[name], seed, nextStream: () => FIRST_TEMPLATE_STREAM + stream++, field: () => NO_DATA };
}
