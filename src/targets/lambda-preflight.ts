/**
 * Turns a failed GetFunctionConfiguration into one clear RunError that says what to set, or
 * into undefined when the run can go on (the caller may invoke but not read the configuration,
 * or the endpoint has no control plane at all: see noControlPlane).
 */
import { RunError } from '../errors.js';
import type { LambdaTargetConfig } from '../profile/types.js';
import { networkErrorClass } from './net-errors.js';
import type { TargetInfo } from './target.js';

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

/**
 * True when the endpoint does not serve GetFunctionConfiguration at all, as Lambda-compatible
 * servers that speak only the Invoke API do (serverless-offline's --lambdaPort answers a plain
 * 404 `{"statusCode":404,"error":"Not Found"}`; others a 501, or an UnknownOperationException):
 *
 * - the error names the operation unknown (`UnknownOperationException`, "unknown operation");
 * - or the status is 404 or 501 and the response named no AWS error type: the SDK then calls
 *   the error `Unknown` (no x-amzn-ErrorType header, no `__type`/`code` in the body) or fails
 *   to parse a body that is not JSON.
 *
 * AWS itself always names the type of its errors: a missing function is a 404 with
 * `ResourceNotFoundException` (Lambda API reference, GetFunctionConfiguration "Errors"), which
 * stays a stop.
 */
export function noControlPlane(err: unknown): boolean {
  const { name, message } = describe(err);
  if (name === 'UnknownOperationException' || /unknown operation/i.test(message)) return true;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  if (status !== 404 && status !== 501) return false;
  return name === 'Unknown' || name === 'UnknownError' || name === 'SyntaxError' || !/Exception$|Error$/.test(name);
}

/**
 * `at` is where the profile sets the function, region and endpoint the hints name: `target`,
 * or `target.coldStart.logs` for the function whose logs are read.
 */
export function preflightError(err: unknown, config: LambdaTargetConfig, where: string, at = 'target'): RunError | undefined {
  const { name, message } = describe(err);
  const cause = { cause: err };
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return undefined;
  if (noControlPlane(err)) return undefined;
  if (name === 'ResourceNotFoundException') {
    return new RunError(
      `Lambda function "${functionLabel(config)}" not found at ${where}`,
      `check ${at}.function${at === 'target' ? ' and target.qualifier' : ''}, and ${at}.region or ${at}.endpoint`,
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
    return new RunError('no AWS region for the Lambda target', `set ${at}.region in the profile, or AWS_REGION`, cause);
  }
  const network = networkErrorClass(err);
  if (network === 'connect-refused') {
    return new RunError(
      `cannot connect to ${where}: connection refused`,
      config.endpoint === undefined
        ? `check the network and ${at}.region`
        : `start the endpoint (e.g. \`coldbench emulator <profile>\`) or fix ${at}.endpoint`,
      cause,
    );
  }
  if (network !== undefined) {
    return new RunError(`cannot reach ${where} (${network}): ${message}`, `check ${at}.endpoint / ${at}.region and the network`, cause);
  }
  return new RunError(`GetFunctionConfiguration for "${functionLabel(config)}" failed: ${name}: ${message}`, undefined, cause);
}

/**
 * What is known of a function whose configuration could not be read: the memory and architecture
 * the profile states (target.memory, target.architecture), and a warning that says so. `where`
 * is set when the endpoint has no control plane at all.
 */
export function profileInfo(config: LambdaTargetConfig, noControlPlaneAt: string | undefined): TargetInfo {
  const info: TargetInfo = { configurationSource: 'profile', warnings: [] };
  if (config.memoryMB !== undefined) info.memorySizeMB = config.memoryMB;
  if (config.architecture !== undefined) info.architecture = config.architecture;
  const stated = [
    config.memoryMB === undefined ? undefined : `memory ${config.memoryMB} MB`,
    config.architecture === undefined ? undefined : `architecture ${config.architecture}`,
  ].filter((s) => s !== undefined);
  const from = stated.length > 0 ? `${stated.join(' and ')} from the profile` : 'no memory or architecture (set target.memory and target.architecture for cost)';
  info.warnings!.push(
    noControlPlaneAt !== undefined
      ? `${noControlPlaneAt} has no Lambda control plane (GetFunctionConfiguration is not served): going on with the Invoke API alone, ${from}`
      : `not allowed to read the configuration of "${functionLabel(config)}": going on with ${from}`,
  );
  return info;
}
