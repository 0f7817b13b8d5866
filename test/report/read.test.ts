import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseResult, readResult } from '../../src/result/read.js';
import { buildFixture } from '../diff/fixtures.js';

const good = buildFixture({ seed: 9, requests: 300, coldRate: 0.1 });
const text = JSON.stringify(good);

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return (err as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseResult', () => {
  it('accepts a result file as written', () => {
    expect(parseResult(text, 'r.json')).toEqual(good);
  });

  it.each([
    ['truncated', text.slice(0, text.length / 2), /^r\.json is not a complete result file: the JSON is truncated or corrupt/],
    ['not JSON', 'hello', /^r\.json is not a complete result file/],
    ['another schema version', JSON.stringify({ ...good, schemaVersion: 2 }), /^r\.json has schemaVersion 2; this coldbench reads schemaVersion 1$/],
    ['no schema version', JSON.stringify({ name: 'x' }), /^r\.json is not a coldbench result file: it has no schemaVersion$/],
    ['no histograms', JSON.stringify({ ...good, histograms: undefined }), /^r\.json has no all, warm, cold, init histograms: reports and diffs need the stored histograms$/],
    ['one histogram missing', JSON.stringify({ ...good, histograms: { ...good.histograms, init: undefined } }), /^r\.json has no init histogram/],
    ['a corrupt histogram', JSON.stringify({ ...good, histograms: { ...good.histograms, warm: 'bm90IGEgaGlzdG9ncmFt' } }), /^r\.json: the warm histogram is corrupt/],
    ['a wrong field', JSON.stringify({ ...good, counts: { ...good.counts, sent: -1 } }), /^r\.json is not a valid result file: counts\.sent: /],
  ])('gives one clear error for %s', (_name, input, message) => {
    expect(usage(() => parseResult(input, 'r.json'))).toMatch(message);
  });
});

describe('readResult', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldbench-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file, and names a missing one', async () => {
    await writeFile(join(dir, 'ok.json'), text);
    expect((await readResult(join(dir, 'ok.json'))).name).toBe(good.name);
    await expect(readResult(join(dir, 'missing.json'))).rejects.toThrow(/^cannot read .*missing\.json/);
  });
});
