/**
 * The part of the CloudWatch Logs API the log reader uses, behind a small interface so the
 * reader can be tested against any server, and the SDK client that implements it.
 *
 * Retries are the reader's (reader.ts): the SDK's own (`maxAttempts` 3) would retry a throttle
 * a few times and then give up on the window; the reader backs off and keeps the window.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { regionFor, usesDummyCredentials } from '../targets/lambda-client.js';
import { networkErrorClass } from '../targets/net-errors.js';
import { logEventsOf, scanFilterPage } from './page-scan.js';
import type { EventList } from './page-scan.js';

/** One event as FilterLogEvents returns it (times in epoch ms). */
export interface LogEvent {
  eventId: string;
  logStreamName: string;
  /** When the line was written (the producer's clock). */
  timestamp: number;
  /** When CloudWatch Logs took it in. */
  ingestionTime: number;
  message: string;
  /**
   * Set by the group reader (not the API): the event is not later than ids it has forgotten, so
   * a window read again may have handed it over before. It still matches a request waiting for
   * it, but is not counted again.
   */
  maybeReadBefore?: true;
}

export interface FilterParams {
  logGroupName: string;
  /** Events with timestamp >= startTime and < endTime (epoch ms). */
  startTime: number;
  endTime: number;
  filterPattern?: string;
  nextToken?: string;
}

export interface FilterPage {
  /** Parsed a slice at a time when read from the API (page-scan.ts); an array is one too. */
  events: EventList;
  /** Present while more pages remain: a page can be partly full, or empty, and still have one. */
  nextToken?: string;
}

export interface LogsApi {
  filter(params: FilterParams, signal?: AbortSignal): Promise<FilterPage>;
  close(): void;
}

/**
 * How a failed call is handled: `throttled` and `transient` are retried, the others end the
 * reading with a clear message.
 */
export type LogsFailureKind = 'throttled' | 'transient' | 'denied' | 'not-found' | 'credentials' | 'invalid' | 'aborted';

export class LogsApiError extends Error {
  constructor(
    readonly kind: LogsFailureKind,
    readonly awsName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LogsApiError';
  }
}

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TRANSIENT = new Set(['ServiceUnavailableException', 'InternalServerException', 'OperationAbortedException', 'InternalFailure', 'ServiceUnavailable']);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

/** Classifies an error thrown by the SDK client (or anything else) for the reader. */
export function logsFailureOf(err: unknown): LogsApiError {
  if (err instanceof LogsApiError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message.split('\n', 1)[0]! : String(err);
  const status = e.$metadata?.httpStatusCode;
  const make = (kind: LogsFailureKind): LogsApiError => new LogsApiError(kind, name, message, { cause: err });
  if (name === 'AbortError') return make('aborted');
  if (THROTTLED.has(name) || status === 429) return make('throttled');
  if (DENIED.has(name)) return make('denied');
  if (name === 'ResourceNotFoundException') return make('not-found');
  if (CREDENTIALS.has(name) || /region is missing/i.test(message)) return make('credentials');
  if (name === 'InvalidParameterException' || name === 'ValidationException') return make('invalid');
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || networkErrorClass(err) !== undefined) return make('transient');
  // An answer we cannot place (a proxy's HTML page, a 4xx without a type): retried a few times.
  return make('transient');
}

export interface LogsClientOptions {
  region?: string;
  awsProfile?: string;
  endpoint?: string;
  /** Per call. */
  timeoutMs: number;
}

/**
 * Where the transport leaves a successful page's events for the call that asked (see
 * createSdkLogsApi). The call's async context carries it down to the request handler.
 */
const pageSlot = new AsyncLocalStorage<{ events?: EventList }>();

/** A FilterLogEvents client from @aws-sdk/client-cloudwatch-logs, loaded only when logs are read. */
export async function createSdkLogsApi(opts: LogsClientOptions, env: NodeJS.ProcessEnv = process.env): Promise<LogsApi> {
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const { Readable } = await import('node:stream');

  /**
   * The SDK builds, signs and sends each call and reads every error answer. A successful page's
   * events are read here, a slice at a time as the reader takes them (page-scan.ts), and the SDK
   * deserializes only the rest of the page (its nextToken): its schema-driven reading of a
   * 10,000-event page costs several times a JSON.parse and makes every event's objects at once.
   * The events keep the API's own field names, as the SDK gives them.
   */
  class PageHandler extends NodeHttpHandler {
    override async handle(...args: Parameters<InstanceType<typeof NodeHttpHandler>['handle']>): ReturnType<InstanceType<typeof NodeHttpHandler>['handle']> {
      const out = await super.handle(...args);
      const slot = pageSlot.getStore();
      const { response } = out;
      if (slot === undefined || response.statusCode !== 200 || response.body === undefined) return out;
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      const bytes = Buffer.concat(chunks);
      let rest: Buffer;
      try {
        const page = scanFilterPage(bytes);
        slot.events = page.events;
        rest = Buffer.from(JSON.stringify(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}));
      } catch {
        // Not a JSON object: the SDK reads it as it would have, and says what is wrong.
        rest = bytes;
      }
      response.body = Readable.from([rest]);
      for (const name of Object.keys(response.headers)) if (name.toLowerCase() === 'content-length') response.headers[name] = String(rest.length);
      return out;
    }
  }

  const config: CloudWatchLogsClientConfig = {
    maxAttempts: 1,
    requestHandler: new PageHandler({ connectionTimeout: opts.timeoutMs, requestTimeout: opts.timeoutMs, throwOnRequestTimeout: true }),
  };
  // Region, named profile and endpoint resolve as for the Lambda target (lambda-client.ts).
  const region = regionFor(opts, env);
  if (region !== undefined) config.region = region;
  if (opts.endpoint !== undefined) config.endpoint = opts.endpoint;
  if (opts.awsProfile !== undefined) config.profile = opts.awsProfile;
  if (usesDummyCredentials(opts, env)) config.credentials = { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' };
  const client: CloudWatchLogsClient = new sdk.CloudWatchLogsClient(config);
  return {
    async filter(params, signal) {
      const slot: { events?: EventList } = {};
      try {
        const out = await pageSlot.run(slot, () =>
          client.send(
            new sdk.FilterLogEventsCommand({
              logGroupName: params.logGroupName,
              startTime: params.startTime,
              endTime: params.endTime,
              ...(params.filterPattern !== undefined && params.filterPattern !== '' && { filterPattern: params.filterPattern }),
              ...(params.nextToken !== undefined && { nextToken: params.nextToken }),
            }),
            signal !== undefined ? { abortSignal: signal } : {},
          ),
        );
        const events = slot.events ?? logEventsOf(out.events ?? []);
        return out.nextToken !== undefined && out.nextToken !== '' ? { events, nextToken: out.nextToken } : { events };
      } catch (err) {
        throw logsFailureOf(err);
      }
    },
    close: () => client.destroy(),
  };
}
