/**
 * The fast path's Invoke requests, made by the SDK and signed by the SDK's signer:
 *
 * - Once per function (and qualifier), the SDK's own middleware builds the request: an
 *   InvokeCommand is sent through the real client with one extra middleware, just before
 *   `httpSigningMiddleware`, that keeps the request and stops the send. By then the SDK has
 *   resolved the credentials, the region and the endpoint, serialized the input (path, query,
 *   headers), and added its user agent, host, `amz-sdk-request` and invocation id headers.
 * - Per request, that template gets the payload, its content-length and a new
 *   `amz-sdk-invocation-id`, and is signed by the SigV4 signer the client itself uses
 *   (`client.config.signer()`: @smithy/signature-v4 with the client's credential provider, region,
 *   service `lambda` and hash). The credential provider is the client's memoized one, which
 *   refreshes temporary credentials 5 minutes before they expire, so a request never goes out
 *   with expired ones; the date carries the client's clock-skew correction
 *   (`config.systemClockOffset`), which every answer updates as the SDK's AwsSdkSigV4Signer
 *   does (sampleClock).
 *
 * The result is the request the SDK would send, byte for byte (test/targets/lambda-signing.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { buildQueryString } from '@smithy/core/protocols';
import type { HttpRequest, RequestSigner } from '@smithy/types';
import type { LambdaClientParts } from './lambda-client.js';
import type { InvokeInput } from './lambda-invoker.js';
import type { AnswerRules } from './lambda-outcome.js';

/** An Invoke as the SDK prepared it, before its body and signature. */
export interface InvokeTemplate {
  /** scheme://host[:port], for the connection pool. */
  origin: string;
  /** Path and query, as the SDK's Node handler writes them on the wire. */
  pathAndQuery: string;
  /** The unsigned request, without content-length and invocation id. */
  request: HttpRequest;
}

/** A signed Invoke, ready for the pool. */
export interface SignedInvoke {
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** Date.now() when it was signed (the clock-skew sampling ignores answers 15 minutes later). */
  signedAtMs: number;
}

/** The parts of the client's resolved config the signing reads and updates. */
interface SigningConfig {
  signer: () => Promise<RequestSigner>;
  systemClockOffset: number;
  disableClockSkewCorrection?: () => Promise<boolean | undefined>;
}

/** Thrown by the capturing middleware to stop the SDK's send with the prepared request. */
class Prepared extends Error {
  constructor(readonly request: HttpRequest) {
    super('Invoke request prepared');
  }
}

const CAPTURE_NAME = 'coldbenchPrepareInvoke';

/** Answers older than this say nothing about the clock (the SDK's getUpdatedSystemClockOffset). */
const CLOCK_SAMPLE_MAX_AGE_MS = 900_000;

export class InvokeRequests {
  private readonly config: SigningConfig;
  private readonly templates = new Map<string, InvokeTemplate>();
  private signer: RequestSigner | undefined;
  private skewCorrection = true;
  private lastDate = '';
  private lastDateMs = Number.NaN;

  constructor(
    private readonly parts: LambdaClientParts,
    private readonly rules: AnswerRules,
  ) {
    this.config = parts.client.config as unknown as SigningConfig;
  }

  /** The template for `input`, when it was prepared already (the hot path). */
  ready(input: InvokeInput): InvokeTemplate | undefined {
    return this.templates.get(templateKey(input));
  }

  /**
   * Prepares (once) the template for `input`'s function and qualifier. The SDK's request for
   * them differs with the payload only in its body and content-length, which every request sets.
   */
  async prepare(input: InvokeInput): Promise<InvokeTemplate> {
    const key = templateKey(input);
    const known = this.templates.get(key);
    if (known !== undefined) return known;
    const request = await this.capture({ FunctionName: input.FunctionName, Qualifier: input.Qualifier, Payload: undefined });
    if (this.signer === undefined) {
      this.signer = await this.config.signer();
      this.skewCorrection = (await this.config.disableClockSkewCorrection?.()) !== true;
    }
    const template = toTemplate(request);
    this.templates.set(key, template);
    return template;
  }

  /**
   * Signs `template` with `payload`, as the SDK's httpSigningMiddleware would. The invocation id
   * is new for every request, as the SDK's retry middleware makes it.
   */
  async sign(template: InvokeTemplate, payload: Uint8Array | undefined, invocationId: string = randomUUID()): Promise<SignedInvoke> {
    const base = template.request;
    const headers: Record<string, string> = { ...base.headers, 'amz-sdk-invocation-id': invocationId };
    if (payload !== undefined) headers['content-length'] = String(payload.byteLength);
    const request: HttpRequest = { ...base, headers, body: payload };
    const signedAtMs = Date.now();
    const signingDate = new Date(this.skewCorrection ? signedAtMs + this.config.systemClockOffset : signedAtMs);
    const signed = await this.signer!.sign(request, { signingDate });
    return { headers: signed.headers, body: payload ?? null, signedAtMs };
  }

  /**
   * An answer's Date header corrects the clock of the next signatures, as the SDK's
   * AwsSdkSigV4Signer does after every answer (@aws-sdk/core httpAuthSchemes,
   * getUpdatedSystemClockOffset): offset = server time - now, unless an Age header says the
   * answer came from a cache or the answer took more than 15 minutes.
   */
  sampleClock(date: string | undefined, age: string | undefined, signedAtMs: number): void {
    if (!this.skewCorrection || date === undefined || age !== undefined) return;
    if (date !== this.lastDate) {
      this.lastDate = date;
      this.lastDateMs = Date.parse(date);
    }
    if (Number.isNaN(this.lastDateMs)) return;
    const now = Date.now();
    if (now - signedAtMs > CLOCK_SAMPLE_MAX_AGE_MS) return;
    this.config.systemClockOffset = this.lastDateMs - now;
  }

  private async capture(input: InvokeInput): Promise<HttpRequest> {
    const command = new this.parts.sdk.InvokeCommand({
      ...input,
      InvocationType: this.rules.invocationType,
      ...(this.rules.invocationType === 'RequestResponse' && { LogType: 'Tail' }),
    });
    command.middlewareStack.addRelativeTo(
      () => async (args: { request: unknown }) => {
        throw new Prepared(args.request as HttpRequest);
      },
      { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: CAPTURE_NAME, override: true },
    );
    try {
      await this.parts.client.send(command);
    } catch (err) {
      if (err instanceof Prepared) return err.request;
      throw err; // what the SDK path would have met: credentials, region, endpoint
    }
    throw new Error('the AWS SDK sent the Invoke that was only to be prepared');
  }
}

function templateKey(input: InvokeInput): string {
  return input.Qualifier === undefined ? input.FunctionName : `${input.FunctionName}\n${input.Qualifier}`;
}

function toTemplate(prepared: HttpRequest): InvokeTemplate {
  const { 'content-length': _length, 'amz-sdk-invocation-id': _id, ...headers } = prepared.headers;
  const request: HttpRequest = { ...prepared, headers, query: { ...prepared.query }, body: undefined };
  // As @smithy/node-http-handler writes the request line.
  const query = buildQueryString(prepared.query ?? {});
  let pathAndQuery = query === '' ? prepared.path : `${prepared.path}?${query}`;
  if (prepared.fragment) pathAndQuery += `#${prepared.fragment}`;
  return { origin: originOf(prepared), pathAndQuery, request };
}

function originOf(request: HttpRequest): string {
  const host = request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname;
  return `${request.protocol}//${host}${request.port === undefined ? '' : `:${request.port}`}`;
}
