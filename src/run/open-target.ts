/**
 * Opens what a run sends to: the built-in emulator when the profile has `local:`, the target
 * (checked before any load), and the reading of the function's logs when starts come from them.
 */
import type { HttpTargetConfig, LambdaTargetConfig, LogsConfig, Profile } from '../profile/types.js';
import type { Target, TargetInfo } from '../targets/target.js';
import type { LogReading } from '../logs/reading.js';
import type { PreparedRequests } from '../requests/prepare.js';
import { API_GATEWAY_PREFIX, accessLogGroup } from '../emulator/api-gateway.js';
import { FUNCTION_URL_PREFIX } from '../emulator/function-url.js';
import { runningEmulator, startLocalEmulator } from './local.js';
import type { LocalEmulator } from './local.js';

export interface OpenTarget {
  target: Target;
  info: TargetInfo;
  /** Present when starts are read from the function's logs. */
  logs?: LogReading;
  close(): Promise<void>;
}

export interface OpenTargetOptions {
  stop?: AbortSignal;
  onStep?: (message: string) => void;
  /** The profile's requests compiled with their data file (src/requests/prepare.ts). */
  requests?: PreparedRequests;
  /** For a profile with local:, the endpoint of an emulator already running (--workers share one): used instead of starting one. */
  sharedEmulator?: string;
}

export async function openTarget(profile: Profile, opts: OpenTargetOptions): Promise<OpenTarget> {
  const config = profile.target;
  const emulatorConfig = config.kind === 'http' ? config.local?.emulator : config.local;
  let emulator: LocalEmulator | undefined;
  if (emulatorConfig !== undefined && opts.sharedEmulator !== undefined) {
    emulator = runningEmulator(opts.sharedEmulator, emulatorConfig);
  } else if (emulatorConfig !== undefined) {
    opts.onStep?.('starting the local Lambda emulator');
    emulator = await startLocalEmulator(emulatorConfig);
  }
  try {
    const withLogs = withLogsDefaults(config, emulator);
    const opened = withLogs.kind === 'http' ? await openHttp(profile, withLogs, emulator, opts) : await openLambda(profile, withLogs, emulator, opts);
    const logs = await openLogs(withLogs, opts).catch(async (err: unknown) => {
      await opened.target.close();
      throw err;
    });
    return {
      target: opened.target,
      info: { ...opened.info, ...logs?.info },
      ...(logs !== undefined && { logs: logs.reading }),
      close: async () => {
        logs?.reading.close();
        await opened.target.close();
        await emulator?.close();
      },
    };
  } catch (err) {
    await emulator?.close();
    throw err;
  }
}

async function openHttp(profile: Profile, config: HttpTargetConfig, emulator: LocalEmulator | undefined, opts: OpenTargetOptions) {
  const connections = profile.load.model === 'open' ? profile.load.maxInFlight : profile.load.concurrency;
  const { createHttpTarget, preconnectCount } = await import('../targets/http.js');
  const { warmUpHttpClient } = await import('./http-warm-up.js');
  const { HttpRequestSet, splitUrl } = await import('../requests/http-requests.js');
  const front = emulator !== undefined && config.local !== undefined ? frontBase(emulator.endpoint, config.local.front, config.local.function) : undefined;
  const effective: HttpTargetConfig = front !== undefined ? { ...config, url: `${front.origin}${front.prefix}${config.url}` } : config;
  const prefix = front?.prefix ?? '';
  const prepared = opts.requests;
  // The same compiled requests, sent to an origin: the target's, or the warm-up's own server.
  const requestsAt = prepared?.http === undefined ? undefined : (origin: string) => new HttpRequestSet(origin, prefix, prepared.http!, prepared.plan);
  const sockets = config.connections ?? connections;
  opts.onStep?.('warming up the HTTP client on loopback');
  await warmUpHttpClient(effective, profile.load, sockets, opts.stop, requestsAt);
  const origin = front?.origin ?? new URL(splitUrl(config.url).origin).origin;
  let signer;
  if (config.sign !== undefined) {
    const { createRequestSigner } = await import('../targets/http-sign.js');
    signer = await createRequestSigner(config.sign, origin);
    opts.onStep?.('resolving AWS credentials to sign requests');
    await signer.check();
  }
  const target = createHttpTarget(effective, { connections: sockets, ...(requestsAt && { requests: requestsAt(origin) }), ...(signer && { signer }) });
  const spares = preconnectCount(profile.load, sockets);
  if (spares > 0 && !opts.stop?.aborted) {
    opts.onStep?.(`opening ${spares} connection${spares === 1 ? '' : 's'} to the target`);
    await target.preconnect(spares, opts.stop);
  }
  const info: TargetInfo = emulator !== undefined && config.local !== undefined ? emulator.infoOf(config.local.function) : {};
  return { target, info };
}

