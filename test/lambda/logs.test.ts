import { describe, expect, it } from 'vitest';
import { decodeLogResult, parseLogLine, parseLogText, reportOf } from '../../src/lambda/logs.js';
import { AWS_DOC_PRETTY_REPORT, JSON_FIXTURES, POWER_TUNING_LOG_RESULT, TEXT_FIXTURES } from './fixtures.js';

describe('parseLogLine: real text lines', () => {
  it.each(TEXT_FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    expect(parseLogLine(fixture.line)).toEqual(fixture.expect);
  });
});

describe('parseLogLine: real JSON events', () => {
  it.each(JSON_FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    expect(parseLogLine(fixture.line)).toEqual(fixture.expect);
  });
});

describe('parseLogLine: variants of one real line', () => {
  // lambda-perf's cold REPORT (the first text fixture), rewritten the ways other tools print it.
  const { line: base, expect: expected } = TEXT_FIXTURES[0]!;
  it.each([
    ['CRLF', `${base}\r\n`, expected],
    ['tabs as single spaces', base.replace(/\t/g, ' '), expected],
    ['lower-case units', base.replace(/ ms/g, ' MS').replace(/ MB/g, ' mb'), expected],
    ['fields reordered', base.replace('Init Duration: 170.13 ms\t', '').replace('Duration: 8.40', 'Init Duration: 170.13 ms\tDuration: 8.40'), expected],
    ['unknown extra field', `${base}Future Field: 3 ms\t`, expected],
    ['aws logs tail (detailed)', `2024/04/23/[$LATEST]aa01846ebbac447abcf20f17cb27c146 2024-04-23T13:26:04.780000 ${base}`, { ...expected, time: '2024-04-23T13:26:04.780000' }],
    ['aws logs tail (short)', `2024-04-23T13:26:04 ${base}`, { ...expected, time: '2024-04-23T13:26:04' }],
    ['ISO Z prefix', `2024-04-23T13:26:04.780Z\t${base}`, { ...expected, time: '2024-04-23T13:26:04.780Z' }],
    ['XRAY on the same line', `${base}XRAY TraceId: 1-6627b6ea-41da4c2b21729b794c0ba41a\tSegmentId: 776bf0746f88446c\tSampled: true\t`, expected],
  ])('%s', (_name, line, want) => {
    expect(parseLogLine(line)).toEqual(want);
  });

  it('does not take a keyword in the middle of function output', () => {
    expect(parseLogLine('plain output mentioning START RequestId: abc inside a line')).toBeUndefined();
    expect(parseLogLine(`user said: ${base}`)).toBeUndefined();
    expect(parseLogLine('REPORT generated for customer 42')).toBeUndefined();
  });

  it('never throws on garbage', () => {
    const junk = ['', '{', '}{', '{"type":"platform.report","record":null}', 'REPORT', 'INIT_REPORT', '\u0000\uFFFF', 'REPORT RequestId: x Duration: abc ms'];
    for (let i = 0; i < 200; i++) junk.push(base.slice(0, i));
    for (const line of junk) expect(() => parseLogLine(line)).not.toThrow();
  });

  it('skips every prefix of a REPORT cut inside its last number or key', () => {
    // Cut points inside "Init Duration: 170.13 ms": either no init at all (dropped) or skipped.
    const at = base.indexOf('Init Duration');
    for (let cut = at + 1; cut < base.length - 4; cut++) {
      const parsed = parseLogLine(base.slice(0, cut));
      if (parsed !== undefined) expect(parsed).toMatchObject({ initDurationMs: 170.13 });
    }
  });
});

