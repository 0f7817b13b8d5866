/**
 * DescribeLogGroups and DescribeLogStreams, as the API reference describes them
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html,
 * .../API_DescribeLogStreams.html): limit 1 to 50 (default 50), nextToken; groups in name order,
 * filtered by logGroupNamePrefix or logGroupNamePattern (case-insensitive substring); streams
 * ordered by LogStreamName (default) or LastEventTime, descending or not, logStreamNamePrefix
 * (not with LastEventTime). A stream is listed once its first event has been ingested.
 */
import type { LogGroup, LogStore, LogStream } from './log-store.js';
import { invalid, LogsApiError, logGroupParam, Params } from './params.js';
import { decodeToken, encodeToken, isInt } from './tokens.js';

export interface ArnContext {
  region: string;
  accountId: string;
}

const MAX_DESCRIBE = 50;

export function describeLogGroups(store: LogStore, input: Record<string, unknown>, ctx: ArnContext): Record<string, unknown> {
  const p = new Params(input);
  const prefix = p.string('logGroupNamePrefix');
  const pattern = p.string('logGroupNamePattern')?.toLowerCase();
  if (prefix !== undefined && pattern !== undefined) throw invalid('logGroupNamePrefix and logGroupNamePattern are mutually exclusive parameters.');
  const limit = p.int('limit', 1, MAX_DESCRIBE) ?? MAX_DESCRIBE;
  const offset = tokenOffset(p.string('nextToken'), 'groups');
  const all = store
    .groups()
    .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.toLowerCase().includes(pattern)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = all.slice(offset, offset + limit);
  return {
    logGroups: page.map((g) => describeGroup(g, ctx)),
    ...(offset + limit < all.length ? { nextToken: encodeToken({ k: 'groups', o: offset + limit }) } : {}),
  };
}

export function describeLogStreams(store: LogStore, input: Record<string, unknown>, ctx: ArnContext, now: number): Record<string, unknown> {
  const p = new Params(input);
  const groupName = logGroupParam(p)!;
  const prefix = p.string('logStreamNamePrefix');
  const orderBy = p.string('orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalid(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const descending = p.bool('descending') ?? false;
  const limit = p.int('limit', 1, MAX_DESCRIBE) ?? MAX_DESCRIBE;
  const offset = tokenOffset(p.string('nextToken'), 'streams');
  const group = store.group(groupName);
  if (group === undefined) throw new LogsApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  const listed = [...group.streams.values()]
    .map((s) => ({ stream: s, last: lastIngested(s, now) }))
    .filter((x) => x.last !== undefined && (prefix === undefined || x.stream.name.startsWith(prefix)));
  listed.sort((a, b) => {
    const byTime = orderBy === 'LastEventTime' ? a.last!.timestamp - b.last!.timestamp : 0;
    const byName = a.stream.name < b.stream.name ? -1 : a.stream.name > b.stream.name ? 1 : 0;
    return (byTime !== 0 ? byTime : byName) * (descending ? -1 : 1);
  });
  const page = listed.slice(offset, offset + limit);
  return {
    logStreams: page.map(({ stream, last }) => ({
      logStreamName: stream.name,
      creationTime: stream.creationTime,
      firstEventTimestamp: stream.firstEventTimestamp,
      lastEventTimestamp: last!.timestamp,
      lastIngestionTime: last!.ingestionTime,
      arn: `${groupArn(group.name, ctx)}:log-stream:${stream.name}`,
    })),
    ...(offset + limit < listed.length ? { nextToken: encodeToken({ k: 'streams', o: offset + limit }) } : {}),
  };
}

function describeGroup(g: LogGroup, ctx: ArnContext): Record<string, unknown> {
  const arn = groupArn(g.name, ctx);
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: g.storedBytes,
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  };
}

export function groupArn(name: string, ctx: ArnContext): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
}

/** The stream's last ingested event (timestamp, ingestionTime), from the end of its list. */
function lastIngested(s: LogStream, now: number): { timestamp: number; ingestionTime: number } | undefined {
  if (s.lastIngestionTime <= now) return { timestamp: s.lastEventTimestamp, ingestionTime: s.lastIngestionTime };
  for (let i = s.events.end - 1; i >= s.events.start; i -= 1) {
    const e = s.events.at(i)!;
    if (e.ingestionTime <= now) return { timestamp: e.timestamp, ingestionTime: e.ingestionTime };
  }
  return undefined;
}

function tokenOffset(token: string | undefined, kind: string): number {
  if (token === undefined) return 0;
  return decodeToken<{ o: number }>(token, (v) => v['k'] === kind && isInt(v['o']) && (v['o'] as number) >= 0).o;
}
