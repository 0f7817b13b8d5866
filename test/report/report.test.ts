import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { parseFailOn } from '../../src/diff/fail-on.js';
import { evaluateThresholds, parseThresholds } from '../../src/gate/index.js';
import { render, renderDiff } from '../../src/report/render.js';
import type { Result } from '../../src/result/result.js';
import { buildFixture } from '../diff/fixtures.js';
import { childrenNamed, parseXml } from './xml.js';

function withThresholds(result: Result, rules: string[]): Result {
  return { ...result, thresholds: evaluateThresholds(parseThresholds(rules).rules, result) };
}

const result = withThresholds(
  buildFixture({ seed: 42, requests: 2000, coldRate: 0.05, errorRate: 0.01, name: 'orders-api' }),
  ['warm.p99 < 250ms', 'cold.rate < 1%', 'errors.rate < 5%', 'throttles.count == 0', 'cold.p99 < 1ms'],
);
const base = buildFixture({ seed: 1, requests: 3000, coldRate: 0.05, errorRate: 0.01, name: 'orders-api' });
const candidate = buildFixture({ seed: 2, requests: 3000, coldRate: 0.05, errorRate: 0.01, name: 'orders-api', tailFactor: 1.5 });
const diff = diffResults([base], [candidate], { failOn: parseFailOn(['warm.p99 > +10%', 'warm.p50 > +10%', 'cold.rate > +2pp', 'init.p50 > +50ms']).rules });

describe('junit', () => {
  it('has one test case per threshold, failures marked, and reads back as XML', () => {
    const xml = parseXml(render(result, 'junit'));
    expect(xml.name).toBe('testsuites');
    const [suite] = childrenNamed(xml, 'testsuite');
    const cases = childrenNamed(suite!, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(result.thresholds.map((t) => t.rule));
    const failed = cases.filter((c) => childrenNamed(c, 'failure').length > 0).map((c) => c.attrs.name);
    expect(failed).toEqual(result.thresholds.filter((t) => !t.pass).map((t) => t.rule));
    expect(failed).toContain('cold.p99 < 1ms');
    expect(suite!.attrs).toMatchObject({ tests: '5', failures: String(failed.length) });
    expect(xml.attrs.failures).toBe(String(failed.length));
  });

  it('has one test case per fail-on rule for a diff', () => {
    const xml = parseXml(renderDiff(diff, 'junit'));
    const cases = childrenNamed(childrenNamed(xml, 'testsuite')[0]!, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(diff.failOn.map((v) => v.rule));
    const failed = cases.filter((c) => childrenNamed(c, 'failure').length > 0).map((c) => c.attrs.name);
    expect(failed).toEqual(['warm.p99 > +10%']);
    expect(childrenNamed(cases[0]!, 'failure')[0]!.attrs.message).toMatch(/^warm\.p99 > \+10% failed: change \+\d+\.\d% \(significant\)$/);
  });

  it('says, besides the rules, how complete the join with the logs got and every warning', () => {
    const withLogs = {
      ...result,
      warnings: ['37 requests were not matched'],
      logs: { logGroup: '/aws/lambda/orders', deferred: 143, matched: 106, notInvoked: 0, withoutId: 0, lagMs: null, apiCalls: 9, throttledCalls: 0, waitedMs: 0, complete: false },
    } as unknown as Result;
    const [suite] = childrenNamed(parseXml(render(withLogs, 'junit')), 'testsuite');
    const out = childrenNamed(suite!, 'system-out').map((e) => e.text).join('\n');
    expect(out).toMatch(/starts from \/aws\/lambda\/orders: 106 of 143 requests matched \(74\.1%\)/);
    expect(out).toMatch(/warning: 37 requests were not matched/);
    const html = render(withLogs, 'html');
    expect(html).toMatch(/<h2>Starts<\/h2>/);
    expect(html).toMatch(/Starts from \/aws\/lambda\/orders: 106 of 143 requests matched/);
  });

  it('escapes what XML cannot hold', () => {
    const odd = withThresholds({ ...result, name: 'a<b>&"c"' }, ['all.p50 < 1ms']);
    const xml = parseXml(render(odd, 'junit'));
    expect(childrenNamed(xml, 'testsuite')[0]!.attrs.name).toBe('coldbench thresholds: a<b>&"c"');
  });
});

describe('markdown', () => {
  it('renders a result', async () => {
    await expect(render(result, 'md')).toMatchFileSnapshot('__snapshots__/result.md');
  });

  it('renders a diff', async () => {
    await expect(renderDiff(diff, 'md')).toMatchFileSnapshot('__snapshots__/diff.md');
  });
});

describe('json and table', () => {
  it('json is the record itself', () => {
    expect(JSON.parse(render(result, 'json'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(JSON.parse(renderDiff(diff, 'json')).rows.length).toBe(diff.rows.length);
  });

  it('the table shows every row and the threshold verdicts', () => {
    const text = renderDiff(diff, 'table');
    for (const row of diff.rows) expect(text).toContain(row.metric);
    expect(text).toMatch(/warm\.p99 > \+10%.*FAIL/);
    expect(render(result, 'table')).toMatch(/cold\.p99 < 1ms.*FAIL/);
  });
});
