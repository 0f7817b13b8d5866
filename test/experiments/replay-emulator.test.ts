/**
 * A replay of the sample trace against the built-in emulator: the planned instants hold the
 * trace's counts per minute exactly, and the cold starts the run measures are those the
 * simulator predicted (within 10%), given the function's duration and init from the run's own
 * result file, as `coldbench plan replay --measured` takes them.
 *
 * The window (one queue-triggered function: bursts of 15, 4 and 15 invocations, 2 and 12
 * minutes apart, at 480 times the speed) is replayed twice around an idle phase longer than the
 * keep-alive: scale-out cold starts, warm reuse across quiet minutes, and eviction.
 *
 * The prediction takes one init time for all (the run's mean). With invocations of 20 ms, an
 * environment whose init was fast could end its invocation before the last arrival of its own
 * burst (a trace minute is 125 ms here) and serve it warm, while the mean said none could: on a
 * busy machine, where inits of one burst range widely, runs measured 24 to 27 cold starts against
 * 30 predicted, even alone. Each invocation now waits 100 ms, so with the spawn no environment
 * is free before its burst has arrived, whatever its init took (29 to 30 measured on a loaded
 * core, 29 to 33 beside other files). Still a claim about timing: it runs alone (`timed`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTiming, planReplay } from '../../src/experiments/replay/index.js';
import type { ReplayPlan } from '../../src/experiments/replay/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import type { LoadedProfile } from '../../src/profile/types.js';
import { readResult } from '../../src/result/read.js';
import type { Result } from '../../src/result/result.js';
import { writeResult } from '../../src/result/write.js';
import { runProfile } from '../../src/run/run-profile.js';
import { plannedOffsets, replayCountsPerMinute } from '../../src/schedule/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FUNCTION = '59ddc58071';
const REPLAY = `{ file: profiles/examples/traces/azure-functions-2019-sample/invocations.csv, format: azure-functions-2019, function: ${FUNCTION}, from: 230m, duration: 20m, speedup: 480, seed: 1 }`;

let dir: string;
let loaded: LoadedProfile;
let result: Result;
let plan: ReplayPlan;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-replay-'));
  loaded = parseProfileText(
    `name: replay-check
target:
  kind: lambda
  function: q
  local:
    functions:
      q:
        handler: profiles/functions/hello.handler
        idleTimeout: 2s
        environment: { WORK_MS: "100" }
load:
  maxInFlight: 200
  phases:
    - replay: ${REPLAY}
    - idle: 3s
    - replay: ${REPLAY}
`,
    { file: 'replay-check.yaml', baseDir: ROOT, env: {} },
  );
  result = await runProfile(loaded);
  const file = await writeResult(result, dir);
  plan = planReplay({ loaded, timing: functionTiming({}, { file, result: await readResult(file) }), provisioned: [2], pingEveryMs: [1000] });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a replay of the sample trace against the emulator', () => {
  it('plans and sends exactly the trace\'s counts per minute', () => {
    if (loaded.profile.load.model !== 'open') throw new Error('expected the open model');
    const [replay] = loaded.profile.load.phases;
    if (replay?.kind !== 'replay') throw new Error('expected a replay phase');
    const counts = replayCountsPerMinute(replay);
    expect(counts).toEqual([0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 15, 0, 0]);
    const minuteMs = 60_000 / 480;
    const perMinute = new Array<number>(counts.length).fill(0);
    for (const t of [...plannedOffsets([replay])]) perMinute[Math.floor(t / minuteMs)]! += 1;
    expect(perMinute).toEqual(counts);
    expect(result.counts).toMatchObject({ planned: 68, sent: 68, ok: 68, errors: 0, throttles: 0, dropped: 0 });
  });

  it('has the cold starts the simulator predicted, within 10%', () => {
    const predicted = plan.options[0]!;
    const measured = result.counts.cold + result.counts.proactive;
    expect(predicted.invocations).toBe(68);
    expect(Math.abs(measured - predicted.coldStarts), `measured ${measured}, predicted ${predicted.coldStarts} (init ${plan.timing.initMs} ms, duration ${plan.timing.durationMs.toFixed(1)} ms)`).toBeLessThanOrEqual(0.1 * predicted.coldStarts);
    // Scale-out and eviction both happened: more cold starts than the first burst, fewer than all.
    expect(measured).toBeGreaterThan(15);
    expect(measured).toBeLessThan(68);
  });

  it('predicts fewer cold starts with provisioned environments or a keep-warm ping, and what they cost', () => {
    const [onDemand, provisioned, ping] = plan.options;
    expect(plan.timing.source).toContain('the mean REPORT Duration of 68 invocations');
    expect(provisioned!.coldStarts).toBeLessThan(onDemand!.coldStarts);
    expect(ping!.pings.invocations).toBeGreaterThan(0);
    expect(ping!.coldStarts).toBeLessThanOrEqual(onDemand!.coldStarts);
    expect(provisioned!.cost.total!).toBeGreaterThan(onDemand!.cost.total!);
    expect(plan.elapsedMs).toBeLessThan(5000);
  });
});
