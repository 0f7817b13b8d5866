import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/index.js';
import { plannedCount, scheduleDurationMs } from '../../src/schedule/index.js';
import { parse, problemsOf } from './helpers.js';

const EXAMPLES = resolve(import.meta.dirname, '../../profiles/examples');
const SAMPLE = 'traces/azure-functions-2019-sample/invocations.csv';

const withReplay = (replay: string, extra = ''): string => `name: r
target: { kind: http, url: "http://127.0.0.1:8080/" }
load:
  phases:
    - replay: ${replay}
${extra}`;

const parseHere = (text: string) => parse(text, { baseDir: EXAMPLES });
const problemsHere = (text: string) => problemsOf(text, { baseDir: EXAMPLES });

describe('replay phases in a profile', () => {
  it('loads the example: half an hour of the sample trace, 60 times faster', async () => {
    const loaded = await loadProfile(resolve(EXAMPLES, 'replay-local.yaml'), { env: {} });
    if (loaded.profile.load.model !== 'open') throw new Error('expected the open model');
    const [phase] = loaded.profile.load.phases;
    expect(phase).toMatchObject({ kind: 'replay', speedup: 60, scale: 1, spread: 'poisson', seed: 1, trace: { kind: 'per-minute', windowMs: 1_800_000 } });
    expect(scheduleDurationMs(loaded.profile.load.phases)).toBe(30_000);
    expect(plannedCount(loaded.profile.load.phases)).toBeGreaterThan(0);
    expect(phase!.kind === 'replay' && phase.label).toContain('minutes 480 to 509');
    expect(loaded.redacted).toMatchObject({ load: { phases: [{ replay: { file: SAMPLE } }] } });
  });

  it('mixes with other phases and reads files relative to the profile', () => {
    const loaded = parseHere(withReplay(`{ file: ${SAMPLE}, format: azure-functions-2019, function: 6ebf3ebd28, from: 10m, duration: 2m, speedup: 120, spread: even }\n    - burst: { count: 3 }`));
    if (loaded.profile.load.model !== 'open') throw new Error('expected the open model');
    expect(loaded.profile.load.phases.map((p) => p.kind)).toEqual(['replay', 'burst']);
    expect(loaded.profile.load.phases[0]).toMatchObject({ trace: { counts: [0, 2] } });
  });

  it.each([
    [`{ file: ${SAMPLE}, format: azure-2021, function: 6ebf3ebd28 }`, 'load.phases[0].replay.format: expected "azure-functions-2019", "timestamps" or "per-minute" (line 5)'],
    [`{ file: ${SAMPLE}, format: azure-functions-2019, function: deadbeef00 }`, 'load.phases[0].replay.function: no function "deadbeef00" in the trace'],
    [`{ file: ${SAMPLE}, format: azure-functions-2019 }`, 'load.phases[0].replay.function: required: the HashFunction of the row to replay (line 5)'],
    [`{ file: missing.csv, format: per-minute }`, `load.phases[0].replay.file: cannot read ${resolve(EXAMPLES, 'missing.csv')} (ENOENT)`],
    [`{ file: ${SAMPLE}, format: per-minute, function: abc }`, 'load.phases[0].replay.function: not used by the per-minute format (a file holds one function)'],
    [`{ file: ${SAMPLE}, format: azure-functions-2019, function: 6ebf3ebd28, from: 30s }`, 'load.phases[0].replay.from: a per-minute trace is replayed from a whole minute'],
    [`{ file: ${SAMPLE}, format: azure-functions-2019, function: 6ebf3ebd28, from: 479m, duration: 2m }`, 'load.phases[0].replay.duration: the trace holds 480 minutes (columns 480 to 959): from 479m plus 2m runs past its end'],
    [`{ file: ${SAMPLE}, format: azure-functions-2019, function: 6ebf3ebd28, speedup: 0 }`, 'load.phases[0].replay.speedup: expected a positive number'],
  ])('reports %s', (replay, message) => {
    expect(problemsHere(withReplay(replay)).join('\n')).toContain(message);
  });

  it('says when a window of the trace plans nothing', () => {
    // 4ce9319ebc: one invocation in the 8 hours, at minute 481.
    expect(problemsHere(withReplay(`{ file: ${SAMPLE}, format: azure-functions-2019, function: 4ce9319ebc, from: 5m, duration: 10m }`))).toContain('load.phases: the phases plan no requests (line 4)');
  });
});
