import { describe, expect, it } from 'vitest';
import { parseSetPath } from '../../src/profile/index.js';
import { parse, problemsOf } from './helpers.js';

const base = `name: t
target:
  kind: http
  url: http://127.0.0.1:8080/x
load:
  phases:
    - constant: { rate: 50, duration: 30s }
    - burst: { count: 10 }
`;

describe('--set path=value', () => {
  it.each<[string, (string | number)[] | undefined]>([
    ['load.phases[0].constant.rate', ['load', 'phases', 0, 'constant', 'rate']],
    ['target.url', ['target', 'url']],
    ['a[1][2]', ['a', 1, 2]],
    ['', undefined],
    ['.a', undefined],
    ['a..b', undefined],
    ['a[x]', undefined],
  ])('parses the path %j', (text, expected) => {
    expect(parseSetPath(text)).toEqual(expected);
  });

  it('overrides fields with YAML-typed values before validation', () => {
    const loaded = parse(base, {
      sets: ['load.phases[0].constant.rate=200', 'target.url=http://127.0.0.1:9/y=z', 'target.method=put', 'target.coldStart.header=x-cold', 'load.maxInFlight=7', 'target.connections=50'],
    });
    expect(loaded.profile.target).toMatchObject({ url: 'http://127.0.0.1:9/y=z', method: 'PUT', coldStartHeader: 'x-cold', connections: 50 });
    expect(loaded.profile.load).toMatchObject({ maxInFlight: 7, phases: [{ ratePerSec: 200 }, { count: 10 }] });
    // The saved profile is the user's shape after --set.
    expect(loaded.redacted).toMatchObject({ load: { phases: [{ constant: { rate: 200 } }, { burst: { count: 10 } }] } });
  });

  it('takes flow lists and mappings as values', () => {
    const loaded = parse(base, { sets: ['load.phases=[{ burst: { count: 3 } }]', 'target.headers={ x-a: "1" }'] });
    expect(loaded.profile.load).toMatchObject({ phases: [{ kind: 'burst', count: 3 }] });
    expect(loaded.profile.target).toMatchObject({ headers: { 'x-a': '1' } });
    expect(problemsOf(base, { sets: ['load.phases=[1, 2'] })[0]).toMatch(/^--set load\.phases: not a valid YAML list or mapping/);
  });

  it('validates overridden values, which have no line in the file', () => {
    expect(problemsOf(base, { sets: ['load.phases[0].constant.rate=-1', 'load.phase=1'] })).toEqual([
      'load.phases[0].constant.rate: expected a positive number (from --set)',
      'load.phase: unknown key "phase" (did you mean "phases"?) (from --set)',
    ]);
  });

  it('interpolates variables in --set values', () => {
    const loaded = parse(base, { sets: ['target.url=http://${HOST}/z'], env: { HOST: '127.0.0.1:1' } });
    expect(loaded.profile.target).toMatchObject({ url: 'http://127.0.0.1:1/z' });
    expect(loaded.secrets).toEqual(['127.0.0.1:1']);
  });

  it.each<[string, string]>([
    ['load.phases[5].constant.rate=1', '--set load.phases[5].constant.rate: load.phases has no item [5] (it has 2)'],
    ['name.first=1', '--set name.first: name is not a mapping'],
    ['load[0]=1', '--set load[0]: load is not a list'],
    ['no-equals-sign', '--set "no-equals-sign": expected path=value, like load.phases[0].constant.rate=200'],
  ])('names a path that cannot be set: %s', (assignment, problem) => {
    expect(problemsOf(base, { sets: [assignment] })).toEqual([problem]);
  });
});
