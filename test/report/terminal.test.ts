/** The terminal summary's charts: sparklines, the warm/cold histogram, ASCII where asked. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminalCaps } from '../../src/cli/output.js';
import { render } from '../../src/report/render.js';
import { latencyHistogram, overTime, sparkline } from '../../src/report/terminal.js';
import type { Result } from '../../src/result/result.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/results');
const fixture = async (name: string): Promise<Result> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Result;
const UNICODE = { unicode: true, color: false };
const ASCII = { unicode: false, color: false };

describe('terminal charts', () => {
  it.each([
    [[0, 1, 8, null, 4], UNICODE, ' ▁█ ▄'],
    [[0, 1, 8, null, 4], ASCII, ' _# ~'],
    [[5, 5], UNICODE, '██'],
    [[0, 0], UNICODE, '  '],
  ])('sparkline %j', (values, caps, expected) => {
    expect(sparkline(values, caps)).toBe(expected);
  });

  it('draws req/s, p99 and cold starts over the run, counting every cold start of the timeline', async () => {
    const r = await fixture('lambda-completed.json');
    const text = overTime(r, UNICODE)!;
    const lines = text.split('\n');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['over', 'req/s', 'p99', 'cold']);
    const cold = r.timeline.reduce((s, e) => s + e.cold, 0);
    expect(lines[3]).toContain(`${cold} cold starts`);
    // 116 buckets of 100 ms in at most 48 columns: 3 buckets a column.
    expect(lines[0]).toBe('over time: 11.532 s, 0.3 s a column');
    expect(lines[1]!.slice(9, 9 + 39)).toMatch(/^[ ▁▂▃▄▅▆▇█]{39}$/);
  });

  it('shows warm and cold latency with different symbols, every request counted once', async () => {
    const r = await fixture('lambda-completed.json');
    for (const [caps, warm, cold] of [[UNICODE, '█', '░'], [ASCII, '#', 'o']] as const) {
      const rows = latencyHistogram(r, caps)!.split('\n').slice(1);
      const count = (re: RegExp): number => rows.reduce((s, l) => s + Number(re.exec(l)?.[1] ?? 0), 0);
      expect(count(/(\d+) warm/)).toBe(r.latency.warm.count);
      expect(count(/(\d+) cold/)).toBe(r.latency.cold.count);
      const coldOnly = rows.find((l) => /cold$/.test(l) && !l.includes('warm'))!;
      expect(coldOnly).toContain(cold);
      expect(coldOnly).not.toContain(warm);
    }
  });

  it('writes only ASCII in ASCII mode, tables included', async () => {
    const text = render(await fixture('lambda-completed.json'), 'table', ASCII);
    expect(text).toMatch(/latency histogram/);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(render(await fixture('lambda-completed.json'), 'table', UNICODE)).toMatch(/[█┌]/);
  });

  it.each([
    [{}, false, { unicode: true, color: false }],
    [{ LANG: 'en_US.UTF-8' }, true, { unicode: true, color: true }],
    [{ LANG: 'C' }, true, { unicode: false, color: true }],
    [{ LC_ALL: 'POSIX', LANG: 'en_US.UTF-8' }, true, { unicode: false, color: true }],
    [{ NO_COLOR: '1', LANG: 'en_US.UTF-8' }, true, { unicode: false, color: false }],
    [{ NO_COLOR: '', LANG: 'C.utf8' }, true, { unicode: true, color: true }],
    [{ TERM: 'dumb' }, true, { unicode: false, color: false }],
  ])('terminal capabilities of %j (TTY %s)', (env, tty, expected) => {
    expect(terminalCaps(env, tty)).toEqual(expected);
  });
});
