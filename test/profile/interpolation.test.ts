import { describe, expect, it } from 'vitest';
import { redact, redactData } from '../../src/profile/index.js';
import { parse, problemsOf } from './helpers.js';

const profile = (headers: string, url = 'http://127.0.0.1:8080/x') => `name: t
target:
  kind: http
  url: ${url}
  headers: ${headers}
load:
  phases:
    - constant:
        # Unquoted \${...} only works in block style: in a flow mapping { and } are YAML syntax.
        rate: \${RATE:-5}
        duration: 1s
`;

describe('${VAR} interpolation', () => {
  it('substitutes variables and defaults in string values', () => {
    const loaded = parse(profile('{ x-trace: "run-${RUN_ID}", x-plain: "cost $${5}" }', 'http://${HOST:-127.0.0.1}:8080/x'), {
      env: { RUN_ID: '42' },
    });
    if (loaded.profile.target.kind !== 'http') throw new Error('expected http');
    expect(loaded.profile.target.url).toBe('http://127.0.0.1:8080/x');
    expect(loaded.profile.target.headers).toEqual({ 'x-trace': 'run-42', 'x-plain': 'cost ${5}' });
  });

  it('types a plain ${VAR} like the YAML scalar it stands for', () => {
    const loaded = parse(profile('{}'), { env: { RATE: '20' } });
    expect(loaded.profile.load).toMatchObject({ phases: [{ kind: 'constant', ratePerSec: 20 }] });
  });

  it('uses the default when the variable is empty', () => {
    const loaded = parse(profile('{}'), { env: { RATE: '' } });
    expect(loaded.profile.load).toMatchObject({ phases: [{ ratePerSec: 5 }] });
  });

  it('names each missing variable with its path and line, and nothing else about that value', () => {
    expect(problemsOf(profile('{ authorization: "Bearer ${API_TOKEN}" }', 'http://${HOST}/x'))).toEqual([
      'target.url: missing environment variable HOST (line 4)',
      'target.headers.authorization: missing environment variable API_TOKEN (line 5)',
    ]);
  });

  it('reports a malformed reference', () => {
    expect(problemsOf(profile('{ x-a: "${1BAD}" }'))).toEqual([
      'target.headers.x-a: malformed reference ${1BAD}: expected ${NAME} or ${NAME:-default} (line 5)',
    ]);
  });

  it('does not interpolate keys', () => {
    const loaded = parse(profile('{ "${NOT_A_VAR}": v }'));
    if (loaded.profile.target.kind !== 'http') throw new Error('expected http');
    expect(Object.keys(loaded.profile.target.headers)).toEqual(['${NOT_A_VAR}']);
  });
});

describe('secrets', () => {
  it('records environment values and credential headers, and redacts them in the saved profile', () => {
    const loaded = parse(
      profile('{ Authorization: "Bearer ${API_TOKEN}", Cookie: "sid=abc", X-Api-Key: k-123, accept: "${ACCEPT}" }', 'http://${HOST}/x'),
      { env: { API_TOKEN: 'tok-9', HOST: '127.0.0.1:8080', ACCEPT: 'text/plain' } },
    );
    expect(new Set(loaded.secrets)).toEqual(new Set(['tok-9', '127.0.0.1:8080', 'text/plain', 'Bearer tok-9', 'sid=abc', 'k-123']));
    expect(loaded.redacted).toMatchObject({
      target: {
        url: 'http://***/x',
        headers: { Authorization: '***', Cookie: '***', 'X-Api-Key': '***', accept: '***' },
      },
    });
    const saved = JSON.stringify(loaded.redacted);
    for (const secret of loaded.secrets) expect(saved).not.toContain(secret);
    // The profile itself keeps the real values: the target needs them.
    expect(loaded.profile.target).toMatchObject({ headers: { Authorization: 'Bearer tok-9' } });
  });

  it('redacts secrets from problem messages', () => {
    const problems = problemsOf(profile('{ x-a: "${SECRET}" }', '${SECRET}'), { env: { SECRET: 'hunter2' } });
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it.each<[string, string[], string]>([
    ['Bearer tok9 and tok9', ['tok9', 'Bearer tok9'], '*** and ***'],
    // Shorter than MIN_MASKED_LENGTH: hidden as a whole value only (src/profile/redact.ts).
    ['a-b-a', ['a'], 'a-b-a'],
    ['a', ['a'], '***'],
    ['nothing here', [], 'nothing here'],
    ['empty secrets are ignored', [''], 'empty secrets are ignored'],
  ])('redact(%j)', (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  it('keeps a ${VAR} that stands for a number as a setting, not a secret (a number cannot be masked in JSON)', () => {
    const loaded = parse(profile('{ x-a: "${TOKEN}" }'), { env: { RATE: '20', TOKEN: 'tok-20' } });
    expect(loaded.secrets).toEqual(['tok-20']);
    expect(loaded.redacted).toMatchObject({ load: { phases: [{ constant: { rate: 20 } }] } });
  });

  it('redacts nested data without changing its shape', () => {
    expect(redactData({ a: ['x tok9', 3, null, { b: 'tok9' }], c: true }, ['tok9'])).toEqual({ a: ['x ***', 3, null, { b: '***' }], c: true });
  });
});
