/**
 * Redacting a result rewrites only user text: coldbench's own field names and words stay as they
 * are whatever the secrets, so a redacted result reads back, and merges, like any other.
 */
import { describe, expect, it } from 'vitest';
import { redactProfile } from '../../src/profile/redact-profile.js';
import { parseResult } from '../../src/result/read.js';
import { redactRecord } from '../../src/result/redact-record.js';
import type { Result } from '../../src/result/result.js';
import { simProfile, simulate } from './shard-fixtures.js';
import type { SimRequest } from './shard-fixtures.js';

/** Every key path of `data` (array items as []), with the keys under `skip` paths left out. */
function keyPaths(data: unknown, path = '', skip: readonly string[] = []): string[] {
  if (skip.includes(path)) return [path];
  if (Array.isArray(data)) return data.flatMap((item) => keyPaths(item, `${path}[]`, skip));
  if (data === null || typeof data !== 'object') return [path];
  return Object.entries(data).flatMap(([key, inner]) => keyPaths(inner, `${path}.${key}`, skip));
}

function sampleResult(): Result {
  const requests: SimRequest[] = Array.from({ length: 40 }, (_, j) => ({
    plannedAt: j * 25,
    lagMs: j % 3,
    serviceMs: 10 + (j % 7),
    outcome: j % 10 === 0 ? { kind: 'error', errorClass: 'timeout' } : { kind: 'ok', start: j % 8 === 0 ? 'cold' : 'warm' },
  } as SimRequest));
  const result: Result = simulate(requests, simProfile(1000, 40));
  result.status = 'aborted';
  result.warnings = ['the generator lagged 12 ms at 1.5 s'];
  return result;
}

