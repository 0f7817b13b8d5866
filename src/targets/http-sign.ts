/**
 * SigV4 signing of HTTP requests (`target.sign`), for Function URLs with AuthType AWS_IAM and
 * IAM-authorized API Gateway routes, with the SDK's own signer (@smithy/signature-v4), its
 * SHA-256 and the SDK's default credential chain (@aws-sdk/credential-provider-node: environment,
 * shared files, SSO, web identity, container and instance roles). Each request is signed as it
 * leaves: a signature holds its time (X-Amz-Date) and AWS refuses one more than 5 minutes off.
 * Loaded with `await import()`, so a run that signs nothing never pays for them.
 */
import type { Dispatcher } from 'undici';
import { RunError } from '../errors.js';
import type { SignConfig } from '../profile/types.js';
import { isLoopbackHost } from './loopback.js';

export interface RequestSigner {
  /** The options with the signature's headers added (Authorization, X-Amz-Date, ...). */
  sign(options: Dispatcher.DispatchOptions): Promise<Dispatcher.DispatchOptions>;
  /** Resolves the credentials once before the run; throws a RunError that says what to set. */
  check(): Promise<void>;
}

interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
type Provider<T> = () => Promise<T>;

/** Credentials for a loopback endpoint when the machine has none: the emulator checks the form only. */
const LOOPBACK_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' };

function environmentHasCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
}

export async function createRequestSigner(config: SignConfig, origin: string, env: NodeJS.ProcessEnv = process.env): Promise<RequestSigner> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@smithy/core/checksum');
  const url = new URL(origin);
  let credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  if (isLoopbackHost(url.hostname) && !environmentHasCredentials(env)) credentials = LOOPBACK_CREDENTIALS;
  else credentials = (await import('@aws-sdk/credential-provider-node')).defaultProvider();
  const signer = new SignatureV4({ service: config.service, region: config.region, credentials, sha256: Sha256 });
  const host = url.host;
  const protocol = url.protocol;
  const hostname = url.hostname;
  const port = url.port === '' ? undefined : Number(url.port);
  return {
    async sign(options) {
      const q = options.path.indexOf('?');
      const path = q < 0 ? options.path : options.path.slice(0, q);
      const query: Record<string, string | string[]> = {};
      if (q >= 0) {
        for (const [key, value] of new URLSearchParams(options.path.slice(q + 1))) {
          const before = query[key];
          query[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
        }
      }
      const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined), host };
      const body = options.body as Buffer | null | undefined;
      const signed = await signer.sign({
        method: options.method,
        protocol,
        hostname,
        ...(port !== undefined && { port }),
        path,
        query,
        headers,
        ...(body !== null && body !== undefined && { body }),
      });
      return { ...options, headers: signed.headers };
    },
    async check() {
      if (typeof credentials !== 'function') return;
      try {
        await credentials();
      } catch (error) {
        throw new RunError(
          `cannot sign requests (target.sign): no AWS credentials found (${(error as Error).message.split('\n', 1)[0]})`,
          'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
          { cause: error },
        );
      }
    },
  };
}
