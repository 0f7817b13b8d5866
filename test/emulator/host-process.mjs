// A host process for the process tests: starts the built emulator (dist/) with one function,
// warms `ENVIRONMENTS` environments with concurrent invokes, prints one JSON line with its own
// pid and their pids, then waits. It notes a SIGINT instead of dying of it.
import { startEmulator } from '../../dist/emulator/index.js';

const count = Number(process.env.ENVIRONMENTS ?? 2);
const emulator = await startEmulator({
  baseDir: new URL('../../profiles/', import.meta.url).pathname,
  accountConcurrency: 10,
  functions: {
    slow: {
      handler: 'functions/slow.handler', memoryMB: 128, timeoutMs: 10_000, idleTimeoutMs: 600_000,
      maxLifetimeMs: 3_600_000, environment: { SLEEP_MS: '300' }, architecture: 'x86_64', logFormat: 'Text',
    },
  },
});
// Overlapping invokes: each needs an environment of its own.
await Promise.all(Array.from({ length: count }, () => fetch(`${emulator.endpoint}/2015-03-31/functions/slow/invocations`, { method: 'POST', body: '{}' }).then((r) => r.text())));
process.on('SIGINT', () => process.stdout.write('SIGINT\n'));
const pids = emulator.environments().map((e) => e.pid);
process.stdout.write(`${JSON.stringify({ pid: process.pid, pids })}\n`);
setInterval(() => undefined, 60_000);
