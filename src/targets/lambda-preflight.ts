/**
 * Turns a failed GetFunctionConfiguration into one clear RunError that says what to set, or
 * into undefined when the run can go on (the caller may invoke but not read the configuration).
 */
import { RunError } from '../errors.js';
import type { LambdaTargetConfig } from '../profile/types.js';
import { networkErrorClass } from './net-errors.js';

const CREDENTIALS_HINT =
  'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or target.awsProfile in the profile';

/** Credentials that were found but that AWS refused. */
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

function describe(err: unknown): { name: string; message: string } {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err) };
  const e = err as { name?: unknown; message?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message.split('\n', 1)[0]! : String(err),
  };
}

function functionLabel(config: LambdaTargetConfig): string {
  return config.qualifier === undefined ? config.function : `${config.function}:${config.qualifier}`;
}

export function preflightError(err: unknown, config: LambdaTargetConfig, where: string): RunError | undefined {
  const { name, message } = describe(err);
  const cause = { cause: err };
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return undefined;
  if (name === 'ResourceNotFoundException') {
    return new RunError(
      `Lambda function "${functionLabel(config)}" not found at ${where}`,
      'check target.function and target.qualifier, and target.region or target.endpoint',
      cause,
    );
  }
  if (name === 'CredentialsProviderError') {
    const which = config.awsProfile === undefined ? '' : ` (profile "${config.awsProfile}")`;
    return new RunError(`no AWS credentials for the Lambda target${which}: ${message}`, CREDENTIALS_HINT, cause);
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new RunError(`AWS rejected the credentials (${name}): ${message}`, CREDENTIALS_HINT, cause);
  }
  if (/region is missing/i.test(message)) {
    return new RunError('no AWS region for the Lambda target', 'set target.region in the profile, or AWS_REGION', cause);
  }
  const network = networkErrorClass(err);
  if (network === 'connect-refused') {
    return new RunError(
      `cannot connect to ${where}: connection refused`,
      config.endpoint === undefined
        ? 'check the network and target.region'
        : 'start the endpoint (e.g. `coldbench emulator <profile>`) or fix target.endpoint',
      cause,
    );
  }
  if (network !== undefined) {
    return new RunError(`cannot reach ${where} (${network}): ${message}`, 'check target.endpoint / target.region and the network', cause);
  }
  return new RunError(`GetFunctionConfiguration for "${functionLabel(config)}" failed: ${name}: ${message}`, undefined, cause);
}
