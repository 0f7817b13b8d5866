/**
 * The fast path's requests are the SDK's: for the same input, with the same credentials and
 * clock, the request it signs equals, header for header and byte for byte, the one the SDK's
 * own middleware signs for InvokeCommand (captured at the SDK's request handler). And temporary
 * credentials that expire are refreshed before a request needs them, through the SDK's chain.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeCommandInput } from '@aws-sdk/client-lambda';
import { HttpResponse } from '@smithy/core/protocols';
import type { HttpRequest } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaClientKind, LambdaTargetConfig } from '../../src/profile/types.js';
import { createLambdaClient } from '../../src/targets/lambda-client.js';
import type { InvokeInput } from '../../src/targets/lambda-invoker.js';
import { InvokeRequests } from '../../src/targets/lambda-request.js';
import { createLambdaTarget } from '../../src/targets/lambda.js';
import type { LambdaTarget } from '../../src/targets/lambda.js';
import { fakeLambda } from './lambda-api.js';
import { closeAll } from './servers.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'FQoGZXIvYXdzEXAMPLE' };
const FIXED_NOW = Date.UTC(2026, 0, 15, 12, 30, 45, 678);

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  for (const f of cleanup.splice(0).reverse()) await f();
  await closeAll();
});

/** Environment credentials and region, and nothing else the machine's own AWS setup could add. */
function stubAws(dir: string, env: Record<string, string | undefined>): void {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', '_X_AMZN_TRACE_ID', 'AWS_LAMBDA_FUNCTION_NAME']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-signing-'));
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(join(dir, 'config'), '');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The request the SDK signs for `input`, taken at its request handler (nothing is sent). */
async function sdkSigned(input: InvokeCommandInput, region: string, endpoint: string | undefined): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  // Credentials from the environment, as the target gets them (the user agent names the source).
  const client = new LambdaClient({
    region,
    ...(endpoint !== undefined && { endpoint }),
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        captured = request;
        return { response: new HttpResponse({ statusCode: 200, headers: { 'x-amzn-requestid': 'r' }, body: new Uint8Array(0) }) };
      },
    },
  });
  cleanup.push(() => client.destroy());
  await client.send(new InvokeCommand(input));
  return captured!;
}

const CASES: { name: string; input: InvokeInput; invocationType: 'RequestResponse' | 'Event'; region: string; endpoint?: string }[] = [
  {
    name: 'RequestResponse with a qualifier and a payload, on AWS',
    input: { FunctionName: 'orders', Qualifier: 'live', Payload: new TextEncoder().encode('{"sku":42,"note":"é"}') },
    invocationType: 'RequestResponse',
    region: 'eu-west-1',
  },
  {
    name: 'Event without a payload, by ARN',
    input: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST', Qualifier: undefined, Payload: undefined },
    invocationType: 'Event',
    region: 'us-east-1',
  },
  {
    name: 'a custom endpoint with a base path',
    input: { FunctionName: 'my fn', Qualifier: 'v 1', Payload: new Uint8Array([123, 125]) },
    invocationType: 'RequestResponse',
    region: 'ap-southeast-2',
    endpoint: 'http://127.0.0.1:9001/base',
  },
];

