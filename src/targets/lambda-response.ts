/**
 * The fast path reads an Invoke's answer with the SDK's own deserializer: the client's protocol
 * (restJson1) with the Invoke operation's schema, the same call the SDK's deserializer
 * middleware makes. An answer therefore gives the same InvokeCommandOutput (StatusCode,
 * FunctionError, LogResult, ExecutedVersion, Payload, $metadata.requestId), and a service error
 * the same exception (its name from x-amzn-ErrorType or the body, `Reason`, $metadata) as
 * through the SDK's InvokeCommand.
 */
import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { HttpResponse } from '@smithy/core/protocols';
import { operation } from '@smithy/core/schema';
import type { LambdaClientParts } from './lambda-client.js';

interface Protocol {
  deserializeResponse(op: unknown, context: object, response: HttpResponse): Promise<unknown>;
}

type OperationTuple = readonly [unknown, string, string, number, unknown, unknown];

export class InvokeReader {
  private readonly protocol: Protocol;
  private readonly op: unknown;
  private readonly context: object;

  constructor(parts: LambdaClientParts) {
    const config = parts.client.config as unknown as { protocol: Protocol };
    this.protocol = config.protocol;
    const [, ns, name, traits, input, output] = parts.sdk.Invoke$ as unknown as OperationTuple;
    this.op = operation(ns, name, traits, input as never, output as never);
    this.context = { ...parts.client.config };
  }

  /** The SDK's output for an answer; throws the SDK's error for a service error. */
  async read(statusCode: number, headers: Record<string, string>, body: Uint8Array): Promise<InvokeCommandOutput> {
    const response = new HttpResponse({ statusCode, headers, body });
    try {
      return (await this.protocol.deserializeResponse(this.op, this.context, response)) as InvokeCommandOutput;
    } catch (err) {
      throw withMetadata(err, statusCode, headers);
    }
  }
}

/**
 * An error the deserializer threw without HTTP metadata (a body that is not JSON) gets it as the
 * SDK's deserializer middleware adds it (@smithy/core schemaDeserializationMiddleware).
 */
function withMetadata(err: unknown, statusCode: number, headers: Record<string, string>): unknown {
  if (typeof err !== 'object' || err === null || '$metadata' in err) return err;
  const entries = Object.entries(headers);
  const find = (pattern: RegExp): string | undefined => entries.find(([k]) => pattern.test(k))?.[1];
  try {
    Object.assign(err, {
      $metadata: {
        httpStatusCode: statusCode,
        requestId: find(/^x-[\w-]+-request-?id$/),
        extendedRequestId: find(/^x-[\w-]+-id-2$/),
        cfId: find(/^x-[\w-]+-cf-id$/),
      },
    });
  } catch {
    // a frozen error stays as it is
  }
  return err;
}

/** Headers Node keeps the first of when a response repeats them (node:_http_incoming matchKnownFields). */
const FIRST_ONLY = new Set([
  'content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization',
  'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag',
  'last-modified', 'server', 'age', 'expires',
]);

/**
 * undici's raw headers as the SDK's Node handler sees a response's: names in lower case, values
 * read as latin1, a repeated header joined as Node joins it.
 */
export function responseHeaders(raw: readonly Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (!FIRST_ONLY.has(name)) out[name] = `${prev}${name === 'set-cookie' ? ',' : ', '}${value}`;
  }
  return out;
}
