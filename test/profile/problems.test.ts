import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../src/errors.js';
import { HTTP_HEAD, parse, problemsOf, withLoad } from './helpers.js';

describe('every problem at once, each with its path and line', () => {
  it('lists problems from all over the file in source order', () => {
    const text = `name: "orders api"
target:
  kind: http
  url: ftp://example
  timeout: 10 seconds
load:
  maxInFlight: 0
  phases:
    - constant: { rat: 50, duration: 30s }
    - ramp:
        from: 50
        to: -5
        duration: 1m
    - contant: { rate: 1, duration: 1s }
extra: 1
`;
    expect(problemsOf(text)).toEqual([
      'name: expected a name of letters, digits, ".", "_" or "-" (it names the result file) (line 1)',
      'target.url: expected an http(s) URL like http://127.0.0.1:8080/path (line 4)',
      'target.timeout: expected a duration like 500ms, 30s, 2m (line 5)',
      'load.maxInFlight: expected an integer >= 1 (line 7)',
      'load.phases[0].constant.rate: required (line 9)',
      'load.phases[0].constant.rat: unknown key "rat" (did you mean "rate"?) (line 9)',
      'load.phases[1].ramp.to: expected a number >= 0 (line 12)',
      'load.phases[2].contant: unknown key "contant" (did you mean "constant"?) (line 14)',
      'extra: unknown key "extra" (line 15)',
    ]);
  });

  it('throws a ProfileError that exits 2 and counts the problems', () => {
    const error = (() => {
      try {
        parse('name: x\n');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).exitCode).toBe(2);
    expect((error as ProfileError).message).toMatch(/^test\.yaml: 2 problems/);
    expect((error as ProfileError).problems).toEqual(['target: required (line 1)', 'load: required (line 1)']);
  });

  it.each<[string, string, string]>([
    ['a positive rate', '  phases:\n    - constant: { rate: 0, duration: 1s }\n', 'load.phases[0].constant.rate: expected a positive number (line 7)'],
    ['a duration', '  phases:\n    - constant: { rate: 5, duration: 5d }\n', 'load.phases[0].constant.duration: expected a duration like 500ms, 30s, 2m (line 7)'],
    ['a non-zero duration', '  phases:\n    - constant: { rate: 5, duration: 0s }\n', 'load.phases[0].constant.duration: expected a duration > 0 (line 7)'],
    ['ramp not all zero', '  phases:\n    - ramp: { from: 0, to: 0, duration: 1s }\n', 'load.phases[0].ramp.to: from and to cannot both be 0 (use idle to pause) (line 7)'],
    ['steps count', '  phases:\n    - steps: { from: 1, to: 2, count: 0, stepDuration: 1s }\n', 'load.phases[0].steps.count: expected an integer >= 1 (line 7)'],
    ['sine amplitude <= mean', '  phases:\n    - sine: { mean: 10, amplitude: 20, period: 1s, duration: 2s }\n', 'load.phases[0].sine.amplitude: expected at most mean (10): the rate cannot go below 0 (line 7)'],
    ['burst count integer', '  phases:\n    - burst: { count: 1.5 }\n', 'load.phases[0].burst.count: expected an integer >= 1 (line 7)'],
    ['a phase shape', '  phases:\n    - idle\n', 'load.phases[0]: expected one of constant, ramp, steps, sine, poisson, burst, idle, replay, e.g. "constant: { rate: 50, duration: 30s }" (line 7)'],
    ['one shape per item', '  phases:\n    - burst: { count: 1 }\n      idle: 1s\n', 'load.phases[0]: one phase per list item, found burst and idle (line 7)'],
    ['at least one phase', '  phases: []\n', 'load.phases: expected at least one phase (line 6)'],
    ['phases for the open model', '  model: open\n', 'load.phases: required: the open model needs a list of phases (line 5)'],
    ['some request planned', '  phases:\n    - idle: 5s\n', 'load.phases: the phases plan no requests (line 6)'],
    ['a known model', '  model: half-open\n', 'load.model: expected "open" or "closed" (line 6)'],
    ['closed concurrency', '  model: closed\n  concurrency: 0\n  duration: 1s\n', 'load.concurrency: expected an integer >= 1 (line 7)'],
    ['closed: duration or iterations', '  model: closed\n  concurrency: 2\n', 'load: expected exactly one of duration or iterations (line 5)'],
    ['closed: not both', '  model: closed\n  concurrency: 2\n  duration: 1s\n  iterations: 5\n', 'load: expected exactly one of duration or iterations (line 5)'],
    ['closed: no phases', '  model: closed\n  concurrency: 2\n  duration: 1s\n  phases: []\n', 'load.phases: not used by the closed model (line 9)'],
  ])('load needs %s', (_name, load, problem) => {
    expect(problemsOf(withLoad(load))).toEqual([problem]);
  });

  it.each<[string, string, string]>([
    ['a kind', 'name: t\ntarget:\n  url: http://a\nload: { phases: [ burst: { count: 1 } ] }\n', 'target.kind: required: "http" or "lambda" (line 2)'],
    ['a known kind', 'name: t\ntarget:\n  kind: htp\nload: { phases: [ burst: { count: 1 } ] }\n', 'target.kind: expected "http" or "lambda" (line 3)'],
    ['a mapping', 'name: t\ntarget: http://a\nload: { phases: [ burst: { count: 1 } ] }\n', 'target: expected a mapping with kind: http or kind: lambda (line 2)'],
    ['whole connections', 'name: t\ntarget:\n  kind: http\n  url: http://a\n  connections: 0\nload: { phases: [ burst: { count: 1 } ] }\n', 'target.connections: expected an integer >= 1 (line 5)'],
    ['string thresholds', `${HTTP_HEAD}load: { phases: [ burst: { count: 1 } ] }\nthresholds: [ 5 ]\n`, 'thresholds[0]: expected a rule like "warm.p99 < 250ms", or { rule: ..., abortOnFail: true } (line 6)'],
    ['known price keys', `${HTTP_HEAD}load: { phases: [ burst: { count: 1 } ] }\nprices: { perRequests: 1 }\n`, 'prices.perRequests: unknown key "perRequests" (did you mean "perRequest"?) (line 6)'],
  ])('the profile needs %s', (_name, text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it.each<[string, string]>([
    ['name: x\n  target: [\n', 'yaml: '],
    ['name: x\nname: y\n', 'yaml: map keys must be unique (line 2)'],
  ])('reports YAML syntax errors with their line: %j', (text, start) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.startsWith(start)).toBe(true);
    expect(problems[0]).toMatch(/\(line \d+\)$/);
  });

  it('reports an empty file as missing everything', () => {
    expect(problemsOf('')).toEqual(['profile: expected a mapping (key: value) (line 1)']);
  });
});
