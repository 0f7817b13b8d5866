/**
 * Preparing a target's requests before a run: its templates checked and compiled, its data file
 * read once (every row checked), and the plan that picks a request and a row for each arrival.
 * Every problem carries its profile path, so it is reported as a profile error with its line,
 * before anything is sent.
 *
 * checkTemplates runs while the profile is parsed (no file is read); prepareRequests, when it is
 * loaded for a run or a validation, reads the data file and checks the fields the templates name.
 */
import { relative } from 'node:path';
import type { Problem } from '../profile/source.js';
import type { TargetConfig } from '../profile/types.js';
import { FIRST_TEMPLATE_STREAM, NO_DATA } from './compile.js';
import type { CompileContext, Row } from './compile.js';
import { openDataFile } from './data/data-file.js';
import type { DataFile } from './data/data-file.js';
import { DataFileError } from './data/errors.js';
import { compileHttpRequests } from './http-requests.js';
import type { CompiledHttpRequest } from './http-requests.js';
import { compileLambdaRequests } from './lambda-requests.js';
import type { CompiledLambdaRequest } from './lambda-requests.js';
import { createPlan } from './plan.js';
import type { RequestPlan } from './plan.js';

export interface PreparedRequests {
  plan: RequestPlan;
  http?: CompiledHttpRequest[];
  lambda?: CompiledLambdaRequest[];
}

type Env = Readonly<Record<string, string | undefined>>;

interface Reads {
  env: Map<string, string>;
  fields: Set<string>;
}

function context(target: TargetConfig, env: Env, reads: Reads, field: CompileContext['field']): CompileContext {
  let stream = FIRST_TEMPLATE_STREAM;
  return {
    seed: target.seed ?? 1,
    nextStream: () => stream++,
    env: (name) => {
      const value = env[name];
      if (value !== undefined) reads.env.set(name, value);
      return value;
    },
    field: (name) => {
      reads.fields.add(name);
      return field(name);
    },
  };
}

function compile(target: TargetConfig, ctx: CompileContext) {
  if (target.kind === 'http') {
    const { requests, problems } = compileHttpRequests(target, ctx);
    return { http: requests, problems };
  }
  const { requests, problems } = compileLambdaRequests(target, ctx);
  return { lambda: requests, problems };
}

const readField = (name: string) => (row: Row) => (row as Readonly<Record<string, unknown>>)[name];

/** The templates' problems that need no file, and the {{env.NAME}} values they read. */
export function checkTemplates(target: TargetConfig, env: Env): { problems: Problem[]; templateEnv: Record<string, string> } {
  const reads: Reads = { env: new Map(), fields: new Set() };
  const hasData = target.data !== undefined;
  const { problems } = compile(target, context(target, env, reads, (name) => (hasData ? readField(name) : NO_DATA)));
  return { problems, templateEnv: Object.fromEntries(reads.env) };
}

/** Reads the data file and compiles the requests; problems instead when anything is wrong. */
export async function prepareRequests(
  target: TargetConfig,
  templateEnv: Env,
  /** profileDir: data file names in problems are relative to it (the profile's folder). */
  options: { inMemoryMaxBytes?: number; profileDir?: string } = {},
): Promise<{ prepared?: PreparedRequests; problems: Problem[] }> {
  const reads: Reads = { env: new Map(), fields: new Set() };
  // A first pass names the fields the templates read, so that every row can be checked for them.
  const first = compile(target, context(target, templateEnv, reads, (name) => (target.data !== undefined ? readField(name) : NO_DATA)));
  if (first.problems.length > 0) return { problems: first.problems };
  let data: DataFile | undefined;
  if (target.data !== undefined) {
    try {
      data = await openDataFile(target.data.file, target.data.format, {
        requiredFields: [...reads.fields],
        ...(options.inMemoryMaxBytes !== undefined && { inMemoryMaxBytes: options.inMemoryMaxBytes }),
      });
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      const name = relative(options.profileDir ?? process.cwd(), target.data.file) || target.data.file;
      const where = `${name}${error.line === undefined ? '' : ` line ${error.line}`}`;
      return { problems: [{ path: ['target', 'data', 'file'], message: `${where}: ${error.message}` }] };
    }
  }
  const file = data;
  const compiled = compile(target, context(target, templateEnv, { env: new Map(), fields: new Set() }, (name) => {
    if (file === undefined) return NO_DATA;
    if (!file.fields.includes(name)) {
      const shown = relative(options.profileDir ?? process.cwd(), file.file) || file.file;
      return `{{row.${name}}}: no field "${name}" in ${shown} (it has ${file.fields.join(', ')})`;
    }
    return readField(name);
  }));
  if (compiled.problems.length > 0) {
    file?.close();
    return { problems: compiled.problems };
  }
  const mix = target.requests ?? [];
  const plan = createPlan({
    names: mix.map((r) => r.name),
    weights: mix.map((r) => r.weight),
    seed: target.seed ?? 1,
    ...(file !== undefined && { data: file }),
    ...(target.data !== undefined && { order: target.data.order }),
  });
  return { prepared: { plan, ...(compiled.http && { http: compiled.http }), ...(compiled.lambda && { lambda: compiled.lambda }) }, problems: [] };
}
