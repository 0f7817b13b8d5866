// A Function URL stand-in for the log-path benchmark, run as a child pinned to its own core: it
// answers every request at once with a fresh x-amzn-RequestId and writes one REPORT line per
// request (Init Duration on the first of each of its environments) into a CloudWatch Logs store
// it serves itself on the same port (POST / with X-Amz-Target: Logs_20140328.FilterLogEvents).
// Lines become readable --lag-ms after they are written, as CloudWatch ingests them late.
//
// Control over IPC: {cmd:'stats'} -> { requests, filterCalls, events }.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'lag-ms': { type: 'string', default: '2000' }, environments: { type: 'string', default: '50' } } });
const lagMs = Number(values['lag-ms']);
const environments = Number(values.environments);
const GROUP = '/aws/lambda/bench';
const PAGE = 10_000;
const body = Buffer.from('{"ok":true}');

// Events in time order, each kept as its JSON text, so a page costs a join, not a serialization:
// in both modes every answer writes its event, and only reading pages is the difference.
// Only the last RETAIN_MS are kept (readers here look back less than that): a store of every
// round's events would make this server's own garbage collection the benchmark's pauses.
// `base` is the absolute index of times[0]; page tokens are absolute indexes.
const RETAIN_MS = 120_000;
let times = [];
let events = [];
let base = 0;
let requests = 0;
let filterCalls = 0;

function report(id, cold) {
  const init = cold ? 'Init Duration: 182.31 ms\t' : '';
  return `REPORT RequestId: ${id}\tDuration: 0.01 ms\tBilled Duration: ${cold ? 183 : 1} ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t${init}\n`;
}

/** First index whose time is >= t (times are appended in order). */
function lowerBound(t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function filter(input) {
  filterCalls++;
  if (input.logGroupName !== GROUP) return [400, { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }];
  const visibleBefore = Date.now() - lagMs;
  const start = Math.max(0, (input.nextToken !== undefined ? Number(input.nextToken) - base : lowerBound(input.startTime ?? 0)));
  const endTime = Math.min(input.endTime ?? Infinity, visibleBefore + 1);
  let i = start;
  while (i < times.length && times[i] < endTime && i - start < PAGE) i++;
  const page = events.slice(start, i).join(',');
  const more = i < times.length && times[i] < endTime;
  return [200, `{"events":[${page}]${more ? `,"nextToken":"${base + i}"` : ''}}`];
}

const server = http.createServer((req, res) => {
  if (req.headers['x-amz-target'] !== undefined) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const [status, out] = filter(JSON.parse(Buffer.concat(chunks).toString() || '{}'));
      const text = typeof out === 'string' ? out : JSON.stringify(out);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
    return;
  }
  req.resume();
  const id = randomUUID();
  const n = requests++;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-amzn-requestid': id });
  res.end(body);
  // Stamped once answered, as Lambda writes REPORT when the invocation has ended.
  const t = Date.now();
  times.push(t);
  events.push(JSON.stringify({ logStreamName: `2026/12/05/[$LATEST]${String(n % environments).padStart(32, '0')}`, timestamp: t, ingestionTime: t + lagMs, message: report(id, n < environments), eventId: String(n).padStart(20, '0') }));
});
setInterval(() => {
  const drop = lowerBound(Date.now() - RETAIN_MS);
  if (drop === 0) return;
  times = times.slice(drop);
  events = events.slice(drop);
  base += drop;
}, 10_000).unref();
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port, group: GROUP }));
process.on('message', (msg) => {
  if (msg.cmd === 'stats') process.send?.({ requests, filterCalls, events: times.length });
});
process.on('disconnect', () => process.exit(0));
