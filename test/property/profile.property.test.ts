/**
 * The profile loader on hostile input: random YAML documents, random text, and mutations of the
 * real example profiles. Whatever it is given, it returns a profile or throws a ProfileError
 * whose every problem names where it is (a path or `yaml`, then a message): never another
 * exception, never a hang. Known attacks are checked by name: alias bombs, deep nesting, huge
 * numbers, unicode keys, a byte-order mark, CRLF line ends.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../src/errors.js';
import { parseProfileText } from '../../src/profile/index.js';
import { params, TIMEOUT_MS } from './settings.js';

const EXAMPLES = resolve(import.meta.dirname, '../../profiles/examples');
const VALID = ['http.yaml', 'closed.yaml', 'lambda-local.yaml'].map((f) => readFileSync(resolve(EXAMPLES, f), 'utf8'));

/** Loads `text`; returns 'ok', or the problems of the ProfileError. Anything else fails the property. */
function load(text: string, sets: string[] = []): 'ok' | string[] {
  try {
    parseProfileText(text, { file: 'fuzz.yaml', baseDir: EXAMPLES, env: { API_TOKEN: 't0ken' }, sets, readFile: () => '{}' });
    return 'ok';
  } catch (err) {
    if (!(err instanceof ProfileError)) throw new Error(`not a ProfileError: ${String(err)}\n--- input ---\n${text.slice(0, 2000)}`, { cause: err });
    return err.problems;
  }
}

function expectPlaced(outcome: 'ok' | string[]): void {
  if (outcome === 'ok') return;
  expect(outcome.length).toBeGreaterThan(0);
  // `load.phases[0].rate: expected ... (line 4)`, `yaml: ...`, `--set x: ...`, `["é"]: ...`
  for (const problem of outcome) expect(problem).toMatch(/^(yaml|--set .+?|profile|[A-Za-z_$["].*?): \S/);
}

/** A mutation of a valid profile's text: delete, insert, duplicate or swap, anywhere. */
const mutated = fc
  .tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'duplicate-line', 'swap-lines', 'replace-value'), fc.string({ unit: 'binary', maxLength: 12 })), { minLength: 1, maxLength: 6 }))
  .map(([text, edits]) => edits.reduce((t, [at, kind, piece]) => mutate(t, at, kind, piece), text));

function mutate(text: string, at: number, kind: string, piece: string): string {
  const i = text.length === 0 ? 0 : at % text.length;
  const lines = text.split('\n');
  const l = lines.length === 0 ? 0 : at % lines.length;
  switch (kind) {
    case 'delete':
      return text.slice(0, i) + text.slice(i + 1 + (at % 7));
    case 'insert':
      return text.slice(0, i) + piece + text.slice(i);
    case 'duplicate-line':
      return [...lines.slice(0, l + 1), lines[l] ?? '', ...lines.slice(l + 1)].join('\n');
    case 'swap-lines':
      return [...lines.slice(0, l), lines[l + 1] ?? '', lines[l] ?? '', ...lines.slice(l + 2)].join('\n');
    default: {
      // The value after a `key:` becomes something else.
      const line = lines[l] ?? '';
      const colon = line.indexOf(':');
      lines[l] = colon < 0 ? line : `${line.slice(0, colon + 1)} ${piece}`;
      return lines.join('\n');
    }
  }
}

describe('profile loader on hostile input', () => {
  it('random YAML documents: a profile or a placed profile error', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: false }), (data) => {
      let text: string | undefined;
      try {
        text = stringify(data) as string | undefined;
      } catch {
        return; // not every JS value has a YAML form
      }
      if (typeof text === 'string') expectPlaced(load(text));
    }), params(200));
  }, TIMEOUT_MS);

  it('random text: a placed profile error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => expectPlaced(load(text))), params(400));
  }, TIMEOUT_MS);

  it('mutations of the example profiles: a profile or a placed profile error', () => {
    fc.assert(fc.property(mutated, (text) => expectPlaced(load(text))), params(300));
  }, TIMEOUT_MS);

  it('random --set overrides on a valid profile: a profile or a placed profile error', () => {
    const override = fc.tuple(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 20 })).map(([path, value]) => `${path}=${value}`);
    fc.assert(fc.property(fc.constantFrom(...VALID), fc.array(override, { maxLength: 3 }), (text, sets) => expectPlaced(load(text, sets))), params(300));
  }, TIMEOUT_MS);

  it('an alias bomb: a profile error at the line of its first alias', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n');
    const problems = load(bomb);
    expect(problems).toEqual([expect.stringMatching(/^yaml: aliases expand too far .*\(line 2\)$/)]);
  });

  it('deep nesting, huge numbers, unicode keys: placed profile errors', () => {
    expectPlaced(load('['.repeat(20_000) + ']'.repeat(20_000)));
    expectPlaced(load(Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')));
    const huge = load(VALID[0]!.replace(/rate: \d+/, 'rate: 1e400'));
    expect(huge).not.toBe('ok');
    expect((huge as string[]).join('\n')).toMatch(/rate: expected a positive number/);
    const unicode = load(`${VALID[0]!}\n"\u00e9\u4e2d\u{1F600}": 1\n`);
    expect(unicode).toEqual([expect.stringMatching(/^\["é中😀"\]: unknown key/)]);
  });

  it('a byte-order mark and CRLF line ends read as the same profile', () => {
    for (const text of VALID) {
      expect(load(`\uFEFF${text}`)).toBe('ok');
      expect(load(text.replace(/\n/g, '\r\n'))).toBe('ok');
    }
  });
});
