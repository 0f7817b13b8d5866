/**
 * CloudWatch Logs filter patterns, as the emulator's FilterLogEvents applies them: the patterns a
 * log reader sends for Lambda platform lines and access logs, the documented examples, and the
 * syntax the emulator refuses rather than guessing.
 */
import { describe, expect, it } from 'vitest';
import { compileFilterPattern, FilterPatternError } from '../../src/emulator/cloudwatch/filter-pattern.js';

const ID = '8f5c1c8e-2f0a-4c61-9d3e-0d6f5f2a7b11';
const LINES = {
  initStart: 'INIT_START Runtime Version: nodejs:20.v23\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc',
  start: `START RequestId: ${ID} Version: $LATEST`,
  end: `END RequestId: ${ID}`,
  report: `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150.00 ms\t`,
  app: `2026-01-01T00:00:00.000Z\t${ID}\tINFO\tREPORT generated for START of the day`,
  jsonInitStart: '{"time":"2026-01-01T00:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}}',
  jsonStart: `{"time":"2026-01-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"${ID}","version":"$LATEST"}}`,
  jsonDone: `{"time":"2026-01-01T00:00:00.000Z","type":"platform.runtimeDone","record":{"requestId":"${ID}","status":"success"}}`,
  jsonReport: `{"time":"2026-01-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"${ID}","status":"success","metrics":{"durationMs":12.34,"initDurationMs":150}}}`,
  jsonApp: `{"timestamp":"2026-01-01T00:00:00.000Z","level":"INFO","requestId":"${ID}","message":"platform.report"}`,
  access: `{"requestId":"JDq8iiTSIAMEV9Q=","integrationRequestId":"${ID}","status":"200"}`,
};
type LineName = keyof typeof LINES;

function matching(pattern: string): LineName[] {
  const match = compileFilterPattern(pattern);
  return (Object.keys(LINES) as LineName[]).filter((name) => match(LINES[name]));
}

describe('the patterns a log reader sends', () => {
  it.each<[string, LineName[]]>([
    ['"REPORT RequestId"', ['report']],
    ['?"START RequestId" ?"REPORT RequestId"', ['start', 'report']],
    ['{ $.type = "platform.report" }', ['jsonReport']],
    ['{ $.type = "platform.report" || $.type = "platform.start" }', ['jsonStart', 'jsonReport']],
    ['', Object.keys(LINES) as LineName[]],
    ['   ', Object.keys(LINES) as LineName[]],
  ])('%j matches exactly %j', (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected);
  });
});

describe('unstructured terms (FilterAndPatternSyntax)', () => {
  it.each<[string, string, boolean]>([
    ['ERROR', '[ERROR] A fatal exception has occurred', true],
    ['ERROR', 'Exiting with ERRORCODE: -1', true], // a term matches inside a word: the doc's own example
    ['error', '[ERROR] A fatal exception has occurred', false], // case sensitive
    ['ERROR Exception', '[ERROR] Caught IllegalArgumentException', true],
    ['ERROR Exception', '[ERROR] A fatal error', false],
    ['"ERROR" -"Exiting"', 'Exiting with ERRORCODE: -1', false],
    ['ERROR -WARN', 'ERROR message', true],
    ['ERROR -WARN', 'ERROR WARN message', false],
    ['-WARN', 'ERROR message', true],
    ['?ERROR ?WARN', 'WARN message', true],
    ['?ERROR ?WARN', 'INFO message', false],
    ['"Failed to process"', '[WARN] Failed to process the request', true],
    ['"process Failed"', '[WARN] Failed to process the request', false], // a quoted phrase is exact
    ['Failed process', '[WARN] Failed to process the request', true],
    ['"#Cloud"', '#Cloud watch', true],
    ['"a \\"quoted\\" word"', 'say a "quoted" word', true],
  ])('%j on %j: %s', (pattern, line, expected) => {
    expect(compileFilterPattern(pattern)(line)).toBe(expected);
  });
});

describe('JSON patterns (FilterAndPatternSyntax)', () => {
  const doc = JSON.stringify({
    eventType: 'UpdateTrail',
    user: { id: 1, email: 'John.Stiles@example.com' },
    users: [{ id: 2, email: 'John.Doe@example.com' }],
    actions: ['GET', 'PUT', 'DELETE'],
    coordinates: [[0, 1, 2]],
    flag: true,
  });
  it.each<[string, boolean]>([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType != "UpdateTrail" }', false],
    ['{ $.eventType = Update* }', true],
    ['{ $.eventType = *Trail }', true],
    ['{ $.eventType = U*l }', false], // a * inside a string is a plain character
    ['{ $.user.id = 1 }', true],
    ['{ $.user.id = 2 }', false],
    ['{ $.user.id != 2 }', true],
    ['{ $.users[0].email = "John.Doe@example.com" }', true],
    ['{ $.actions[2] = "DELETE" }', true],
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
    ['{ $.users = 1 }', false], // an array is not a value node: neither = nor != applies
    ['{ $.users != 1 }', false],
    ['{ $.missing != "x" }', false],
    ['{ $.flag = true }', false], // booleans are matched with IS TRUE, which the emulator refuses
  ])('%s: %s', (pattern, expected) => {
    expect(compileFilterPattern(pattern)(doc)).toBe(expected);
  });

  it('does not apply to messages that are not JSON objects', () => {
    const match = compileFilterPattern('{ $.type = "platform.report" }');
    expect(match(`REPORT RequestId: ${ID} type=platform.report`)).toBe(false);
    expect(match('{"type":"platform.report"')).toBe(false);
    expect(match('["platform.report"]')).toBe(false);
  });
});

describe('syntax the emulator refuses', () => {
  it.each([
    '%ERR[A-Z]+%',
    '[ip, user, status_code = 4*]',
    '{ $.latency > 100 }',
    '{ $.SomeObject IS NULL }',
    '{ $.x NOT EXISTS }',
    'ERROR:',
    '?ERROR WARN',
    '"unclosed',
    '{ $.a = 1',
    '{ a = 1 }',
    '{ ($.a = 1 }',
  ])('%j is an InvalidParameter-type error', (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
  });
});
