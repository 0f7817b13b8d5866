/**
 * The local emulator's own process during `coldbench run`. Running it apart from the load
 * generator keeps its work (HTTP parsing, child bookkeeping) out of the generator's event loop,
 * so it cannot show up as schedule lag. The parent sends the configuration over IPC; when the
 * parent goes away for any reason (exit, crash, kill -9), the IPC channel closes and this
 * process ends every environment before exiting: no orphans.
 */
import { startEmulator } from '../emulator/index.js';
import type { Emulator } from '../emulator/index.js';
import type { LocalEmulatorConfig } from '../profile/types.js';

export type HostRequest = { type: 'start'; config: LocalEmulatorConfig; logDir?: string } | { type: 'close' };
export type HostReply = { type: 'ready'; endpoint: string } | { type: 'error'; message: string } | { type: 'closed' };

let emulator: Emulator | undefined;
let closing = false;

async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await emulator?.close().catch(() => undefined);
  send({ type: 'closed' });
  // The channel is already closed when the parent went away first (its exit, kill -9).
  if (process.connected) process.disconnect?.();
  process.exit(0);
}

function send(reply: HostReply): void {
  if (process.connected) process.send?.(reply);
}

process.on('message', (msg: HostRequest) => {
  if (msg.type === 'close') {
    void shutdown();
    return;
  }
  startEmulator(msg.config, { port: 0, host: '127.0.0.1', ...(msg.logDir !== undefined && { logDir: msg.logDir }) }).then(
    (e) => {
      emulator = e;
      send({ type: 'ready', endpoint: e.endpoint });
    },
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => void shutdown());
// The parent handles Ctrl-C and a hangup; the terminal sends both to the whole process group, so
// this process waits for the parent's close (or the channel closing) instead of dying mid-run.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('SIGTERM', () => void shutdown());
