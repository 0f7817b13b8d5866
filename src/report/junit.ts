/**
 * JUnit XML, which every CI system shows as test results: one test case per threshold of a
 * result, or per fail-on rule of a diff; a failed rule is a <failure>.
 */
import type { Diff } from '../diff/types.js';
import type { Result } from '../result/result.js';
import { formatActual, formatFailOnChange } from './format.js';
import { asyncLine, logsLine } from './starts.js';

export interface JunitCase {
  name: string;
  /** The case's classname when it differs from the suite's (e.g. one per matrix configuration). */
  classname?: string;
  /** Undefined when the case passed. */
  failure?: string;
  output?: string;
}

export function resultJunit(r: Result): string {
  const cases = r.thresholds.map((t) => ({
    name: t.rule,
    output: `actual: ${formatActual(t)}`,
    ...(!t.pass && { failure: `${t.rule} failed: actual ${formatActual(t)}` }),
  }));
  // What a CI reader of the results needs besides the rules: how complete the join with the logs got, and the warnings.
  const notes = [logsLine(r), asyncLine(r), ...r.warnings.map((w) => `warning: ${w}`)].filter((l): l is string => l !== undefined);
  return junit(`coldbench thresholds: ${r.name}`, `coldbench.${r.name}`, cases, notes);
}

export function diffJunit(d: Diff): string {
  const cases = d.failOn.map((v) => {
    const significance = v.significant === null ? 'exact' : !v.tested ? 'not tested: too few samples' : v.significant ? 'significant' : 'not significant';
    const detail = `change ${formatFailOnChange(v)} (${significance}${d.strict ? ', strict' : ''})`;
    return { name: v.rule, output: detail, ...(!v.pass && { failure: `${v.rule} failed: ${detail}` }) };
  });
  const names = (s: Diff['base']): string => s.names.join(', ');
  return junit(`coldbench diff: ${names(d.base)} -> ${names(d.candidate)}`, 'coldbench.diff', cases, d.warnings.map((w) => `warning: ${w}`));
}

export function junit(suite: string, classname: string, cases: readonly JunitCase[], notes: readonly string[] = []): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="coldbench" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  for (const c of cases) {
    lines.push(`    <testcase classname="${esc(c.classname ?? classname)}" name="${esc(c.name)}">`);
    if (c.failure !== undefined) lines.push(`      <failure message="${esc(c.failure)}" type="threshold">${esc(c.failure)}</failure>`);
    if (c.output !== undefined) lines.push(`      <system-out>${esc(c.output)}</system-out>`);
    lines.push('    </testcase>');
  }
  if (notes.length > 0) lines.push(`    <system-out>${esc(notes.join('\n'))}</system-out>`);
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}

/** XML text and attribute escaping; characters XML 1.0 forbids are dropped. */
export function esc(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