describe('redactRecord', () => {
  // A letter, a digit, a word: each occurs in dozens of coldbench's own field names and values.
  const SHORT = ['a', '1', 'e', 'GET', 'tru'];
  const COMMON = ['latency', 'completed', 'aborted', 'timeout', '2026-'];

  it.each([
    ['short secrets', SHORT],
    ['secrets that are coldbench words', COMMON],
  ])('%s: every field name and coldbench word is kept, and the file reads back', (_name, secrets) => {
    const result = sampleResult();
    const redacted = redactRecord(result, secrets);
    expect(keyPaths(redacted, '', ['.profile'])).toEqual(keyPaths(result, '', ['.profile']));
    expect(redacted.status).toBe('aborted');
    expect(redacted.startedAt).toBe(result.startedAt);
    expect(redacted.histograms).toEqual(result.histograms);
    expect(redacted.coldStarts.map((c) => c.class)).toEqual(result.coldStarts.map((c) => c.class));
    expect(() => parseResult(JSON.stringify(redacted), 'r.json')).not.toThrow();
  });

  it('short secrets are hidden where they are a whole value, never inside other text', () => {
    const result = { ...sampleResult(), name: 'a', target: { kind: 'http' as const, url: 'http://a.example/1' } };
    const redacted = redactRecord(result, SHORT);
    expect(redacted.name).toBe('***');
    expect(redacted.target.url).toBe('http://a.example/1');
    expect(redacted.warnings).toEqual(result.warnings);
  });

  it('secrets of 4 characters or more are hidden inside user text, a function\'s error type included', () => {
    const errors = { timeout: 4, 'function-error:latency-timeout': 2, 'lambda-completedException': 1 };
    const result = { ...sampleResult(), target: { kind: 'http' as const, url: 'http://127.0.0.1/latency' }, errors };
    const redacted = redactRecord(result, COMMON);
    expect(redacted.target.url).toBe('http://127.0.0.1/***');
    expect(redacted.errors).toEqual({ timeout: 4, 'function-error:***-***': 2, 'lambda-***Exception': 1 });
    expect(redacted.latency).toEqual(result.latency);
  });

  it('a request name is redacted the same way in the breakdown and in its histograms names', () => {
    const result = sampleResult();
    const all = result.histograms.all!;
    const counts = { completed: 1, ok: 1, errors: 0, throttles: 0, warm: 1, cold: 0, proactive: 0, unknown: 0 };
    result.requests = { 'rq-secret': { counts, latency: { all: result.latency.all, warm: result.latency.warm, cold: result.latency.cold }, errors: {}, throttles: {} } };
    result.histograms = { ...result.histograms, 'requests.rq-secret.latency.all': all, 'requests.a.latency.all': all };
    const redacted = redactRecord(result, ['rq-secret', 'a']);
    expect(Object.keys(redacted.requests!)).toEqual(['***']);
    expect(redacted.requests!['***']!.latency).toEqual(result.requests['rq-secret']!.latency);
    expect(redacted.histograms['requests.***.latency.all']).toBe(all);
    // `a` is short: a whole name, not the `a` of `latency`.
    expect(Object.keys(redacted.histograms).filter((k) => k.startsWith('requests.')).sort()).toEqual(['requests.***.latency.all']);
  });

  it('two request names that redact alike stay two entries, matched with their histograms', () => {
    const result = sampleResult();
    const section = (ok: number) => ({ counts: { completed: ok, ok, errors: 0, throttles: 0, warm: ok, cold: 0, proactive: 0, unknown: 0 }, latency: { all: result.latency.all, warm: result.latency.warm, cold: result.latency.cold }, errors: {}, throttles: {} });
    result.requests = { first: section(1), second: section(2) };
    result.histograms = { ...result.histograms, 'requests.second.latency.all': 'H2', 'requests.first.latency.all': 'H1' };
    const redacted = redactRecord(result, ['first', 'second']);
    expect(Object.fromEntries(Object.entries(redacted.requests!).map(([name, r]) => [name, r.counts.ok]))).toEqual({ '***': 1, '***-2': 2 });
    expect(redacted.histograms['requests.***.latency.all']).toBe('H1');
    expect(redacted.histograms['requests.***-2.latency.all']).toBe('H2');
  });

  it('a matrix result keeps its words; environment names and values are user text', () => {
    const matrix = {
      schemaVersion: 1,
      kind: 'matrix',
      status: 'completed',
      configurations: [{ id: 'fn-arm64', function: 'fn', architecture: 'arm64', runs: [{ round: 1, file: 'x.json', status: 'completed', forcedColdStarts: 0, thresholds: [] }] }],
      comparison: { metrics: ['warm.p50'], rows: [{ id: 'fn-arm64', cells: { 'warm.p50': { value: 1, best: true, verdict: 'n/a' } } }], notes: [] },
      restore: { ok: true, functions: [{ function: 'fn', ok: true, original: { memoryMB: 128, architecture: 'arm64', environment: { TOKEN_NAME: 'hunter22' } } }] },
    };
    const redacted = redactRecord(matrix, ['arm64', 'n/a', 'completed', 'hunter22', 'TOKEN_NAME']);
    expect(redacted.configurations[0]).toMatchObject({ id: 'fn-***', architecture: 'arm64', runs: [{ status: 'completed' }] });
    expect(redacted.comparison.rows[0]!.cells['warm.p50']!.verdict).toBe('n/a');
    expect(redacted.restore.functions[0]!.original).toEqual({ memoryMB: 128, architecture: 'arm64', environment: { '***': '***' } });
  });
});

describe('redactProfile', () => {
  it('keeps the profile field names and redacts header names and values', () => {
    const data = { name: 't', target: { kind: 'http', url: 'http://127.0.0.1:8080/a', headers: { 'x-a': 'a', 'x-long-secret-name': 'v' } }, load: { phases: [{ constant: { rate: 5, duration: '1s' } }] } };
    expect(redactProfile(data, ['a', 'secret', 'http'])).toEqual({
      name: 't',
      target: { kind: '***', url: '***://127.0.0.1:8080/a', headers: { 'x-a': '***', 'x-long-***-name': 'v' } },
      load: { phases: [{ constant: { rate: 5, duration: '1s' } }] },
    });
  });
});
