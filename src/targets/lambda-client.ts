/**
 * Builds the LambdaClient for a Lambda target. The SDK and its HTTP handler are loaded here
 * with `await import()`, so an HTTP run never pays for them.
 *
 * - `maxAttempts: 1`: the SDK's default of 3 would retry a throttle (hiding it) and can run the
 *   function twice.
 * - A keep-alive agent with `maxSockets` = the run's concurrency: the handler's default of 50
 *   would queue requests inside the client, and the wait would show up as Lambda latency.
 * - `profile` is the client option the default credential chain reads in place of AWS_PROFILE
 *   (credential-provider-node's defaultProvider takes `init.profile`, and the client passes its
 *   own config as `init`), so a named profile needs no extra package and no change to process.env.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import { UsageError } from '../errors.js';
import type { LambdaTargetConfig } from '../profile/types.js';
import { isLoopbackHost } from './loopback.js';

export type LambdaSdk = typeof import('@aws-sdk/client-lambda');

export interface LambdaClientParts {
  sdk: LambdaSdk;
  client: LambdaClient;
  /** Where requests go, for messages: the endpoint, or `region <r>` (`the SDK's default region`). */
  where: string;
  /** True when dummy credentials were used for a loopback endpoint. */
  dummyCredentials: boolean;
  /** Destroys the client's sockets. */
  destroy: () => void;
}

export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  try {
    return isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Environment credentials or a profile the default chain would use. */
function environmentHasCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
}

/**
 * A loopback endpoint (the emulator, a local stand-in) with no credentials configured gets dummy
 * ones: it does not check them, and a fresh machine has none for the SDK's chain to find.
 */
export function usesDummyCredentials(config: Pick<LambdaTargetConfig, 'endpoint' | 'awsProfile'>, env: NodeJS.ProcessEnv): boolean {
  return isLoopbackEndpoint(config.endpoint) && config.awsProfile === undefined && !environmentHasCredentials(env);
}

/**
 * The region: the profile's; else, with a custom endpoint, AWS_REGION or us-east-1 (a local
 * emulator does not care, and a fresh machine has no region configured); else undefined, which
 * lets the SDK resolve it (AWS_REGION, then the config file).
 */
export function regionFor(config: Pick<LambdaTargetConfig, 'region' | 'endpoint'>, env: NodeJS.ProcessEnv): string | undefined {
  if (config.region !== undefined) return config.region;
  if (config.endpoint !== undefined) return env.AWS_REGION || 'us-east-1';
  return undefined;
}

export async function createLambdaClient(
  config: LambdaTargetConfig,
  connections: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaClientParts> {
  if (config.endpoint !== undefined && !URL.canParse(config.endpoint)) {
    throw new UsageError(`target.endpoint: not a valid URL: ${config.endpoint}`, 'write it as http://127.0.0.1:9001');
  }
  const sdk = await import('@aws-sdk/client-lambda');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const maxSockets = Math.max(1, Math.floor(connections));
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const region = regionFor(config, env);
  const dummyCredentials = usesDummyCredentials(config, env);

  const clientConfig: LambdaClientConfig = {
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      connectionTimeout: config.timeoutMs,
      requestTimeout: config.timeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
  if (region !== undefined) clientConfig.region = region;
  if (config.endpoint !== undefined) clientConfig.endpoint = config.endpoint;
  if (config.awsProfile !== undefined) clientConfig.profile = config.awsProfile;
  if (dummyCredentials) clientConfig.credentials = { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' };

  const client = new sdk.LambdaClient(clientConfig);
  return {
    sdk,
    client,
    where: config.endpoint ?? (region !== undefined ? `region ${region}` : "the SDK's default region"),
    dummyCredentials,
    destroy: () => {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
