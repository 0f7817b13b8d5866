/**
 * `${VAR}` interpolation in the string values of the parsed document (never in keys, never on
 * the raw text, so YAML quoting cannot be broken by a value). `${VAR:-default}` uses the
 * default when VAR is unset or empty; `$${` is a literal `${`. Every text value taken from the
 * environment is a secret.
 */
import { isMap, isScalar, isSeq, parse } from 'yaml';
import type { Document, Pair, Scalar } from 'yaml';
import type { Path, Problem } from './source.js';
import { keyText } from './source.js';
import type { SecretOrigin } from './redact.js';

export type Env = Record<string, string | undefined>;

export interface Interpolation {
  problems: Problem[];
  /** Values substituted from the environment. */
  secrets: string[];
  /** The same values with the reference each came from (`${API_KEY}`). */
  origins?: SecretOrigin[];
}

/** `$${`, or `${NAME}` / `${NAME:-default}`, or anything else that starts like a reference. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/** Replaces references in place in every string scalar of the document. */
export function interpolateDocument(doc: Document, env: Env): Interpolation {
  const result: Interpolation = { problems: [], secrets: [], origins: [] };
  walk(doc.contents, [], (scalar, path) => {
    const text = scalar.value as string;
    const found: Interpolation = { problems: result.problems, secrets: [], origins: [] };
    const substituted = interpolateString(text, env, path, found);
    if (substituted === text) return;
    // `rate: ${RATE}` written plainly reads like a number: type the value as YAML would have.
    const value = scalar.type === 'PLAIN' && WHOLE_REFERENCE.test(text) ? asYamlScalar(substituted) : substituted;
    // A number or a boolean is a setting, not a credential, and a number cannot be masked
    // inside JSON: only values that stay text are secrets.
    if (typeof value === 'string') {
      result.secrets.push(...found.secrets);
      result.origins!.push(...found.origins!);
    }
    scalar.value = value;
  });
  return result;
}

export function interpolateString(text: string, env: Env, path: Path, result: Interpolation): string {
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      result.problems.push({ path, message: `malformed reference ${match}: expected \${NAME} or \${NAME:-default}` });
      return match;
    }
    const value = env[name];
    if (fallback !== undefined && (value === undefined || value === '')) return fallback;
    if (value === undefined) {
      result.problems.push({ path, message: `missing environment variable ${name}` });
      return match;
    }
    if (value !== '') {
      result.secrets.push(value);
      result.origins?.push({ value, from: `\${${name}}` });
    }
    return value;
  });
}

/** A string as a YAML plain scalar would read it: "200" -> 200, "true" -> true, else the text. */
export function asYamlScalar(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    const value: unknown = parse(text);
    return value === null || typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

function walk(node: unknown, path: Path, visit: (scalar: Scalar, path: Path) => void): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string') visit(node, path);
  } else if (isMap(node)) {
    for (const pair of node.items as Pair[]) walk(pair.value, [...path, keyText(pair.key)], visit);
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walk(item, [...path, index], visit));
  }
}
