import { LambdaClient } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import type { LocalFunctionConfig } from '../../src/profile/types.js';
import type { GroundTruthInvocation } from '../../src/emulator/index.js';

export const functionsDir = fileURLToPath(new URL('./functions/', import.meta.url));
export const profilesDir = fileURLToPath(new URL('../../profiles/', import.meta.url));

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
