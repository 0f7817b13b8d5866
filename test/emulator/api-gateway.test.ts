/**
 * The API Gateway HTTP API-like front: its own request id (header and event), the client-facing
 * status of function errors and throttles, and the access-log line that joins its id to the
 * Lambda request id of the ground truth and of the REPORT line.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { accessLogLine } from '../../src/emulator/api-gateway.js';
import { ACCESS_LOG_FORMAT } from '../../src/emulator/index.js';
import { emulatorFor, eventually, filterAll, fn, groundTruth } from './helpers.js';

const url = 'test/emulator/functions/url.handler';
const h = emulatorFor({
  api: fn(url, { logDelayMs: 0 }),
  busy: fn(url, { logDelayMs: 0, concurrency: 0 }),
  slowlog: fn(url, { logDelayMs: 800 }),
});

interface AccessLog {
  requestId: string;
  integrationRequestId: string;
  requestTime: string;
  requestTimeEpoch: number;
  httpMethod: string;
  path: string;
  status: string;
  integrationStatus: string;
  integrationLatency: string;
  responseLatency: string;
}

async function accessLogOf(fnName: string, apigwId: string): Promise<AccessLog> {
  const { events } = await filterAll(h.logs, { logGroupName: h.emu.accessLogGroup(fnName), filterPattern: `{ $.requestId = "${apigwId}" }` });
  expect(events).toHaveLength(1);
  expect(events[0]!.logStreamName).toBe('$default');
  return JSON.parse(events[0]!.message!) as AccessLog;
}

describe('API Gateway front', () => {
  it('answers with its own id in apigw-requestid and in the event, never the Lambda id', async () => {
    const t0 = Date.now();
    const res = await fetch(`${h.emu.apiGatewayUrl('api')}items/7?color=red`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    const apigwId = res.headers.get('apigw-requestid')!;
    expect(apigwId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(res.headers.get('x-amzn-requestid')).toBeNull();
    const event = (await res.json()) as { rawPath: string; body: string; requestContext: Record<string, unknown> };
    expect(event).toMatchObject({ rawPath: '/items/7', body: '{"a":1}', requestContext: { requestId: apigwId, stage: '$default', accountId: '000000000000' } });

    const truth = (await groundTruth(h.emu.endpoint)).find((i) => i.frontRequestId === apigwId)!;
    expect(truth).toMatchObject({ function: 'api', front: 'api-gateway', invocationType: 'RequestResponse', status: 'success' });
    expect(truth.requestId).not.toBe(apigwId);

    const line = await accessLogOf('api', apigwId);
    expect(line).toMatchObject({ requestId: apigwId, integrationRequestId: truth.requestId, httpMethod: 'POST', path: '/items/7', status: '201', integrationStatus: '200' });
    expect(line.requestTimeEpoch).toBeGreaterThanOrEqual(t0 - 1000);
    expect(line.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Number(line.integrationLatency)).toBeLessThanOrEqual(Number(line.responseLatency));
    const report = await h.logs.send(new FilterLogEventsCommand({ logGroupName: h.emu.logGroup('api'), filterPattern: `"REPORT RequestId: ${line.integrationRequestId}"` }));
    expect(report.events).toHaveLength(1);
  });

  it('maps a function error and a throttle to 500 and says which in the access log', async () => {
    const failed = await fetch(`${h.emu.apiGatewayUrl('api')}fail`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    const failedLine = await accessLogOf('api', failed.headers.get('apigw-requestid')!);
    expect(failedLine).toMatchObject({ status: '500', integrationStatus: '200' });

    const throttled = await fetch(`${h.emu.apiGatewayUrl('busy')}x`);
    expect(throttled.status).toBe(500);
    const id = throttled.headers.get('apigw-requestid')!;
    const line = await accessLogOf('busy', id);
    expect(line).toMatchObject({ status: '500', integrationStatus: '429' });
    const truth = (await groundTruth(h.emu.endpoint)).find((i) => i.frontRequestId === id);
    expect(truth).toMatchObject({ status: 'throttled', requestId: line.integrationRequestId, front: 'api-gateway' });

    const missing = await fetch(`${h.emu.endpoint}/_apigw/nope/x`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('makes the access log readable only after the function logDelay', async () => {
    const res = await fetch(`${h.emu.apiGatewayUrl('slowlog')}plain`);
    const id = res.headers.get('apigw-requestid')!;
    const pattern = `{ $.requestId = "${id}" }`;
    const early = await h.logs.send(new FilterLogEventsCommand({ logGroupName: h.emu.accessLogGroup('slowlog'), filterPattern: pattern }));
    expect(early.events).toEqual([]);
    const event = await eventually(async () => (await h.logs.send(new FilterLogEventsCommand({ logGroupName: h.emu.accessLogGroup('slowlog'), filterPattern: pattern }))).events?.[0]);
    expect(event.ingestionTime! - event.timestamp!).toBe(800);
  });

  it('records the Function URL front and its id (the Lambda request id) in the ground truth', async () => {
    const res = await fetch(`${h.emu.functionUrl('api')}plain`);
    const id = res.headers.get('x-amzn-requestid');
    const truth = (await groundTruth(h.emu.endpoint)).find((i) => i.requestId === id);
    expect(truth).toMatchObject({ front: 'function-url', frontRequestId: id, invocationType: 'FunctionUrl' });
  });
});

describe('the access log format', () => {
  it('uses only HTTP API variables, and every one of them is filled in', () => {
    const names = ACCESS_LOG_FORMAT.match(/\$context\.[A-Za-z.]*[A-Za-z]/g)!;
    expect(names).toEqual([
      '$context.requestId',
      '$context.integration.requestId',
      '$context.requestTime',
      '$context.requestTimeEpoch',
      '$context.httpMethod',
      '$context.path',
      '$context.status',
      '$context.integration.integrationStatus',
      '$context.integration.latency',
      '$context.responseLatency',
    ]);
    const values = Object.fromEntries(names.map((n, i) => [n, n === '$context.requestTimeEpoch' ? 1700000000000 : `v${i}"q`]));
    const parsed = JSON.parse(accessLogLine(values)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['requestId', 'integrationRequestId', 'requestTime', 'requestTimeEpoch', 'httpMethod', 'path', 'status', 'integrationStatus', 'integrationLatency', 'responseLatency']);
    expect(parsed['requestId']).toBe('v0"q');
    expect(parsed['requestTimeEpoch']).toBe(1700000000000);
    expect(JSON.parse(accessLogLine({ '$context.requestTimeEpoch': 1 }))).toMatchObject({ integrationRequestId: '-', integrationStatus: '-' });
  });
});
