// A tiny node:http server for the benchmarks, run as a child pinned to its own core.
// It counts request ARRIVALS per 100 ms window (process.hrtime), so the evenness of a load
// tool is measured where it matters: at the server, not by the tool about itself.
//
//   --mode fast         answer at once (2-byte body)
//   --mode delay --delay-ms 10   answer after a timer
//   --mode stall        answer at once, but block the whole process for `stallMs`
//                       `stallAtMs` after the first arrival (like Ctrl-Z on the server)
//
// Control over IPC: {cmd:'reset', stallAtMs?, stallMs?} -> {ok}; {cmd:'stats'} -> stats
// (arrivals per window, and the TCP connections accepted since the reset).
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'fast' },
    'delay-ms': { type: 'string', default: '10' },
    'window-ms': { type: 'string', default: '100' },
  },
});
const mode = values.mode;
const delayMs = Number(values['delay-ms']);
const windowNs = Number(values['window-ms']) * 1e6;
const body = Buffer.from('ok');

let state = fresh({});

function fresh(opts) {
  return {
    t0: -1, // hrtime (ns, as a Number) of the first arrival since the last reset
    lastNs: -1,
    count: 0,
    windows: [],
    stallAtMs: opts.stallAtMs ?? null,
    stallMs: opts.stallMs ?? 1000,
    stalledAtNs: null,
    connections: 0, // TCP connections accepted since the last reset
  };
}

const nowNs = () => Number(process.hrtime.bigint());

function recordArrival() {
  const t = nowNs();
  if (state.t0 < 0) {
    state.t0 = t;
    if (state.stallAtMs !== null) scheduleStall(state);
  }
  const i = Math.floor((t - state.t0) / windowNs);
  while (state.windows.length <= i) state.windows.push(0);
  state.windows[i] += 1;
  state.count += 1;
  state.lastNs = t;
}

// Atomics.wait blocks the event loop without burning the CPU: nothing is accepted, read or
// answered for stallMs, exactly as if the process had been stopped.
function scheduleStall(s) {
  setTimeout(() => {
    s.stalledAtNs = nowNs() - s.t0;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s.stallMs);
  }, s.stallAtMs);
}

const server = http.createServer((req, res) => {
  recordArrival();
  req.resume();
  const reply = () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  };
  if (mode === 'delay') setTimeout(reply, delayMs);
  else reply();
});
server.on('connection', () => {
  state.connections += 1;
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

process.on('message', (msg) => {
  if (msg.cmd === 'reset') {
    state = fresh(msg);
    process.send({ ok: true });
  } else if (msg.cmd === 'stats') {
    process.send({
      count: state.count,
      windowMs: windowNs / 1e6,
      windows: state.windows,
      spanMs: state.t0 < 0 ? 0 : (state.lastNs - state.t0) / 1e6,
      stalledAtMs: state.stalledAtNs === null ? null : state.stalledAtNs / 1e6,
      connections: state.connections,
    });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
