/** The report and diff commands end to end on files: outputs, exit codes, the step summary. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCommand } from '../../src/cli/commands/diff.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { Output } from '../../src/cli/output.js';
import { buildFixture } from '../diff/fixtures.js';
import { childrenNamed, parseXml } from './xml.js';

const quiet = new Output({ json: false, quiet: true });
let dir: string;
let summary: string;
const savedSummary = process.env.GITHUB_STEP_SUMMARY;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-cmd-'));
  await mkdir(join(dir, 'base'));
  for (const seed of [1, 2]) {
    await writeFile(join(dir, 'base', `run-${seed}.json`), JSON.stringify(buildFixture({ seed, requests: 3000, coldRate: 0.05, summaries: false })));
  }
  await writeFile(join(dir, 'same.json'), JSON.stringify(buildFixture({ seed: 3, requests: 3000, coldRate: 0.05, summaries: false })));
  await writeFile(join(dir, 'slow.json'), JSON.stringify(buildFixture({ seed: 4, requests: 3000, coldRate: 0.05, warmMedianMs: 70, summaries: false })));
  await writeFile(join(dir, 'v2.json'), JSON.stringify({ ...buildFixture({ seed: 5, requests: 10, summaries: false }), schemaVersion: 2 }));
  summary = join(dir, 'step-summary.md');
  process.env.GITHUB_STEP_SUMMARY = summary;
});

afterAll(async () => {
  if (savedSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummary;
  await rm(dir, { recursive: true, force: true });
});

const flags = (over: Partial<Parameters<typeof diffCommand>[2]> = {}) => ({ failOn: ['warm.p50 > +10%'], strict: false, format: 'junit', ...over });

describe('diff command', () => {
  it('exits 0 when nothing regressed, pooling a folder of base runs, and appends Markdown to the step summary', async () => {
    const out = join(dir, 'same.xml');
    expect(await diffCommand([join(dir, 'base')], [join(dir, 'same.json')], flags({ output: out }), quiet)).toBe(0);
    const xml = parseXml(await readFile(out, 'utf8'));
    expect(xml.attrs).toMatchObject({ tests: '1', failures: '0' });
    expect(await readFile(summary, 'utf8')).toMatch(/^### coldbench diff: fixture \(2 runs, 6000 requests\) → fixture \(1 run, 3000 requests\) ✅ no regression/);
  });

  it('exits 3 on a significant regression', async () => {
    const out = join(dir, 'slow.xml');
    expect(await diffCommand([`${join(dir, 'base', 'run-1.json')},${join(dir, 'base', 'run-2.json')}`], [join(dir, 'slow.json')], flags({ output: out }), quiet)).toBe(3);
    const cases = childrenNamed(childrenNamed(parseXml(await readFile(out, 'utf8')), 'testsuite')[0]!, 'testcase');
    expect(childrenNamed(cases[0]!, 'failure')).toHaveLength(1);
  });

  it('throws exit-2 errors for bad rules, formats and files', async () => {
    await expect(diffCommand([join(dir, 'same.json')], [join(dir, 'slow.json')], flags({ failOn: ['warm.p50 > 10'] }), quiet))
      .rejects.toMatchObject({ exitCode: 2, message: '--fail-on "warm.p50 > 10": warm.p50 changes in ms or s (e.g. +50ms), or relatively (e.g. +10%)' });
    await expect(diffCommand([join(dir, 'same.json')], [join(dir, 'slow.json')], flags({ format: 'xml' }), quiet)).rejects.toMatchObject({ exitCode: 2 });
    await expect(diffCommand([join(dir, 'v2.json')], [join(dir, 'slow.json')], flags(), quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/schemaVersion 2/) });
  });
});

describe('report command', () => {
  it('writes each format', async () => {
    for (const format of ['md', 'json', 'junit', 'table']) {
      const out = join(dir, `report.${format}`);
      expect(await reportCommand(join(dir, 'same.json'), { format, output: out }, quiet)).toBe(0);
      expect((await readFile(out, 'utf8')).length).toBeGreaterThan(50);
    }
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).name).toBe('fixture');
  });
});