async function openLambda(profile: Profile, config: LambdaTargetConfig, emulator: LocalEmulator | undefined, opts: OpenTargetOptions) {
  const connections = profile.load.model === 'open' ? profile.load.maxInFlight : profile.load.concurrency;
  const { createLambdaTarget } = await import('../targets/lambda.js');
  const { LambdaRequestSet } = await import('../requests/lambda-requests.js');
  const effective = emulator !== undefined ? { ...config, endpoint: emulator.endpoint } : config;
  const target = await createLambdaTarget(effective, { connections, ...(opts.requests?.lambda && { requests: new LambdaRequestSet(opts.requests.lambda, opts.requests.plan) }) });
  try {
    opts.onStep?.(`checking function ${config.function} (${CLIENT_STEP[target.client]})`);
    const info = (await target.preflight?.()) ?? {};
    if (target.client === 'fast') {
      const { preconnectCount } = await import('../targets/http.js');
      const spares = preconnectCount(profile.load, connections);
      if (spares > 0 && !opts.stop?.aborted) {
        opts.onStep?.(`opening ${spares} connection${spares === 1 ? '' : 's'} to the Lambda endpoint`);
        await target.preconnect(spares, opts.stop);
      }
    }
    return { target, info: emulator !== undefined && info.architecture === undefined ? { ...info, ...emulator.infoOf(config.function) } : info };
  } catch (err) {
    await target.close();
    throw err;
  }
}

/** How a Lambda target's invokes go out, as the step line says it. */
const CLIENT_STEP = {
  fast: "target.client fast: invokes signed by the AWS SDK's SigV4 signer, sent through coldbench's connection pool",
  sdk: "target.client sdk: invokes sent through the AWS SDK's InvokeCommand",
} as const;

/**
 * The target with its `coldStart.logs` completed: for a Lambda target, the function, region,
 * named profile and endpoint default to the target's; with the built-in emulator, the function
 * to the local front's, the endpoint to the emulator's and, for its API Gateway front, the access
 * log to that front's.
 */
export function withLogsDefaults<T extends Profile['target']>(config: T, emulator: { endpoint: string } | undefined): T {
  const logs = config.coldStartLogs;
  if (logs === undefined) return config;
  const fn = config.kind === 'http' ? config.local?.function : config.function;
  const endpoint = emulator?.endpoint ?? (config.kind === 'lambda' ? config.endpoint : undefined);
  const effective: LogsConfig = {
    ...logs,
    ...(logs.function === undefined && logs.logGroup === undefined && fn !== undefined && { function: fn }),
    ...(logs.endpoint === undefined && endpoint !== undefined && { endpoint }),
  };
  if (config.kind === 'lambda') {
    if (logs.region === undefined && config.region !== undefined) effective.region = config.region;
    if (logs.awsProfile === undefined && config.awsProfile !== undefined) effective.awsProfile = config.awsProfile;
  }
  if (config.kind === 'http' && config.local?.front === 'api-gateway' && logs.accessLog === undefined && emulator !== undefined) {
    effective.accessLog = { logGroup: accessLogGroup(config.local.function), ...ACCESS_LOG_DEFAULTS };
  }
  return { ...config, coldStartLogs: effective };
}

/** The access log's header and fields when the profile names only its group (the schema's defaults). */
const ACCESS_LOG_DEFAULTS = {
  requestIdHeader: 'apigw-requestid',
  requestIdField: 'requestId',
  lambdaRequestIdField: 'integrationRequestId',
  integrationStatusField: 'integrationStatus',
} as const;

/** The reading of the function's logs, when the profile asks for it. */
async function openLogs(config: Profile['target'], opts: OpenTargetOptions) {
  const logs = config.coldStartLogs;
  if (logs === undefined) return undefined;
  const mode = config.kind === 'lambda' && config.invocationType === 'Event' ? 'async' : 'sync';
  opts.onStep?.(`checking the logs of ${logs.logGroup ?? logs.function ?? 'the function'}`);
  const { openLogReading } = await import('../logs/open.js');
  return openLogReading(logs, { mode, timeoutMs: Math.min(config.timeoutMs, 30_000) });
}

/** The URL of a front of the local emulator: its Function URL, or its API Gateway-like stage. */
export function frontUrl(endpoint: string, front: 'function-url' | 'api-gateway', fn: string, path: string): string {
  const base = frontBase(endpoint, front, fn);
  return `${base.origin}${base.prefix}${path}`;
}

/** The origin of the local emulator and the path before a front's own paths. */
export function frontBase(endpoint: string, front: 'function-url' | 'api-gateway', fn: string): { origin: string; prefix: string } {
  const prefix = front === 'function-url' ? FUNCTION_URL_PREFIX : API_GATEWAY_PREFIX;
  return { origin: endpoint.replace(/\/+$/, ''), prefix: `${prefix}${encodeURIComponent(fn)}` };
}
