/**
 * `coldbench emulator` through the real binary: it serves a profile's functions on loopback
 * (Invoke API, function URL, ground truth) until Ctrl-C, then stops its environments. And a
 * matrix whose endpoint goes away mid-run: coldbench cannot restore the function, prints the
 * exact command to run by hand, and exits 1.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldbench } from '../helpers/bin.js';
import type { Ran } from '../helpers/bin.js';
import { profilesDir } from '../emulator/helpers.js';
import { gone, until } from '../helpers/procs.js';

let dir: string;
let profile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-emulator-cmd-'));
  // The profile sits in profiles/ terms: its handler is resolved against the folder given here.
  profile = join(dir, 'emu.yaml');
  await writeFile(profile, `name: emu
target:
  kind: lambda
  function: hello
  local:
    functions:
      hello: { handler: ${join(profilesDir, 'functions/hello')}.handler, environment: { WORK_MS: "1" } }
load: { phases: [ { constant: { rate: 10, duration: 1s } } ] }
`);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Started {
  endpoint: string;
  functionUrl: string;
  child: ChildProcess;
  done: Promise<Ran>;
}

/** Starts `coldbench emulator` on a free port and waits for its "press Ctrl-C" line. */
function startEmulatorCommand(file = profile): Promise<Started> {
  return new Promise((resolve, reject) => {
    let out = '';
    let resolved = false;
    const done = coldbench(['emulator', file, '--port', '0'], {
      cwd: dir,
      onSpawn: (child) => children.push(child),
      onStdout: (chunk, child) => {
        out += chunk;
        if (resolved || !out.includes('press Ctrl-C')) return;
        resolved = true;
        const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        const functionUrl = /function URL (\S+)/.exec(out)?.[1];
        if (endpoint === undefined || functionUrl === undefined) reject(new Error(`unexpected output: ${out}`));
        else resolve({ endpoint, functionUrl, child, done });
      },
    });
    void done.then((ran) => {
      if (!resolved) reject(new Error(`the emulator exited: ${ran.code} ${ran.stderr}`));
    });
  });
}

describe('coldbench emulator', () => {
  it('serves the functions of an HTTP profile\'s local: section too, behind both fronts', async () => {
    const file = join(dir, 'http-emu.yaml');
    await writeFile(file, `name: http-emu
target:
  kind: http
  url: /hi
  local:
    front: api-gateway
    function: hello
    functions:
      hello: { handler: ${join(profilesDir, 'functions/hello')}.handler, environment: { WORK_MS: "1" } }
load: { phases: [ { constant: { rate: 10, duration: 1s } } ] }
`);
    const emu = await startEmulatorCommand(file);
    const viaGateway = await fetch(`${emu.endpoint}/_apigw/hello/hi`);
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.headers.get('apigw-requestid')).toBeTruthy();
    expect((await fetch(emu.functionUrl)).status).toBe(200);
    emu.child.kill('SIGINT');
    expect((await emu.done).code).toBe(0);
  });

  it('serves the Invoke API, the function URL and the ground truth until Ctrl-C, then stops its environments', async () => {
    const emu = await startEmulatorCommand();
    const invoked = await fetch(`${emu.endpoint}/2015-03-31/functions/hello/invocations`, { method: 'POST', body: '{"name":"cli"}' });
    expect(invoked.status).toBe(200);
    expect(await invoked.json()).toMatchObject({ message: 'hello cli' });
    const viaUrl = await fetch(emu.functionUrl);
    expect(viaUrl.status).toBe(200);
    const truth = (await (await fetch(`${emu.endpoint}/_emulator/invocations`)).json()) as { invocationType: string; firstInEnvironment: boolean }[];
    expect(truth.map((i) => i.invocationType)).toEqual(['RequestResponse', 'FunctionUrl']);
    expect(truth[0]!.firstInEnvironment).toBe(true);
    const pids = ((await (await fetch(`${emu.endpoint}/_emulator/environments`)).json()) as { pid: number }[]).map((e) => e.pid);
    expect(pids.length).toBeGreaterThan(0);

    emu.child.kill('SIGINT');
    const ran = await emu.done;
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('stopping the emulator');
    expect(await until(() => pids.every(gone), 5000), `environments ${pids.join(', ')}`).toBe(true);
  }, 30_000);

  it('when the endpoint goes away mid-matrix, prints the command that restores the function and exits 1', async () => {
    const emu = await startEmulatorCommand();
    const matrix = join(dir, 'matrix.yaml');
    await writeFile(matrix, `name: gone
target: { kind: lambda, function: hello, endpoint: ${emu.endpoint} }
load: { phases: [ { constant: { rate: 10, duration: 500ms } } ] }
matrix: { memory: [256, 512] }
`);
    const ran = await coldbench(['run', matrix, '--no-save', '--no-progress'], {
      cwd: dir,
      // The emulator dies as the second configuration starts: neither its load nor the restore can run.
      onStderr: (all) => {
        if (all.includes('[2/2]') && emu.child.exitCode === null) emu.child.kill('SIGKILL');
      },
    });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/restoring the original configuration also failed/);
    expect(ran.stderr).toContain('hint: restore it by hand:');
    expect(ran.stderr).toContain(`aws lambda update-function-configuration --function-name hello --memory-size 128 --environment '{"Variables":{"WORK_MS":"1"}}' --endpoint-url ${emu.endpoint}`);
  }, 60_000);
});
