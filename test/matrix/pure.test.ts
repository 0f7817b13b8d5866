import { describe, expect, it } from 'vitest';
import { coldStartsInRound, expandMatrix, runOrder } from '../../src/matrix/configurations.js';
import { manualRestoreCommand, shellQuote } from '../../src/matrix/restore.js';
import { ProfileError } from '../../src/errors.js';
import { parseProfileText } from '../../src/profile/index.js';

describe('expandMatrix', () => {
  it.each([
    [{ memoryMB: [128, 512], coldStarts: 0, rounds: 1 }, ['m128', 'm512']],
    [{ memoryMB: [512], architectures: ['x86_64', 'arm64'] as const, coldStarts: 0, rounds: 1 }, ['m512-x86', 'm512-arm64']],
    [{ environments: { small: { A: '1' }, big: { A: '2' } }, coldStarts: 0, rounds: 1 }, ['env-small', 'env-big']],
    [{ functions: ['orders-node', 'arn:aws:lambda:us-east-1:1:function:orders-py:live'], coldStarts: 0, rounds: 1 }, ['orders-node', 'orders-py_live']],
  ])('%j -> %j', (matrix, ids) => {
    expect(expandMatrix({ ...matrix, architectures: matrix.architectures ? [...matrix.architectures] : undefined } as never, 'fn').map((c) => c.id)).toEqual(ids);
  });

  it('crosses every list, functions outermost', () => {
    const configs = expandMatrix({ functions: ['a', 'b'], memoryMB: [128, 256], architectures: ['arm64'], coldStarts: 0, rounds: 1 }, 'x');
    expect(configs.map((c) => `${c.function}:${c.id}`)).toEqual(['a:a-m128-arm64', 'a:a-m256-arm64', 'b:b-m128-arm64', 'b:b-m256-arm64']);
  });
});

describe('runOrder', () => {
  const configs = expandMatrix({ memoryMB: [1, 2, 3].map((n) => n * 128), coldStarts: 0, rounds: 1 }, 'f');

  it('alternates forwards and backwards, so every configuration has the same mean position', () => {
    const slots = runOrder(configs, 4, 0);
    expect(slots.map((s) => s.config.id)).toEqual([
      'm128', 'm256', 'm384', 'm384', 'm256', 'm128', 'm128', 'm256', 'm384', 'm384', 'm256', 'm128',
    ]);
    const mean = (id: string) => slots.flatMap((s, i) => (s.config.id === id ? [i] : [])).reduce((a, b) => a + b, 0) / 4;
    expect(new Set(configs.map((c) => mean(c.id))).size).toBe(1);
  });

  it.each([
    [5, 1, [5]],
    [5, 2, [2, 3]],
    [2, 3, [0, 1, 1]],
    [0, 3, [0, 0, 0]],
  ])('spreads %i cold starts over %i rounds as %j', (total, rounds, shares) => {
    const got = Array.from({ length: rounds }, (_, r) => coldStartsInRound(total, rounds, r));
    expect(got).toEqual(shares);
    expect(got.reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('the restore command', () => {
  it('is a runnable AWS CLI command with the original memory and environment', () => {
    const command = manualRestoreCommand('orders', { memoryMB: 256, architecture: 'x86_64', environment: { GREETING: "it's" } }, {
      kind: 'lambda', function: 'orders', timeoutMs: 1000, region: 'eu-west-1', awsProfile: 'dev',
    });
    expect(command.split('\n')[0]).toBe(
      `aws lambda update-function-configuration --function-name orders --memory-size 256 --environment '{"Variables":{"GREETING":"it'\\''s"}}' --region eu-west-1 --profile dev`,
    );
  });

  it.each([
    ['plain-name_1', 'plain-name_1'],
    ['two words', `'two words'`],
    [`a'b`, `'a'\\''b'`],
    ['', `''`],
  ])('quotes %j as %s', (text, quoted) => expect(shellQuote(text)).toBe(quoted));
});

describe('matrix: in a profile', () => {
  const base = (matrix: string, target = 'target: { kind: lambda, function: f, endpoint: "http://127.0.0.1:1" }') =>
    `name: m\n${target}\nload: { phases: [ { burst: { count: 1 } } ] }\n${matrix}\n`;
  const parse = (text: string) => parseProfileText(text, { file: 'm.yaml', baseDir: '.', env: {} });
  const problems = (text: string): string[] => {
    try {
      parse(text);
      return [];
    } catch (err) {
      if (err instanceof ProfileError) return err.problems;
      throw err;
    }
  };

  it('normalizes to the Profile type with defaults', () => {
    const { profile } = parse(base('matrix: { memory: [128, 512], architecture: [arm64], environment: { big: { N: 1 } } }'));
    expect(profile.matrix).toEqual({ memoryMB: [128, 512], architectures: ['arm64'], environments: { big: { N: '1' } }, coldStarts: 0, rounds: 1 });
  });

  it.each([
    ['matrix: { coldStarts: 2 }', /matrix.*expected at least one of memory/],
    ['matrix: { memory: [64] }', /matrix\.memory\[0\]/],
    ['matrix: { memory: [128, 128] }', /matrix\.memory: expected no repeated values/],
    ['matrix: { architecture: [sparc] }', /"x86_64" or "arm64"/],
    ['matrix: { memory: [256], functions: ["f:live"] }', /cannot be combined with a qualifier or an alias/],
  ])('%s is refused', (matrix, message) => {
    expect(problems(base(matrix)).join('\n')).toMatch(message);
  });

  it('refuses a matrix on an http target', () => {
    expect(problems(base('matrix: { memory: [256] }', 'target: { kind: http, url: "http://127.0.0.1:1/" }')).join('\n')).toMatch(/needs a lambda target/);
  });
});
