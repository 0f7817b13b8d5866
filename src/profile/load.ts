/**
 * Loading a profile: YAML -> --set overrides -> ${VAR} interpolation -> schema -> Profile.
 * Every problem is collected and reported at once as `path: message (line N)`.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { visit } from 'yaml';
import type { z } from 'zod';
import { ProfileError, UsageError } from '../errors.js';
import type { Env } from './interpolate.js';
import { interpolateDocument } from './interpolate.js';
import { friendlyError } from './messages.js';
import { normalizeProfile } from './normalize.js';
import { redact, secretHeaderOrigins, unmaskableOrigins } from './redact.js';
import { redactProfile } from './redact-profile.js';
import { profileSchema } from './schema.js';
import { applySets } from './sets.js';
import type { Problem, Source } from './source.js';
import { formatPath, formatProblem, parseSource, placeOf } from './source.js';
import type { LoadedProfile, Profile } from './types.js';
import { parseThresholds } from '../gate/parse.js';
import { checkTemplates, prepareRequests } from '../requests/prepare.js';

export interface ParseProfileOptions {
  /** The profile's path, as shown in messages and stored in LoadedProfile.file. */
  file: string;
  /** Folder that relative paths (payloadFile, local handlers) are resolved against. */
  baseDir: string;
  /** Variables for ${VAR}; none when absent. */
  env?: Env;
  /** `path=value` overrides, applied in order before validation. */
  sets?: readonly string[];
  /** Reads payloadFile; defaults to a synchronous UTF-8 read. */
  readFile?: (absolutePath: string) => string;
}

/** Parses and validates profile text; throws ProfileError with every problem. */
export function parseProfileText(text: string, options: ParseProfileOptions): LoadedProfile {
  return parseLoaded(text, options).loaded;
}

function parseLoaded(text: string, options: ParseProfileOptions): { loaded: LoadedProfile; source: Source } {
  const source = parseSource(text);
  if (source.syntaxProblems.length > 0) throw new ProfileError(options.file, source.syntaxProblems);

  const setProblems = applySets(source.doc, options.sets ?? []);
  const interpolation = interpolateDocument(source.doc, options.env ?? {});
  const data = documentData(source, options.file);
  const headerOrigins = secretHeaderOrigins(data);
  const secrets = [...new Set([...interpolation.secrets, ...headerOrigins.map((origin) => origin.value)])];

  const problems: Problem[] = [...interpolation.problems];
  const parsed = profileSchema.safeParse(data, { error: friendlyError });
  if (parsed.success) {
    const baseDir = resolve(options.baseDir);
    const readText = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
    const normalized = normalizeProfile(parsed.data, { baseDir, readFile: readText });
    const templates = checkTemplates(normalized.profile.target, options.env ?? {});
    problems.push(...normalized.problems, ...thresholdProblems(normalized.profile.thresholds), ...templates.problems);
    if (problems.length === 0 && setProblems.length === 0) {
      // {{env.NAME}} values are secrets, as ${VAR} values are.
      const allSecrets = [...new Set([...secrets, ...Object.values(templates.templateEnv).filter((value) => value !== '')])];
      const templateOrigins = Object.entries(templates.templateEnv).map(([name, value]) => ({ value, from: `{{env.${name}}}` }));
      const loaded: LoadedProfile = {
        profile: normalized.profile,
        file: resolve(options.file),
        secrets: allSecrets,
        unmaskable: unmaskableOrigins([...(interpolation.origins ?? []), ...headerOrigins, ...templateOrigins]),
        redacted: redactProfile(data, allSecrets),
        templateEnv: templates.templateEnv,
      };
      return { loaded, source };
    }
  } else {
    // A value with a missing variable would also fail its type: report only the variable.
    const interpolated = new Set(interpolation.problems.map((problem) => formatPath(problem.path)));
    problems.push(...issueProblems(parsed.error.issues).filter((problem) => !interpolated.has(formatPath(problem.path))));
  }
  const formatted = [...setProblems, ...inSourceOrder(source, problems)];
  throw new ProfileError(options.file, formatted.map((problem) => redact(problem, secrets)));
}

/**
 * The document as plain data. The yaml library refuses a document whose aliases would expand
 * it past a limit (an "alias bomb", a few lines that stand for billions of nodes) with an
 * exception: that is a problem of the profile, reported at the line of its first alias.
 */
function documentData(source: Source, file: string): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const line = firstAliasLine(source);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProfileError(file, [`yaml: aliases expand too far (${lowerFirst(reason)})${line === undefined ? '' : ` (line ${line})`}`]);
  }
}

/** The yaml library's own default: more alias expansions than this is taken as an attack. */
const MAX_ALIAS_COUNT = 100;

function firstAliasLine(source: Source): number | undefined {
  let line: number | undefined;
  visit(source.doc, {
    Alias(_key, node) {
      const offset = node.range?.[0];
      if (offset !== undefined) line = source.lineCounter.linePos(offset).line;
      return visit.BREAK;
    },
  });
  return line;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Reads, parses and validates a profile file. `env` defaults to the process environment. */
export async function loadProfile(file: string, options: { env?: Env; sets?: readonly string[] } = {}): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw new UsageError(`cannot read profile ${file}: ${reason}`, 'pass the path of a YAML profile, e.g. profiles/examples/http.yaml', {
      cause: error,
    });
  }
  const { loaded, source } = parseLoaded(text, {
    file,
    baseDir: dirname(resolve(file)),
    env: options.env ?? process.env,
    sets: options.sets ?? [],
  });
  const { prepared, problems } = await prepareRequests(loaded.profile.target, loaded.templateEnv ?? {}, { profileDir: dirname(resolve(file)) });
  if (prepared === undefined) throw new ProfileError(file, inSourceOrder(source, problems).map((problem) => redact(problem, loaded.secrets)));
  loaded.requests = prepared;
  return loaded;
}

/** Threshold rules are checked here, so a bad rule is a profile error with its line. */
function thresholdProblems(entries: Profile['thresholds']): Problem[] {
  return parseThresholds(entries).problems.map((p) => ({
    path: typeof entries[p.index] === 'string' ? ['thresholds', p.index] : ['thresholds', p.index, 'rule'],
    message: p.message,
  }));
}

/** One problem per issue; an unknown-keys issue becomes one problem per key, at the key. */
function issueProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    const messages = issue.message.split('\n');
    return issue.keys.map((key, index) => ({ path: [...path, key], message: messages[index] ?? `unknown key "${key}"` }));
  });
}

/** Formatted problems sorted by line (stable), problems without a line last. */
function inSourceOrder(source: Source, problems: readonly Problem[]): string[] {
  const lineOf = (problem: Problem) => {
    const match = /^line (\d+)$/.exec(placeOf(source, problem.path));
    return match === null ? Number.POSITIVE_INFINITY : Number(match[1]);
  };
  return problems
    .map((problem) => ({ line: lineOf(problem), text: formatProblem(source, problem) }))
    .sort((a, b) => a.line - b.line)
    .map((entry) => entry.text)
    .filter((text, index, all) => all.indexOf(text) === index);
}
