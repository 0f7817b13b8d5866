/**
 * Request parameters of the Logs API as the JSON 1.1 body carries them, with the service's
 * errors: a wrong type or an out-of-range value is InvalidParameterException, a missing log
 * group or stream ResourceNotFoundException.
 */

export type LogsErrorType =
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'ThrottlingException'
  | 'com.amazon.coral.service#UnknownOperationException';

export class LogsApiError extends Error {
  constructor(
    readonly type: LogsErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'LogsApiError';
  }
}

export function invalid(message: string): LogsApiError {
  return new LogsApiError('InvalidParameterException', message);
}

export class Params {
  constructor(private readonly input: Record<string, unknown>) {}

  string(name: string): string | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalid(`${name} must be a string`);
    return v;
  }

  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`${name} must be an integer`);
    if (v < min || v > max) {
      throw invalid(`1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must have value ${v < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);
    }
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(`${name} must be true or false`);
    return v;
  }

  strings(name: string): string[] | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalid(`${name} must be a list of strings`);
    if (v.length === 0 || v.length > 100) throw invalid(`${name} must hold 1 to 100 names`);
    return v as string[];
  }
}

/**
 * The log group from logGroupName or logGroupIdentifier (a name or an ARN,
 * arn:aws:logs:region:account:log-group:NAME[:*]): exactly one of the two.
 */
export function logGroupParam(p: Params, required = true): string | undefined {
  const name = p.string('logGroupName');
  const id = p.string('logGroupIdentifier');
  if (name !== undefined && id !== undefined) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (name === undefined && id === undefined) {
    if (required) throw invalid('Either logGroupName or logGroupIdentifier must be specified.');
    return undefined;
  }
  if (name !== undefined) return name;
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(id!);
  return m !== null ? m[1]! : id;
}
