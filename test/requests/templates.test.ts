/**
 * Templates: parsed once with every problem reported, values written according to where they
 * land (text, URL, JSON), and draws that depend only on the seed and the request's number.
 */
import { describe, expect, it } from 'vitest';
import { compileText, compileUrlPart, plainContext } from '../../src/requests/compile.js';
import type { CompileContext, Row } from '../../src/requests/compile.js';
import { compileJson } from '../../src/requests/json-template.js';
import { compilePayload } from '../../src/requests/payload.js';
import { parseTemplate } from '../../src/requests/template.js';

const withRows = (env: Record<string, string> = {}): CompileContext => ({
  ...plainContext(1, env),
  field: (name) => (row: Row) => (row as Record<string, unknown>)[name],
});

function ok<T>(value: T | string): T {
  if (typeof value === 'string') throw new Error(value);
  return value;
}

describe('parseTemplate', () => {
  it.each([
    ['{{seq}} {{ uuid }} {{now}}', ['seq', 'uuid', 'now']],
    ['{{randomInt 1 100}}/{{row.sku}}/{{env.TOKEN}}', ['randomInt', 'row', 'env']],
    ['no placeholders', []],
  ])('%s', (text, kinds) => {
    expect(ok(parseTemplate(text)).placeholders.map((p) => p.kind)).toEqual(kinds);
  });

  it.each([
    ['{{other}}', 'unknown template function "other"'],
    ['{{sequ}}', 'did you mean "seq"?'],
    ['{{randomInt 5 1}}', 'MIN must not be above MAX'],
    ['{{randomInt 1}}', 'takes two integers'],
    ['{{randomInt a b}}', 'takes two integers'],
    ['{{seq 1}}', 'takes no arguments'],
    ['{{row.}}', 'needs a name after "row."'],
    ['{{env.1X}}', 'expected an environment variable name'],
    ['a {{seq', 'unclosed "{{" at character 3'],
    ['{{}}', 'empty placeholder'],
  ])('%s is a problem', (text, message) => {
    expect(parseTemplate(text)).toContain(message);
  });
});

