// A Function URL stand-in for the log-path benchmark, run as a child pinned to its own core: it
// answers every request at once with a fresh x-amzn-RequestId and writes one REPORT line per
// request (Init Duration on the first of each of its environments) into a CloudWatch Logs store
// it serves itself on a second port (POST / with X-Amz-Target: Logs_20140328.FilterLogEvents).
// Lines become readable --lag-ms after they are written, as CloudWatch ingests them late.
//
// The front is plain TCP, not node:http: it answers each request head (GET, no body, as the
// benchmark sends) with canned bytes and a fresh id, at a few µs of CPU a request, so that the
// benchmark's throughput is coldbench's and not this server's (node:http costs about as much per
// request as coldbench does, and the faster of the two would wait on the slower).
//
// Control over IPC: {cmd:'stats'} -> { requests, filterCalls, events }.
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'lag-ms': { type: 'string', default: '2000' }, environments: { type: 'string', default: '50' } } });
const lagMs = Number(values['lag-ms']);
const environments = Number(values.environments);
const GROUP = '/aws/lambda/bench';
const PAGE = 10_000;
const body = Buffer.from('{"ok":true}');

// Events in time order, each kept as its JSON text followed by a comma in large off-heap
// buffers, so a page is a slice of bytes (no string join, no serialization) and the store costs
// this server's garbage collector nothing: in both modes every answer writes its event, and only
// reading pages is the difference. A chunk is dropped once its newest event is older than
// RETAIN_MS (readers here look back less than that). Page tokens are absolute event indexes.
// A page holds at most PAGE events and PAGE_BYTES of messages, as FilterLogEvents' do.
const RETAIN_MS = 120_000;
const CHUNK_BYTES = 64 * 1024 * 1024;
const PAGE_BYTES = 1024 * 1024;
/** Each chunk: { buf, first (absolute index of its first event), ends: byte end of each event's JSON, times, messageBytes, used }. */
const chunks = [];
let requests = 0;
let filterCalls = 0;
let stored = 0;

function report(id, cold) {
  const init = cold ? 'Init Duration: 182.31 ms\t' : '';
  return `REPORT RequestId: ${id}\tDuration: 0.01 ms\tBilled Duration: ${cold ? 183 : 1} ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t${init}\n`;
}

function newChunk() {
  const chunk = { buf: Buffer.allocUnsafe(CHUNK_BYTES), first: stored, ends: [], times: [], messageBytes: [], used: 0 };
  chunks.push(chunk);
  return chunk;
}

function store(t, json, messageBytes) {
  let chunk = chunks[chunks.length - 1];
  const bytes = Buffer.byteLength(json) + 1;
  if (chunk === undefined || chunk.used + bytes > CHUNK_BYTES) chunk = newChunk();
  chunk.used += chunk.buf.write(json, chunk.used);
  chunk.buf[chunk.used++] = 0x2c; // ','
  chunk.ends.push(chunk.used);
  chunk.times.push(t);
  chunk.messageBytes.push(messageBytes);
  stored++;
}

/** First index in a chunk whose time is >= t (times are appended in order). */
function lowerBound(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The chunk and index within it of the first event at or after an absolute index / a time. */
function locate(input) {
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c];
    const i = input.nextToken !== undefined ? Number(input.nextToken) - chunk.first : lowerBound(chunk.times, input.startTime ?? 0);
    if (i < chunk.times.length) return { c, i: Math.max(0, i) };
  }
  return undefined;
}

/** FilterLogEvents: [status, head, bytes of events (each with its trailing comma), tail]. */
function filter(input) {
  filterCalls++;
  if (input.logGroupName !== GROUP) return [400, JSON.stringify({ __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' })];
  const visibleBefore = Date.now() - lagMs;
  const endTime = Math.min(input.endTime ?? Infinity, visibleBefore + 1);
  const at = locate(input);
  if (at === undefined) return [200, '{"events":[]}'];
  const { c, i: start } = at;
  const chunk = chunks[c];
  let i = start;
  let bytes = 0;
  while (i < chunk.times.length && chunk.times[i] < endTime && i - start < PAGE && bytes + chunk.messageBytes[i] <= PAGE_BYTES) bytes += chunk.messageBytes[i++];
  const more = i < chunk.times.length ? chunk.times[i] < endTime : chunks[c + 1] !== undefined && chunks[c + 1].times[0] < endTime;
  const from = start === 0 ? 0 : chunk.ends[start - 1];
  const to = i === start ? from : chunk.ends[i - 1] - 1; // without the last comma
  return [200, '{"events":[', chunk.buf.subarray(from, to), `]${more ? `,"nextToken":"${chunk.first + i}"` : ''}}`];
}

const logsApi = http.createServer((req, res) => {
  const input = [];
  req.on('data', (c) => input.push(c));
  req.on('end', () => {
    const parts = filter(JSON.parse(Buffer.concat(input).toString() || '{}'));
    const status = parts.shift();
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': parts.reduce((n, p) => n + Buffer.byteLength(p), 0) });
    for (const part of parts) res.write(part);
    res.end();
  });
});
logsApi.keepAliveTimeout = 65_000;

const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ' + body.length + '\r\nx-amzn-requestid: ';
const END_OF_HEAD = Buffer.from('\r\n\r\n');

/** Answers one request: the response, then its REPORT stamped once answered, as Lambda writes it when the invocation has ended. */
function answer(socket) {
  const id = randomUUID();
  const n = requests++;
  socket.write(`${HEAD}${id}\r\n\r\n{"ok":true}`);
  const t = Date.now();
  const message = report(id, n < environments);
  store(t, JSON.stringify({ logStreamName: `2026/12/05/[$LATEST]${String(n % environments).padStart(32, '0')}`, timestamp: t, ingestionTime: t + lagMs, message, eventId: String(n).padStart(20, '0') }), message.length);
}

const front = net.createServer((socket) => {
  socket.setNoDelay(true);
  // A request head may arrive in pieces: the last 3 bytes of a chunk are kept to find an end split across two.
  let tail = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    const data = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    let from = 0;
    for (let at = data.indexOf(END_OF_HEAD, from); at >= 0; at = data.indexOf(END_OF_HEAD, from)) {
      answer(socket);
      from = at + END_OF_HEAD.length;
    }
    tail = data.subarray(Math.max(from, data.length - 3));
  });
  socket.on('error', () => socket.destroy());
});

setInterval(() => {
  const before = Date.now() - RETAIN_MS;
  while (chunks.length > 1 && chunks[0].times[chunks[0].times.length - 1] < before) chunks.shift();
}, 10_000).unref();
front.listen(0, '127.0.0.1', () => logsApi.listen(0, '127.0.0.1', () => process.send?.({ port: front.address().port, logsPort: logsApi.address().port, group: GROUP })));
process.on('message', (msg) => {
  if (msg.cmd === 'stats') process.send?.({ requests, filterCalls, events: chunks.reduce((n, c) => n + c.times.length, 0) });
});
process.on('disconnect', () => process.exit(0));
