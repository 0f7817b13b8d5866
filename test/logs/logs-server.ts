/**
 * A CloudWatch Logs server on loopback (JSON 1.1, `X-Amz-Target: Logs_20140328.FilterLogEvents`)
 * that answers the way the API documents it may: events visible only once ingested, pages cut
 * short or empty while a nextToken remains, ThrottlingException, missing groups, AccessDenied.
 * The reader is tested against it through the real SDK client.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredEvent {
  logGroup: string;
  logStreamName: string;
  timestamp: number;
  /** Epoch ms from which the event is returned. */
  ingestionTime: number;
  message: string;
  eventId: string;
}

export interface EdgeBehaviour {
  /** Most events per page (AWS: 10,000). */
  pageSize: number;
  /** Empty pages, each with a nextToken, before each real page of a query. */
  emptyPagesBefore: number;
  /** Every n-th call is refused with ThrottlingException (0 = never). */
  throttleEvery: number;
  /** Every n-th call fails with a 500 ServiceUnavailableException (0 = never). */
  failEvery: number;
  /** Groups that answer AccessDeniedException. */
  denied: Set<string>;
}

export interface EdgeLogsServer {
  endpoint: string;
  behaviour: EdgeBehaviour;
  /** Adds an event; its id is assigned here. */
  put(e: Omit<StoredEvent, 'eventId'>): StoredEvent;
  groups: Set<string>;
  calls: { total: number; throttled: number; failed: number; filterPatterns: (string | undefined)[] };
  close(): Promise<void>;
}

export async function startEdgeLogsServer(partial: Partial<EdgeBehaviour> = {}): Promise<EdgeLogsServer> {
  const behaviour: EdgeBehaviour = { pageSize: 10_000, emptyPagesBefore: 0, throttleEvery: 0, failEvery: 0, denied: new Set(), ...partial };
  const events: StoredEvent[] = [];
  const groups = new Set<string>();
  const calls = { total: 0, throttled: 0, failed: 0, filterPatterns: [] as (string | undefined)[] };
  let nextId = 1;
  const server: Server = createServer((req, res) => {
    void readJson(req).then((body) => handle(req, res, body));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
    calls.total++;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target !== 'Logs_20140328.FilterLogEvents') return error(res, 400, 'UnknownOperationException', `unknown ${target}`);
    if (behaviour.throttleEvery > 0 && calls.total % behaviour.throttleEvery === 0) {
      calls.throttled++;
      return error(res, 400, 'ThrottlingException', 'Rate exceeded');
    }
    if (behaviour.failEvery > 0 && calls.total % behaviour.failEvery === 0) {
      calls.failed++;
      return error(res, 500, 'ServiceUnavailableException', 'try again');
    }
    const group = String(body.logGroupName ?? '');
    if (behaviour.denied.has(group)) return error(res, 400, 'AccessDeniedException', `not authorized to read ${group}`);
    if (!groups.has(group)) return error(res, 400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    calls.filterPatterns.push(body.filterPattern as string | undefined);
    const startTime = Number(body.startTime ?? 0);
    const endTime = Number(body.endTime ?? Number.MAX_SAFE_INTEGER);
    const token = typeof body.nextToken === 'string' ? JSON.parse(Buffer.from(body.nextToken, 'base64').toString()) as { offset: number; empty: number; now: number } : undefined;
    // A query sees what was ingested when it began: later pages keep that view.
    const now = token?.now ?? Date.now();
    const matching = events
      .filter((e) => e.logGroup === group && e.timestamp >= startTime && e.timestamp < endTime && e.ingestionTime <= now)
      .sort((a, b) => a.timestamp - b.timestamp || Number(a.eventId) - Number(b.eventId));
    const offset = token?.offset ?? 0;
    const empty = token?.empty ?? 0;
    if (empty < behaviour.emptyPagesBefore && offset < matching.length) {
      return json(res, { events: [], nextToken: encode({ offset, empty: empty + 1, now }) });
    }
    const page = matching.slice(offset, offset + behaviour.pageSize);
    const more = offset + page.length < matching.length;
    json(res, {
      events: page.map(({ logStreamName, timestamp, ingestionTime, message, eventId }) => ({ logStreamName, timestamp, ingestionTime, message, eventId })),
      ...(more && { nextToken: encode({ offset: offset + page.length, empty: 0, now }) }),
      searchedLogStreams: [],
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    behaviour,
    groups,
    calls,
    put(e) {
      groups.add(e.logGroup);
      const stored = { ...e, eventId: `3${String(nextId++).padStart(55, '0')}` };
      events.push(stored);
      return stored;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function encode(token: object): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function json(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'edge' });
  res.end(body);
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body), 'x-amzn-errortype': type });
  res.end(body);
}
