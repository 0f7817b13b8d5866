/** `coldbench plan replay`: its output on the example profile, and its refusals (exit 2). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReplayCommand } from '../../src/cli/commands/plan.js';
import type { PlanFlags } from '../../src/cli/commands/plan.js';
import { Output } from '../../src/cli/output.js';
import { planReplay, renderPlan } from '../../src/experiments/replay/index.js';
import { loadProfile } from '../../src/profile/index.js';

const EXAMPLE = resolve(import.meta.dirname, '../../profiles/examples/replay-local.yaml');
const quiet = new Output({ json: false, quiet: true });
const flags = (over: Partial<PlanFlags>): PlanFlags => ({ set: [], json: false, duration: '20ms', init: '300ms', ...over });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-plan-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan replay', () => {
  it('prints every option with where its inputs came from', async () => {
    const loaded = await loadProfile(EXAMPLE, { env: {} });
    const plan = planReplay({ loaded, timing: { durationMs: 20, initMs: 300, source: 'duration from --duration; init from --init' }, provisioned: [1, 2], pingEveryMs: [3000] });
    const text = renderPlan(plan);
    expect(plan.options.map((o) => o.name)).toEqual(['on demand', '1 provisioned', '2 provisioned', 'ping every 3000 ms']);
    expect(text).toContain("keep-alive 5000 ms (the idleTimeout of the profile's local function orders)");
    expect(text).toContain('nothing was sent');
    expect(text).toContain('ping every 3s');
    expect(await planReplayCommand(EXAMPLE, flags({ provisioned: '1,2', ping: '3s' }), quiet)).toBe(0);
  });

  it.each([
    [{ provisioned: '0' }, '--provisioned: "0" is not a whole number of environments >= 1'],
    [{ ping: 'often' }, '--ping: "often" is not a duration'],
    [{ duration: undefined }, "the simulator needs the function's duration"],
    [{ keepAlive: '0s' }, '--keep-alive: "0s" is not a duration'],
  ])('refuses %j', async (over, message) => {
    await expect(planReplayCommand(EXAMPLE, flags(over), quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(message) as unknown });
  });

  it('refuses a profile without a replay phase, and a deployed function without a keep-alive', async () => {
    const noReplay = join(dir, 'no-replay.yaml');
    await writeFile(noReplay, 'name: n\ntarget: { kind: lambda, function: f, local: { functions: { f: { handler: a.handler } } } }\nload: { phases: [ burst: { count: 1 } ] }\n');
    await expect(planReplayCommand(noReplay, flags({}), quiet)).rejects.toMatchObject({ exitCode: 2, message: 'the profile has no replay phase to plan' });
    const deployed = join(dir, 'deployed.yaml');
    await writeFile(deployed, `name: d\ntarget: { kind: lambda, function: orders }\nload: { phases: [ replay: { file: ${join(resolve(EXAMPLE, '..'), 'traces/azure-functions-2019-sample/invocations.csv')}, format: azure-functions-2019, function: 6ebf3ebd28, duration: 10m } ] }\n`);
    await expect(planReplayCommand(deployed, flags({ memory: 512 }), quiet)).rejects.toMatchObject({ exitCode: 2, message: 'the model needs a keep-alive: AWS publishes none' });
    await expect(planReplayCommand(deployed, flags({ keepAlive: '10m' }), quiet)).rejects.toMatchObject({ exitCode: 2, message: "the cost needs the function's memory size" });
    expect(await planReplayCommand(deployed, flags({ keepAlive: '10m', memory: 512 }), quiet)).toBe(0);
  });
});
