/**
 * Friendly wording for schema problems: what a user reads next to a path and a line.
 * Schemas set their own message where they know better (e.g. "expected a positive number");
 * this error map covers everything else.
 */
import type { z } from 'zod';

/** `unknown key "rat" (did you mean "rate"?)`, suggesting a known key within edit distance 2. */
export function unknownKeyMessage(key: string, knownKeys: readonly string[]): string {
  const suggestion = closestWord(key, knownKeys);
  return `unknown key "${key}"` + (suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`);
}

/**
 * The error option of every strict object: one line per unknown key, in the order of
 * `issue.keys`, so the problem list can show each key at its own path and line.
 */
export function strictObjectError(knownKeys: readonly string[]) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    return issue.keys.map((key) => unknownKeyMessage(key, knownKeys)).join('\n');
  };
}

/** A schema error option: "required" when the field is missing, `text` otherwise. */
export function say(text: string) {
  return { error: (issue: z.core.$ZodRawIssue) => (issue.input === undefined ? 'required' : text) };
}

const TYPE_WORDS: Record<string, string> = {
  object: 'expected a mapping (key: value)',
  array: 'expected a list',
  string: 'expected a string',
  number: 'expected a number',
  int: 'expected an integer',
  boolean: 'expected true or false',
};

/** The per-parse error map: used for any issue whose schema did not say better. */
export function friendlyError(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'expected a non-empty string';
      return `expected a number ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected a number ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options)
        ? `expected ${issue.options.map((value) => JSON.stringify(value)).join(' or ')}`
        : undefined;
    case 'unrecognized_keys':
      return issue.keys.map((key) => `unknown key "${key}"`).join('\n');
    default:
      return undefined;
  }
}

/** The candidate within edit distance 2 of `word` (case-insensitive), if any. */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
