/**
 * `coldbench emulator <profile> --port N`: serve the profile's local functions on loopback until
 * Ctrl-C, printing the endpoint to use with the AWS SDK or CLI.
 */
import { UsageError } from '../../errors.js';
import { loadProfile } from '../../profile/index.js';
import type { Output } from '../output.js';
import { STOP_SIGNALS } from '../signals.js';

export async function emulatorCommand(file: string, flags: { port: number; logDir?: string; set: string[] }, out: Output): Promise<number> {
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addProfileSecrets(loaded);
  const target = loaded.profile.target;
  // A Lambda target's local: section, or an HTTP target's (its functions behind a front).
  const local = target.kind === 'lambda' ? target.local : target.local?.emulator;
  if (local === undefined) {
    throw new UsageError(`${file} has no target.local section`, 'the emulator serves the functions listed under target.local.functions');
  }
  const { startEmulator } = await import('../../emulator/index.js');
  const emulator = await startEmulator(local, {
    port: flags.port,
    host: '127.0.0.1',
    ...(flags.logDir !== undefined && { logDir: flags.logDir }),
  }).catch((err: unknown) => {
    throw portError(err, flags.port) ?? err;
  });
  out.human(`coldbench emulator listening on ${emulator.endpoint} (Lambda and CloudWatch Logs APIs: --endpoint-url ${emulator.endpoint})`);
  for (const name of Object.keys(local.functions)) {
    out.human(`  function ${name}: function URL ${emulator.functionUrl(name)}; API Gateway ${emulator.apiGatewayUrl(name)}`);
    out.human(`    logs in ${emulator.logGroup(name)}; API Gateway access log in ${emulator.accessLogGroup(name)}`);
  }
  out.human(`ground truth: ${emulator.endpoint}/_emulator/invocations`);
  out.human('press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    for (const signal of STOP_SIGNALS) process.once(signal, () => resolve());
  });
  out.error('stopping the emulator...');
  await emulator.close();
  return 0;
}

/** A port that cannot be listened on is bad usage (exit 2) with a way out, not an internal error. */
function portError(err: unknown, port: number): UsageError | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new UsageError(`port ${port} on 127.0.0.1 is already in use`, 'pass another --port, or --port 0 for any free one');
  if (code === 'EACCES') return new UsageError(`not allowed to listen on port ${port}`, 'pass a port above 1023, or --port 0 for any free one');
  return undefined;
}
