/**
 * Lambda endpoints that serve the Invoke API but no control plane: GetFunctionConfiguration gets
 * a 404 or 501 that names no AWS error type, or an UnknownOperationException. The run goes on
 * with a warning, takes memory and architecture from the profile, marks the cost estimated, and
 * calls every start `unknown` when no log tail comes back. A missing function
 * (ResourceNotFoundException) still stops the run. Real SDK, loopback servers; every test through
 * both Lambda clients (target.client fast and sdk).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RunError } from '../../src/errors.js';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import type { LambdaClientKind } from '../../src/profile/types.js';
import { createLambdaTarget } from '../../src/targets/lambda.js';
import { closeAll, httpServer } from '../targets/servers.js';

afterEach(() => closeAll());

type Answer = (res: ServerResponse) => void;

/** Invocations answer 200 with no log tail; configuration reads get `configuration`. */
async function endpoint(configuration: Answer): Promise<{ url: string; invokes: () => number }> {
  let invokes = 0;
  const server = await httpServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.includes('/invocations')) {
        invokes++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else configuration(res);
    });
  });
  return { url: server.url, invokes: () => invokes };
}

const json = (status: number, body: string, headers: Record<string, string> = {}): Answer => (res) =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);

const NO_CONTROL_PLANE: [string, Answer][] = [
  ['404 with a JSON body and no error type (serverless-offline)', json(404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')],
  ['404 with a text body', (res) => void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')],
  ['501 with no body', (res) => void res.writeHead(501).end()],
  ['UnknownOperationException', json(404, '{"message":"Unknown operation GET"}', { 'x-amzn-errortype': 'UnknownOperationException' })],
];

const CLIENTS: readonly LambdaClientKind[] = ['fast', 'sdk'];

describe.each(CLIENTS)('preflight against an endpoint without a control plane, client %s', (client) => {
  function config(url: string, extra: Record<string, unknown> = {}) {
    return { kind: 'lambda' as const, function: 'orders', endpoint: url, timeoutMs: 5000, client, ...extra };
  }

  it.each(NO_CONTROL_PLANE)('%s: goes on with a warning and the profile memory and architecture', async (_name, answer) => {
    const api = await endpoint(answer);
    const target = await createLambdaTarget(config(api.url, { memoryMB: 512, architecture: 'arm64' }), { connections: 1 });
    try {
      const info = await target.preflight();
      expect(info).toMatchObject({ memorySizeMB: 512, architecture: 'arm64', configurationSource: 'profile' });
      expect(info.warnings?.[0]).toContain('has no Lambda control plane');
      expect(info.warnings?.[0]).toContain('memory 512 MB and architecture arm64 from the profile');
    } finally {
      await target.close();
    }
  });

  it('a missing function (ResourceNotFoundException) still stops the run', async () => {
    const api = await endpoint(json(404, '{"Type":"User","message":"Function not found"}', { 'x-amzn-errortype': 'ResourceNotFoundException' }));
    const target = await createLambdaTarget(config(api.url), { connections: 1 });
    try {
      await expect(target.preflight()).rejects.toThrow(RunError);
      await expect(target.preflight()).rejects.toThrow(/Lambda function "orders" not found/);
    } finally {
      await target.close();
    }
  });

  it('another named AWS error on a 404 is not taken for a missing control plane', async () => {
    const api = await endpoint(json(404, '{"message":"nope"}', { 'x-amzn-errortype': 'SomeOtherException' }));
    const target = await createLambdaTarget(config(api.url), { connections: 1 });
    try {
      await expect(target.preflight()).rejects.toThrow(/GetFunctionConfiguration for "orders" failed: SomeOtherException/);
    } finally {
      await target.close();
    }
  });
});

describe.each(CLIENTS)('a run against an endpoint without a control plane, client %s', (client) => {
  function profile(url: string, extra: string): ReturnType<typeof parseProfileText> {
    return parseProfileText(
      `name: ncp
target: { kind: lambda, function: orders, endpoint: "${url}", client: ${client}${extra} }
load: { model: closed, concurrency: 2, iterations: 20 }
`,
      { file: 'ncp.yaml', baseDir: '.' },
    );
  }

  it('completes; every start is unknown (no log tail); cost estimated from the profile memory', async () => {
    const api = await endpoint(json(404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}'));
    const warnings: string[] = [];
    const result = await runProfile(profile(api.url, ', memory: 256'), { onWarning: (w) => warnings.push(w) });
    expect(result.status).toBe('completed');
    expect(api.invokes()).toBe(20);
    expect(result.counts).toMatchObject({ sent: 20, ok: 20, unknown: 20, warm: 0, cold: 0, proactive: 0 });
    expect(result.coldStartRate).toBeNull();
    expect(result.target).toMatchObject({ memorySizeMB: 256, client });
    expect(result.cost).toMatchObject({ estimated: true, invocations: 20, unreported: 20 });
    expect(warnings).toHaveLength(1);
    expect(result.warnings).toContain(warnings[0]);
  });

  it('without target.memory the cost is null, not a request-price-only figure', async () => {
    const api = await endpoint((res) => void res.writeHead(501).end());
    const result = await runProfile(profile(api.url, ''));
    expect(result.status).toBe('completed');
    expect(result.cost).toBeNull();
    expect(result.warnings.join('\n')).toMatch(/set target.memory and target.architecture for cost/);
  });
});