describe('parseLogText', () => {
  it('reads a LogResult tail: START, output, END, REPORT; XRAY next line is not a record', () => {
    const text = [
      'INIT_START Runtime Version: python:3.12.mainlinev2.v27\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:fb4a',
      'START RequestId: 644f25b7-f2c8-4616-aee2-f243b2a18f8b Version: $LATEST',
      'some output',
      'END RequestId: 644f25b7-f2c8-4616-aee2-f243b2a18f8b',
      'REPORT RequestId: 644f25b7-f2c8-4616-aee2-f243b2a18f8b\tDuration: 1655.10 ms\tBilled Duration: 1978 ms\tMemory Size: 256 MB\tMax Memory Used: 97 MB\tInit Duration: 322.04 ms\t',
      'XRAY TraceId: 1-6a7a67c2-0701d869329bf462748bc57c\tSegmentId: 1234\tSampled: true\t',
    ].join('\n');
    expect(parseLogText(text).map((r) => r.type)).toEqual(['initStart', 'start', 'end', 'report']);
  });

  it('reads a pretty-printed JSON event (AWS docs example)', () => {
    expect(parseLogText(AWS_DOC_PRETTY_REPORT.text)).toEqual([AWS_DOC_PRETTY_REPORT.expect]);
  });

  it('reads text and one-line JSON events mixed, and JSON glued after extension output', () => {
    const start = JSON_FIXTURES.find((f) => f.name.startsWith('platform.start'));
    const report = JSON_FIXTURES.find((f) => f.name.startsWith('platform.report on-demand'));
    const text = [
      TEXT_FIXTURES[0]?.line,
      `[AWS Parameters and Secrets Lambda Extension] 2024/04/11 02:14:17 Log level set to info.${start?.line}`,
      report?.line,
      '{ unbalanced',
      'END RequestId: b47cde10-029a-11e6-b5d6-1f01b70b94b2',
    ].join('\n');
    expect(parseLogText(text).map((r) => r.type)).toEqual(['report', 'start', 'report', 'end']);
  });
});

describe('decodeLogResult', () => {
  it('decodes a real LogResult', () => {
    const text = decodeLogResult(POWER_TUNING_LOG_RESULT.base64);
    expect(text.startsWith('START RequestId: 479fb51c-1e38-11e7-99ca-67bf163608ed Version: 99\n')).toBe(true);
    expect(text.endsWith('Init Duration: 300.00 ms')).toBe(true);
  });
  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['not base64', '%%% not base64 %%%'],
  ])('returns "" for %s', (_name, input) => {
    expect(decodeLogResult(input)).toBe('');
  });
});

describe('reportOf', () => {
  const tail = decodeLogResult(POWER_TUNING_LOG_RESULT.base64);

  it('finds the REPORT of a real LogResult', () => {
    // The text fixture is that LogResult's REPORT line, with its expected parse.
    const fixture = TEXT_FIXTURES.find((f) => f.line.startsWith('REPORT RequestId: 479fb51c-1e38-11e7-99ca-67bf163608ed'));
    expect(fixture?.expect).toMatchObject({ type: 'report', initDurationMs: 300 });
    expect(reportOf(tail).report).toEqual(fixture!.expect);
  });

  it('matches the request id when given, case-insensitively', () => {
    expect(reportOf(tail, '479FB51C-1E38-11E7-99CA-67BF163608ED').report?.durationMs).toBe(1);
    expect(reportOf(tail, 'another-id').report).toBeUndefined();
  });

  it('keeps INIT_START / INIT_REPORT only from the chosen invocation', () => {
    const text = [
      'INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:aaa',
      'START RequestId: a Version: $LATEST',
      'REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150.00 ms\t',
      'START RequestId: b Version: $LATEST',
      'REPORT RequestId: b\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t',
      'INIT_REPORT Init Duration: 87.28 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError',
      'START RequestId: c Version: $LATEST',
      'REPORT RequestId: c\tDuration: 97.30 ms\tBilled Duration: 98 ms\tMemory Size: 1024 MB\tMax Memory Used: 43 MB\tStatus: error\tError Type: Runtime.ImportModuleError',
    ].join('\n');
    expect(reportOf(text, 'a').initStart?.runtimeVersion).toBe('nodejs:20.v1');
    expect(reportOf(text, 'b')).toEqual({ report: expect.objectContaining({ requestId: 'b' }) });
    const c = reportOf(text, 'c');
    expect(c.initReport).toEqual({ type: 'initReport', initDurationMs: 87.28, phase: 'invoke', status: 'error', errorType: 'Runtime.ImportModuleError' });
    expect(c.report?.status).toBe('error');
  });

  it('falls back to a REPORT without request id', () => {
    const text = 'REPORT Duration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB';
    expect(reportOf(text, 'x').report).toEqual({ type: 'report', durationMs: 3, billedDurationMs: 3, memorySizeMB: 128, maxMemoryUsedMB: 40 });
  });

  it('returns nothing for an empty or unrelated tail', () => {
    expect(reportOf('')).toEqual({});
    expect(reportOf('hello\nworld')).toEqual({});
  });
});
