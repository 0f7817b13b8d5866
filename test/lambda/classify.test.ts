import { describe, expect, it } from 'vitest';
import { classifyStart, PROACTIVE_GAP_MS, PROACTIVE_WAIT_FRACTION } from '../../src/lambda/classify.js';
import { parseLogLine, reportOf } from '../../src/lambda/logs.js';
import type { LambdaReport } from '../../src/lambda/records.js';
import { JSON_FIXTURES, TEXT_FIXTURES } from './fixtures.js';

function fixtureReport(name: string): LambdaReport {
  const fixture = [...TEXT_FIXTURES, ...JSON_FIXTURES].find((f) => f.name === name);
  const parsed = fixture === undefined ? undefined : parseLogLine(fixture.line);
  if (parsed?.type !== 'report') throw new Error(`no report fixture ${name}`);
  return parsed;
}

// Real REPORTs: 3152.18 ms init / 2.85 ms duration (doom-loop post), a warm 3000 ms timeout,
// a SnapStart restore (lambda-perf), and a Managed Instances report with only durationMs.
const COLD_3S = fixtureReport('REPORT, 3 s init, no trailing tab');
const WARM = fixtureReport('REPORT with Status: timeout, no trailing tab');
const SNAPSTART = fixtureReport('REPORT, SnapStart Restore Duration + Billed Restore Duration');

describe('classifyStart', () => {
  it.each([
    ['no tail', { serviceTimeMs: 10, tailPresent: false, report: COLD_3S }, 'unknown'],
    ['tail without REPORT', { serviceTimeMs: 10, tailPresent: true }, 'unknown'],
    ['REPORT without Init Duration', { serviceTimeMs: 3050, tailPresent: true, report: WARM }, 'warm'],
    ['Restore Duration', { serviceTimeMs: 600, tailPresent: true, report: SNAPSTART }, 'cold'],
    // bar = 2.85 + 0.5 * 3152.18 = 1578.94 ms
    ['caller waited for the whole init', { serviceTimeMs: 3240, tailPresent: true, report: COLD_3S }, 'cold'],
    ['exactly at the bar', { serviceTimeMs: 2.85 + PROACTIVE_WAIT_FRACTION * 3152.18, tailPresent: true, report: COLD_3S }, 'cold'],
    ['just under the bar', { serviceTimeMs: 1578, tailPresent: true, report: COLD_3S }, 'proactive'],
    ['fast response despite Init Duration', { serviceTimeMs: 45, tailPresent: true, report: COLD_3S }, 'proactive'],
  ] as const)('%s -> %s', (_name, input, start) => {
    const result = classifyStart(input);
    expect(result.start).toBe(start);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('explains its arithmetic', () => {
    const result = classifyStart({ serviceTimeMs: 45, tailPresent: true, report: COLD_3S });
    expect(result.reason).toContain('3152.18');
    expect(result.reason).toContain('45');
  });

  it('tiny inits: any realistic overhead counts as having waited', () => {
    const report = { type: 'report', durationMs: 1.2, initDurationMs: 0.8 } as const;
    expect(classifyStart({ serviceTimeMs: 3, tailPresent: true, report }).start).toBe('cold');
    expect(classifyStart({ serviceTimeMs: 1.3, tailPresent: true, report }).start).toBe('proactive');
  });

  it('missing durationMs: compared against the init alone, doubt goes to cold', () => {
    const report = { type: 'report', initDurationMs: 400 } as const;
    expect(classifyStart({ serviceTimeMs: 250, tailPresent: true, report }).start).toBe('cold');
    const low = classifyStart({ serviceTimeMs: 150, tailPresent: true, report });
    expect(low.start).toBe('proactive');
    expect(low.reason).toContain('taken as 0');
  });

  it('suppressed init (INIT_REPORT Phase: invoke) is cold even without Init Duration on the REPORT', () => {
    const text = [
      'INIT_REPORT Init Duration: 87.28 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError',
      'REPORT RequestId: c\tDuration: 97.30 ms\tBilled Duration: 98 ms\tMemory Size: 1024 MB\tMax Memory Used: 43 MB\tStatus: error\tError Type: Runtime.ImportModuleError',
    ].join('\n');
    const tail = reportOf(text, 'c');
    expect(classifyStart({ ...tail, serviceTimeMs: 120, tailPresent: true }).start).toBe('cold');
  });

  it('no client time: falls back to the INIT_START -> invoke gap (JSON times)', () => {
    const report = { type: 'report', durationMs: 100, initDurationMs: 300, time: '2024-01-01T00:00:20.100Z' } as LambdaReport;
    const early = { type: 'initStart', time: '2024-01-01T00:00:00.000Z' } as const;
    const late = { type: 'initStart', time: '2024-01-01T00:00:19.500Z' } as const;
    expect(classifyStart({ report, initStart: early, serviceTimeMs: Number.NaN, tailPresent: true }).start).toBe('proactive');
    expect(classifyStart({ report, initStart: late, serviceTimeMs: Number.NaN, tailPresent: true }).start).toBe('cold');
    expect(classifyStart({ report, serviceTimeMs: Number.NaN, tailPresent: true }).start).toBe('cold');
    expect(PROACTIVE_GAP_MS).toBe(10_000);
  });

  it('a JSON report with only durationMs is warm', () => {
    const report = fixtureReport('platform.report with only durationMs (Lambda Managed Instances)');
    expect(classifyStart({ report, serviceTimeMs: 5, tailPresent: true }).start).toBe('warm');
  });
});
