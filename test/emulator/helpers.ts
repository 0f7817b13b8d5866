import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { LocalFunctionConfig } from '../../src/profile/types.js';
import { type Emulator, type EmulatorOptions, type GroundTruthInvocation, startEmulator } from '../../src/emulator/index.js';

export const functionsDir = fileURLToPath(new URL('./functions/', import.meta.url));
export const profilesDir = fileURLToPath(new URL('../../profiles/', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function fn(handler: string, extra: Partial<LocalFunctionConfig> = {}): LocalFunctionConfig {
  return {
    handler,
    memoryMB: 128,
    timeoutMs: 3000,
    idleTimeoutMs: 60_000,
    maxLifetimeMs: 3_600_000,
    environment: {},
    architecture: 'x86_64',
    logFormat: 'Text',
    ...extra,
  };
}

export function client(endpoint: string): LambdaClient {
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export function text(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? []).toString('utf8');
}

export function tail(logResult: string | undefined): string {
  return Buffer.from(logResult ?? '', 'base64').toString('utf8');
}

/** The ground truth as served over HTTP (the endpoint itself is under test too). */
export async function groundTruth(endpoint: string): Promise<GroundTruthInvocation[]> {
  const res = await fetch(`${endpoint}/_emulator/invocations`);
  return (await res.json()) as GroundTruthInvocation[];
}

export async function truthFor(endpoint: string, requestId: string | undefined): Promise<GroundTruthInvocation> {
  const found = (await groundTruth(endpoint)).find((i) => i.requestId === requestId);
  if (found === undefined) throw new Error(`no ground truth for ${requestId}`);
  return found;
}

export function logsClient(endpoint: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Every page of a FilterLogEvents query, following nextToken to the end. */
export async function filterAll(
  logs: CloudWatchLogsClient,
  input: FilterLogEventsCommandInput,
): Promise<{ events: FilteredLogEvent[]; pages: number }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ ...input, ...(nextToken !== undefined && { nextToken }) }));
    pages += 1;
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined && pages < 1000);
  return { events, pages };
}

/** Waits (bounded) until `check` returns a value; loaded machines get a few seconds. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Harness {
  emu: Emulator;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
}

/**
 * An emulator serving `functions` (paths relative to the repository) for the tests of one file,
 * with a Lambda and a CloudWatch Logs client on it; stopped after the file's tests.
 */
export function emulatorFor(functions: Record<string, LocalFunctionConfig>, opts: EmulatorOptions = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    h.emu = await startEmulator({ baseDir: repoRoot, accountConcurrency: 50, functions }, opts);
    h.lambda = client(h.emu.endpoint);
    h.logs = logsClient(h.emu.endpoint);
  });
  afterAll(async () => {
    h.lambda?.destroy();
    h.logs?.destroy();
    await h.emu?.close();
  });
  return h;
}
