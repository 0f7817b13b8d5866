/**
 * A mix, data file or template that is wrong is a profile problem with its path and line, found
 * when the profile is parsed, like every other problem.
 */
import { describe, expect, it } from 'vitest';
import { parse, problemsOf } from '../profile/helpers.js';
import { redactRecord } from '../../src/result/redact-record.js';

const profile = (target: string) => `name: t
target:
  kind: http
  url: http://127.0.0.1:8080/api
${target}
load: { phases: [ burst: { count: 1 } ] }
`;

describe('request mix problems', () => {
  it.each([
    ['a weight of 0', '  requests:\n    - { name: a, weight: 0 }', 'target.requests[0].weight: expected a positive number (line 6)'],
    ['a negative weight', '  requests:\n    - { name: a, weight: -2 }', 'target.requests[0].weight: expected a positive number (line 6)'],
    ['a repeated name', '  requests:\n    - { name: a }\n    - { name: a }', 'target.requests[1].name: the name "a" is used by an earlier request (line 7)'],
    ['a name with a dot', '  requests:\n    - { name: a.b }', 'target.requests[0].name: expected a name of letters'],
    ['path and url', '  requests:\n    - { name: a, path: /x, url: "http://127.0.0.1:8080/y" }', 'target.requests[0].url: give path or url, not both (line 6)'],
    ['a url on another origin', '  requests:\n    - { name: a, url: "http://127.0.0.1:9999/y" }', "target.requests[0].url: expected a URL on target.url's origin"],
    ['an unknown function in a header', '  headers: { x-id: "{{uid}}" }', 'target.headers.x-id: unknown template function "uid" (did you mean "uuid"?)'],
    ['a row field without a data file', '  requests:\n    - { name: a, path: "/{{row.sku}}" }', 'target.requests[0].path: there is no data file'],
    ['a body that cannot be JSON', '  headers: { content-type: application/json }\n  body: \'{"n": {{seq}} {{seq}}}\'', 'target.body: would not be valid JSON'],
    ['a data file of no known format', '  data: { file: users.txt }', 'target.data.format: cannot tell the format from the extension'],
    ['a templated host', '  url: "http://{{row.host}}:8080/"\n  data: { file: x.csv }', 'target.url: templates go in the path or query'],
    ['a missing environment variable', '  headers: { authorization: "Bearer {{env.NOPE_TOKEN}}" }', 'target.headers.authorization: {{env.NOPE_TOKEN}}: missing environment variable NOPE_TOKEN'],
  ])('%s', (_, target, expected) => {
    const text = target.includes('  url:') ? profile(target).replace('  url: http://127.0.0.1:8080/api\n', '') : profile(target);
    expect(problemsOf(text).join('\n')).toContain(expected);
  });

  it('an {{env.NAME}} value is a secret: redacted in the saved profile', () => {
    const loaded = parse(profile('  headers: { x-key: "k-{{env.MY_KEY}}" }'), { env: { MY_KEY: 'hunter2' } });
    expect(loaded.secrets).toContain('hunter2');
    expect(loaded.templateEnv).toEqual({ MY_KEY: 'hunter2' });
    expect(JSON.stringify(loaded.redacted)).not.toContain('hunter2');
  });

  it('a request header named authorization is a secret too', () => {
    const loaded = parse(profile('  requests:\n    - { name: a, headers: { authorization: "Bearer abc123" } }'));
    expect(loaded.secrets).toContain('Bearer abc123');
    expect(JSON.stringify(loaded.redacted)).not.toContain('abc123');
  });
});

describe('a request name from the environment', () => {
  it('is redacted in the breakdown and in its histograms names, never in their encodings', () => {
    const result = { requests: { 'rq-secret': { counts: { ok: 1 } } }, histograms: { 'requests.rq-secret.latency.all': 'HISTrq-secret', all: 'x' } };
    expect(redactRecord(result, ['rq-secret'])).toEqual({
      requests: { '***': { counts: { ok: 1 } } },
      histograms: { 'requests.***.latency.all': 'HISTrq-secret', all: 'x' },
    });
  });
});
