/**
 * A third-party implementation of the Lambda Invoke API: serverless-offline's Lambda port
 * (`serverless offline start --lambdaPort`, serverless 3 + serverless-offline 13, dev
 * dependencies). It serves Invoke but no control plane (GetFunctionConfiguration is a plain 404)
 * and returns no log tail. Started on loopback only, bounded in time, and killed (its whole
 * process group) at the end.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import { alive } from '../helpers/bin.js';

const SERVERLESS = resolve(import.meta.dirname, '../../node_modules/serverless/bin/serverless.js');
const START_TIMEOUT_MS = 60_000;

let dir: string;
let child: ChildProcess | undefined;
let endpoint: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-sls-'));
  await writeFile(join(dir, 'serverless.yml'), `service: probe
frameworkVersion: '3'
provider: { name: aws, runtime: nodejs20.x, region: us-east-1 }
plugins: [serverless-offline]
functions:
  hello: { handler: handler.hello }
`);
  await writeFile(join(dir, 'handler.js'), 'exports.hello = async (event) => ({ ok: true, seq: event.seq });\n');
  await writeFile(join(dir, 'package.json'), '{"name":"probe","private":true}\n');
  const [lambdaPort, httpPort, websocketPort] = [await freePort(), await freePort(), await freePort()];
  endpoint = `http://127.0.0.1:${lambdaPort}`;
  child = spawn(
    process.execPath,
    [SERVERLESS, 'offline', 'start', '--host', '127.0.0.1', '--lambdaPort', String(lambdaPort), '--httpPort', String(httpPort), '--websocketPort', String(websocketPort)],
    {
      cwd: dir,
      // Its own process group, so the whole tree can be killed; no telemetry, no home folder of ours.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: dir, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', NODE_PATH: resolve(import.meta.dirname, '../../node_modules') },
    },
  );
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`serverless-offline did not start in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (d: Buffer): void => {
      output += d;
      if (output.includes(`listening on ${endpoint}`)) {
        clearTimeout(timer);
        ready();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => fail(new Error(`serverless-offline exited (${code}):\n${output}`)));
  });
}, START_TIMEOUT_MS + 5_000);

afterAll(async () => {
  const pid = child?.pid;
  if (pid !== undefined && child?.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-pid, 'SIGKILL');
    await exited;
    expect(alive(pid)).toBe(false);
  }
  await rm(dir, { recursive: true, force: true });
});

describe.each(['fast', 'sdk'] as const)('against serverless-offline (Invoke API only, no log tail), client %s', (client) => {
  it('runs with a warning, starts unknown, cost estimated from the profile', async () => {
    const loaded = parseProfileText(
      `name: sls
target:
  kind: lambda
  function: probe-dev-hello
  endpoint: "${endpoint}"
  client: ${client}
  payload: { seq: "{{seq}}" }
  memory: 512
  architecture: arm64
load: { model: closed, concurrency: 2, iterations: 20 }
`,
      { file: 'sls.yaml', baseDir: dir },
    );
    const warnings: string[] = [];
    const result = await runProfile(loaded, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringContaining(`${endpoint} has no Lambda control plane`)]);
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual({});
    expect(result.counts).toMatchObject({ sent: 20, ok: 20, unknown: 20, cold: 0, warm: 0 });
    expect(result.init).toBeNull();
    expect(result.target).toMatchObject({ kind: 'lambda', memorySizeMB: 512, architecture: 'arm64', client });
    expect(result.cost).toMatchObject({ estimated: true, architecture: 'arm64', invocations: 20 });
  });

  it('a function it does not serve is still "not found", not a missing control plane', async () => {
    const loaded = parseProfileText(
      `name: sls-missing
target: { kind: lambda, function: nope, endpoint: "${endpoint}", client: ${client} }
load: { model: closed, concurrency: 1, iterations: 1 }
`,
      { file: 'sls.yaml', baseDir: dir },
    );
    const result = await runProfile(loaded);
    // serverless-offline answers the configuration read with a plain 404 whatever the name, so
    // the run goes on; its Invoke then names the missing function (ResourceNotFoundException).
    expect(result.errors).toEqual({ 'lambda-ResourceNotFoundException': 1 });
    expect(result.target.client).toBe(client);
  });
});
