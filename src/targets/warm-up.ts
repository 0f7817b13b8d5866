/**
 * Warms the HTTP client up before a run, against a server of our own on loopback, never the
 * target. The first requests of a Node process pay for compiling undici's HTTP parser (a
 * WebAssembly module) and for the JIT compiling the request path; paid during the run, that
 * work stalls the sender for tens of milliseconds and shows up as schedule lag and dropped
 * arrivals in the first second.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

export async function warmUpHttpClient(requests = 1000, connections = 8): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections, pipelining: 1 });
  try {
    let left = requests;
    const worker = async (): Promise<void> => {
      while (left-- > 0) {
        const res = await pool.request({ path: '/', method: 'GET' });
        await res.body.dump();
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
  } catch {
    // A failed warm-up only means a slower first second; the run itself reports real failures.
  } finally {
    await pool.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