describe('text and URL templates', () => {
  it('writes values as text in headers and percent-encoded in URLs', () => {
    const ctx = withRows({ TOKEN: 'abc' });
    const header = ok(compileText('Bearer {{env.TOKEN}} #{{seq}} {{row.name}}', ctx));
    expect(header({ seq: 7, row: { name: 'a/b c' } })).toBe('Bearer abc #7 a/b c');
    const path = ok(compileUrlPart('/items/{{row.name}}?q={{row.name}}', ctx));
    expect(path({ seq: 0, row: { name: 'a/b c&d' } })).toBe('/items/a%2Fb%20c%26d?q=a%2Fb%20c%26d');
  });

  it('reports a missing environment variable and a row field without a data file', () => {
    expect(compileText('{{env.NOPE}}', plainContext())).toContain('missing environment variable NOPE');
    expect(compileText('{{row.sku}}', plainContext())).toContain('no data file');
  });

  it('{{randomInt}} stays in its bounds, covers them, and depends only on the seed and seq', () => {
    const draw = ok(compileText('{{randomInt 1 6}}', plainContext(42)));
    const again = ok(compileText('{{randomInt 1 6}}', plainContext(42)));
    const other = ok(compileText('{{randomInt 1 6}}', plainContext(43)));
    const values = Array.from({ length: 6000 }, (_, seq) => Number(draw({ seq, row: undefined })));
    expect(new Set(values)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    for (const face of [1, 2, 3, 4, 5, 6]) {
      // 1,000 expected per face; 5 standard deviations is about 150.
      expect(Math.abs(values.filter((v) => v === face).length - 1000)).toBeLessThan(150);
    }
    const backwards = Array.from({ length: 6000 }, (_, i) => Number(again({ seq: 5999 - i, row: undefined }))).reverse();
    expect(backwards).toEqual(values);
    const differs = Array.from({ length: 100 }, (_, seq) => Number(other({ seq, row: undefined })));
    expect(differs).not.toEqual(values.slice(0, 100));
  });
});

describe('JSON templates keep the JSON valid', () => {
  const ctx = withRows({ NAME: 'say "hi"\n' });
  const fill = (text: string, seq: number, row?: Record<string, unknown>) => ok(compileJson(text, ctx))({ seq, row });

  it.each([
    // A whole string takes the value's own JSON type.
    ['{"n":"{{seq}}"}', 7, {}, '{"n":7}'],
    ['{"qty":"{{row.qty}}"}', 0, { qty: 3 }, '{"qty":3}'],
    ['{"user":"{{row.user}}"}', 0, { user: 'ada' }, '{"user":"ada"}'],
    ['{"user":"{{row.user}}"}', 0, { user: { id: 1 } }, '{"user":{"id":1}}'],
    ['{"user":"{{row.user}}"}', 0, {}, '{"user":null}'],
    // Inside a longer string: escaped as string contents.
    ['{"id":"user-{{seq}}"}', 4, {}, '{"id":"user-4"}'],
    ['{"q":"a \\"{{row.x}}\\""}', 0, { x: 'b"c' }, '{"q":"a \\"b\\"c\\""}'],
    // Outside strings: a JSON value.
    ['{"n":{{seq}},"s":{{row.x}}}', 2, { x: 'x"y' }, '{"n":2,"s":"x\\"y"}'],
    ['[{{seq}}, "{{seq}}{{seq}}"]', 3, {}, '[3, "33"]'],
  ])('%s', (text, seq, row, expected) => {
    const out = fill(text, seq, row);
    expect(out).toBe(expected);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('escapes an environment value with quotes and a newline', () => {
    const out = fill('{"a":"{{env.NAME}}","b":"x {{env.NAME}}"}', 0);
    expect(JSON.parse(out)).toEqual({ a: 'say "hi"\n', b: 'x say "hi"\n' });
  });

  it('a row value with quotes, braces and newlines never breaks the JSON', () => {
    const nasty = '"}, "admin": true, {"x\n\\';
    const out = fill('{"name":"hello {{row.v}}","raw":{{row.v}},"whole":"{{row.v}}"}', 0, { v: nasty });
    expect(JSON.parse(out)).toEqual({ name: `hello ${nasty}`, raw: nasty, whole: nasty });
  });

  it('reports literal text that cannot make JSON once filled in', () => {
    expect(compileJson('{"n": {{seq}} {{seq}}}', ctx)).toContain('would not be valid JSON');
    expect(compileJson('{"a": {{seq}}', ctx)).toContain('would not be valid JSON');
  });
});

describe('compilePayload (Lambda payloads)', () => {
  const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
  const scope = (seq: number) => ({ seq, row: undefined });

  it('no payload sends no body; a fixed payload is encoded once and reused', () => {
    expect(ok(compilePayload(undefined))(scope(0))).toBeUndefined();
    const fn = ok(compilePayload('{"sku":42}'));
    expect(text(fn(scope(0)))).toBe('{"sku":42}');
    expect(fn(scope(1))).toBe(fn(scope(2)));
  });

  it('fills {{seq}}, {{uuid}} and {{now}}', () => {
    const fn = ok(compilePayload('{"n":{{seq}},"id":"{{uuid}}","t":{{now}}}'));
    const before = Date.now();
    const a = JSON.parse(text(fn(scope(5)))!) as { n: number; id: string; t: number };
    const b = JSON.parse(text(fn(scope(6)))!) as { id: string };
    expect(a.n).toBe(5);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.id).not.toBe(a.id);
    expect(a.t).toBeGreaterThanOrEqual(before);
    expect(a.t).toBeLessThanOrEqual(Date.now());
  });

  it('an unknown function is a problem, not text sent as written', () => {
    expect(compilePayload('{"a":"{{other}}"}')).toContain('unknown template function "other"');
  });
});