describe('a fast-path request is the one the SDK signs', () => {
  it.each(CASES)('$name', async ({ input, invocationType, region, endpoint }) => {
    const dir = tempDir();
    stubAws(dir, { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: CREDENTIALS.sessionToken });
    vi.useFakeTimers({ toFake: ['Date'], now: FIXED_NOW });

    const sdkInput: InvokeCommandInput = {
      ...input,
      InvocationType: invocationType,
      ...(invocationType === 'RequestResponse' && { LogType: 'Tail' }),
    };
    const expected = await sdkSigned(sdkInput, region, endpoint);

    const config: LambdaTargetConfig = { kind: 'lambda', function: input.FunctionName, region, timeoutMs: 5_000, invocationType, ...(endpoint !== undefined && { endpoint }) };
    const parts = await createLambdaClient(config, 1);
    cleanup.push(() => parts.destroy());
    const requests = new InvokeRequests(parts, { invocationType, startsFromLogs: false });
    const template = await requests.prepare(input);
    const signed = await requests.sign(template, input.Payload, expected.headers['amz-sdk-invocation-id']);

    expect(signed.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260115\//);
    expect(signed.headers).toEqual(expected.headers);
    expect(signed.body === null ? undefined : Buffer.from(signed.body)).toEqual(expected.body === undefined ? undefined : Buffer.from(expected.body as Uint8Array));
    const url = new URL(`${template.origin}${template.pathAndQuery}`);
    expect({ protocol: url.protocol, hostname: url.hostname, port: url.port }).toEqual({
      protocol: expected.protocol,
      hostname: expected.hostname,
      port: expected.port === undefined ? '' : String(expected.port),
    });
    const query = new URLSearchParams(Object.entries(expected.query ?? {}) as [string, string][]).toString().replace(/\+/g, '%20');
    expect(template.pathAndQuery).toBe(query === '' ? expected.path : `${expected.path}?${query}`);
  });
});

describe.each<LambdaClientKind>(['fast', 'sdk'])('temporary credentials, client %s', (client) => {
  it('are refreshed before they expire: no request goes out with expired ones', async () => {
    const api = await fakeLambda();
    const dir = tempDir();
    // The clock is the test's: Date is frozen in this process (the signer, the SDK's expiry checks
    // and the fake Lambda read it) and moved by hand, and the credential_process reads the same
    // instant from a file. Credentials issued against the real clock measured the machine: on a
    // busy one, spawning the process and signing took longer than their 1.5 s life.
    const nowFile = join(dir, 'now');
    let nowMs = Date.now();
    const setNow = (ms: number): void => {
      nowMs = ms;
      vi.setSystemTime(ms);
      writeFileSync(nowFile, String(ms));
    };
    vi.useFakeTimers({ toFake: ['Date'], now: nowMs });
    setNow(nowMs);
    // A credential_process that issues credentials valid for 1.5 s, the expiry in the token
    // (the fake Lambda refuses a token past it with ExpiredTokenException, as AWS does).
    const script = join(dir, 'issue.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
const expiresAt = Number(readFileSync(${JSON.stringify(nowFile)}, 'utf8')) + 1500;
console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDROTATE', SecretAccessKey: 'secret', SessionToken: 'expires-' + expiresAt, Expiration: new Date(expiresAt).toISOString() }));
`,
    );
    chmodSync(script, 0o644);
    writeFileSync(join(dir, 'config'), `[profile rotate]\ncredential_process = ${JSON.stringify(process.execPath)} ${JSON.stringify(script)}\n`);
    stubAws(dir, {});
    const target: LambdaTarget = await createLambdaTarget(
      { kind: 'lambda', function: 'warm', endpoint: api.url, awsProfile: 'rotate', timeoutMs: 5_000, invocationType: 'RequestResponse', client },
      { connections: 1 },
    );
    cleanup.push(() => target.close());
    await target.preflight();
    const signal = new AbortController().signal;
    expect((await target.send({ seq: 0, signal })).kind).toBe('ok');
    setNow(nowMs + 1700); // past the first credentials' expiry
    const later = await target.send({ seq: 1, signal });
    expect(later).toMatchObject({ kind: 'ok', status: 200 });
    const invokes = api.seen.filter((s) => s.path.endsWith('/invocations'));
    expect(invokes).toHaveLength(2);
    expect(invokes.map((s) => s.signature)).toEqual(['valid', 'valid']);
    const tokens = invokes.map((s) => /expires-(\d+)/.exec(s.securityToken ?? '')?.[1]);
    expect(Number(tokens[1])).toBeGreaterThan(Number(tokens[0]));
  }, 20_000);
});
