/**
 * Reads and changes a function's configuration through the Lambda control plane, the way AWS
 * expects it done: UpdateFunctionConfiguration, retried while another update holds the function
 * (ResourceConflictException), then GetFunctionConfiguration until LastUpdateStatus is
 * Successful, then a check that the values really changed.
 *
 * Architecture: AWS changes it only with UpdateFunctionCode (with the code). The local emulator
 * takes `Architectures` in UpdateFunctionConfiguration; the SDK drops fields its model does not
 * know, so a small middleware puts it back into the request body. Against AWS the field is not
 * honoured, and the check after the update says so with a hint (deploy one function per
 * architecture and list them in matrix.functions).
 */
import type { LambdaClient, UpdateFunctionConfigurationCommandInput } from '@aws-sdk/client-lambda';
import { RunError } from '../errors.js';
import type { LambdaTargetConfig } from '../profile/types.js';
import { createLambdaClient } from '../targets/lambda-client.js';
import type { LambdaSdk } from '../targets/lambda-client.js';
import type { Architecture } from './configurations.js';

export interface FunctionSettings {
  memoryMB: number;
  architecture: Architecture;
  environment: Record<string, string>;
}

export type SettingsChange = Partial<FunctionSettings>;

export interface FunctionControl {
  read(fn: string): Promise<FunctionSettings>;
  /** Applies the change and resolves once the function runs with it. */
  apply(fn: string, change: SettingsChange): Promise<void>;
  close(): void;
}

export interface ControlOptions {
  /** Between GetFunctionConfiguration polls; default 250 ms. */
  pollMs?: number;
  /** Longest wait for one update (conflicts plus InProgress); default 3 minutes. */
  timeoutMs?: number;
}

const ARCHITECTURE_HINT =
  'AWS changes an architecture only with UpdateFunctionCode: deploy one function per architecture and list them in matrix.functions';

export async function createFunctionControl(target: LambdaTargetConfig, opts: ControlOptions = {}): Promise<FunctionControl> {
  const parts = await createLambdaClient(target, 2);
  return new SdkFunctionControl(parts.sdk, parts.client, parts.destroy, opts.pollMs ?? 250, opts.timeoutMs ?? 180_000);
}

class SdkFunctionControl implements FunctionControl {
  constructor(
    private readonly sdk: LambdaSdk,
    private readonly client: LambdaClient,
    readonly close: () => void,
    private readonly pollMs: number,
    private readonly timeoutMs: number,
  ) {}

  async read(fn: string): Promise<FunctionSettings> {
    const out = await this.call(`GetFunctionConfiguration for ${fn}`, () => this.client.send(new this.sdk.GetFunctionConfigurationCommand({ FunctionName: fn })));
    return {
      memoryMB: out.MemorySize ?? 128,
      architecture: out.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
      environment: { ...(out.Environment?.Variables ?? {}) },
    };
  }

  async apply(fn: string, change: SettingsChange): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    await this.waitIdle(fn, deadline); // an update still running (ours or someone's) would conflict
    await this.update(fn, change, deadline);
    await this.waitIdle(fn, deadline);
    const now = await this.read(fn);
    if (change.memoryMB !== undefined && now.memoryMB !== change.memoryMB) {
      throw new RunError(`${fn}: MemorySize is ${now.memoryMB} MB after an update to ${change.memoryMB} MB`);
    }
    if (change.architecture !== undefined && now.architecture !== change.architecture) {
      throw new RunError(`${fn}: the architecture is still ${now.architecture} after asking for ${change.architecture}`, ARCHITECTURE_HINT);
    }
  }

  /** UpdateFunctionConfiguration, retried with backoff while the function is being updated. */
  private async update(fn: string, change: SettingsChange, deadline: number): Promise<void> {
    const input: UpdateFunctionConfigurationCommandInput = { FunctionName: fn };
    if (change.memoryMB !== undefined) input.MemorySize = change.memoryMB;
    if (change.environment !== undefined) input.Environment = { Variables: { ...change.environment } };
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2000)) {
      const command = new this.sdk.UpdateFunctionConfigurationCommand(input);
      if (change.architecture !== undefined) addArchitectures(command, change.architecture);
      try {
        await this.client.send(command);
        return;
      } catch (err) {
        if (nameOf(err) !== 'ResourceConflictException' || Date.now() + delayMs > deadline) throw this.failure(`UpdateFunctionConfiguration for ${fn}`, err);
        await sleep(delayMs);
      }
    }
  }

  /** Polls until LastUpdateStatus is Successful (absent counts as done: older functions lack it). */
  private async waitIdle(fn: string, deadline: number): Promise<void> {
    for (;;) {
      const out = await this.call(`GetFunctionConfiguration for ${fn}`, () => this.client.send(new this.sdk.GetFunctionConfigurationCommand({ FunctionName: fn })));
      const status = out.LastUpdateStatus;
      if (status === 'Failed') throw new RunError(`${fn}: the configuration update failed: ${out.LastUpdateStatusReason ?? 'no reason given'}`);
      if (status === undefined || status === 'Successful') return;
      if (Date.now() + this.pollMs > deadline) throw new RunError(`${fn}: the configuration update did not finish in ${Math.round(this.timeoutMs / 1000)} s (LastUpdateStatus ${status})`);
      await sleep(this.pollMs);
    }
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw this.failure(what, err);
    }
  }

  private failure(what: string, err: unknown): RunError {
    const message = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
    return new RunError(`${what} failed: ${nameOf(err)}: ${message}`, 'the matrix needs lambda:GetFunctionConfiguration and lambda:UpdateFunctionConfiguration', { cause: err });
  }
}

type UpdateCommand = InstanceType<LambdaSdk['UpdateFunctionConfigurationCommand']>;

/** Adds `Architectures` to the serialized body (before the content length is computed). */
function addArchitectures(command: UpdateCommand, architecture: Architecture): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown; headers?: Record<string, string> };
      const text = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : undefined;
      if (text !== undefined) {
        const body = { ...(JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>), Architectures: [architecture] };
        request.body = JSON.stringify(body);
        if (request.headers?.['content-length'] !== undefined) request.headers['content-length'] = String(Buffer.byteLength(request.body as string));
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'coldbenchArchitectures' },
  );
}

function nameOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : 'Error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
