/**
 * The result reader on damaged files: truncations and random edits of a real result. It either
 * reads the file, or says clearly that it is not a usable result (a UsageError, exit 2): never an
 * internal error. A file it reads can be rendered in every format.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { render } from '../../src/report/render.js';
import { FORMATS } from '../../src/report/format.js';
import { parseResult } from '../../src/result/read.js';
import { buildFixture } from '../diff/fixtures.js';
import { params, TIMEOUT_MS } from './settings.js';

const RESULT = buildFixture({ seed: 7, requests: 2000, kind: 'lambda', coldRate: 0.05, errorRate: 0.02, throttleRate: 0.01 });
const TEXT = JSON.stringify(RESULT, null, 2);

/** Reads and renders; returns 'ok' or 'refused'. Anything else fails the property. */
function read(text: string): 'ok' | 'refused' {
  let result;
  try {
    result = parseResult(text, 'fuzz.json');
  } catch (err) {
    if (err instanceof UsageError) return 'refused';
    throw new Error(`not a UsageError: ${String(err)}`, { cause: err });
  }
  for (const format of FORMATS) render(result, format);
  return 'ok';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in the result, for edits. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, Json>)[k]!, [...prefix, k]))];
}

const PATHS = paths(JSON.parse(TEXT) as Json).filter((p) => p.length > 0);

const edit = fc.record({
  path: fc.constantFrom(...PATHS),
  kind: fc.constantFrom('delete', 'replace'),
  value: fc.jsonValue({ maxDepth: 2 }),
});

function applyEdits(edits: { path: (string | number)[]; kind: string; value: unknown }[]): string {
  const data = JSON.parse(TEXT) as Record<string | number, unknown>;
  for (const e of edits) {
    let node: unknown = data;
    for (const key of e.path.slice(0, -1)) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
    if (node === null || typeof node !== 'object') continue;
    const last = e.path.at(-1)!;
    if (e.kind === 'delete') delete (node as Record<string | number, unknown>)[last];
    else (node as Record<string | number, unknown>)[last] = e.value;
  }
  return JSON.stringify(data);
}

describe('the result reader on damaged files', () => {
  it('the real result reads and renders', () => {
    expect(read(TEXT)).toBe('ok');
  });

  it('truncated anywhere: refused with a clear error', () => {
    fc.assert(fc.property(fc.nat({ max: TEXT.length - 2 }), (at) => {
      expect(read(TEXT.slice(0, at))).toBe('refused');
    }), params(500));
  }, TIMEOUT_MS);

  it('bytes changed anywhere: read, or refused with a clear error', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: TEXT.length - 1 }), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 4 }), (edits) => {
      const text = edits.reduce((t, [at, piece]) => t.slice(0, at) + piece + t.slice(at + 1), TEXT);
      read(text);
    }), params(300));
  }, TIMEOUT_MS);

  it('fields deleted or replaced by any JSON: read and rendered, or refused with a clear error', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      read(applyEdits(edits));
    }), params(500));
  }, TIMEOUT_MS);
});
