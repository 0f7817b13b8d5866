/**
 * The README's list of stable error classes is the list in the code (src/targets/target.ts):
 * a class the code emits and the docs do not name would surprise every script that reads
 * `errors` from a result file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASS_FAMILIES, FIXED_ERROR_CLASSES } from '../../src/targets/target.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The backquoted names of "Error classes are stable: `a`, `b`, ...;" (up to the semicolon). */
function documentedClasses(): string[] {
  const match = /Error classes are stable:([^;]*);/.exec(README.replace(/\s+/g, ' '));
  if (match === null) throw new Error('README has no "Error classes are stable:" sentence');
  return [...match[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

describe('stable error classes', () => {
  it('README lists exactly the classes the code can emit', () => {
    expect(documentedClasses().sort()).toEqual([...FIXED_ERROR_CLASSES, ...ERROR_CLASS_FAMILIES].sort());
  });
});
