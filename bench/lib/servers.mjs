// Servers under test: the counting node:http server (bench/servers/node-server.mjs) and nginx.
// Both listen on 127.0.0.1 only and run pinned to their own core.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { start, stop, ensureApt, sleep } from './proc.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Start the counting server. Returns { url, reset(opts), stats(), close() }.
 * mode: 'fast' | 'delay' | 'stall' (see node-server.mjs).
 */
export async function startNodeServer({ core = 1, mode = 'fast', delayMs = 10 } = {}) {
  const script = join(here, '..', 'servers', 'node-server.mjs');
  const child = start(process.execPath, [script, '--mode', mode, '--delay-ms', String(delayMs)], {
    core,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [hello] = await withTimeout(once(child, 'message'), 10_000, 'node server did not start');
  const ask = async (msg) => {
    const reply = once(child, 'message');
    child.send(msg);
    const [answer] = await withTimeout(reply, 10_000, `node server did not answer ${msg.cmd}`);
    return answer;
  };
  return {
    url: `http://127.0.0.1:${hello.port}/`,
    port: hello.port,
    pid: child.pid,
    reset: (opts = {}) => ask({ cmd: 'reset', ...opts }),
    stats: () => ask({ cmd: 'stats' }),
    close: () => stop(child),
  };
}

/** nginx (Debian nginx-light) serving a small static file, one worker, pinned to `core`. */
export async function startNginx({ core = 1 } = {}) {
  if (!ensureApt(['nginx'], ['nginx-light'])) throw new Error('nginx is not installed and apt-get failed');
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-nginx-'));
  const port = await freePort();
  writeFileSync(join(dir, 'index.html'), 'hello, bench\n');
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port));
  const nginx = '/usr/sbin/nginx';
  const child = start(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf')], { core, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  await waitForPort(port, 10_000).catch((e) => {
    throw new Error(`nginx did not start: ${e.message}\n${err}${safeRead(join(dir, 'error.log'))}`);
  });
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    port,
    pid: child.pid,
    close: async () => {
      await stop(child, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nginxConf(dir, port) {
  // One worker (one core), no access log, keep-alive connections never closed by the server.
  return `
daemon off;
master_process on;
worker_processes 1;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  default_type text/html;
  server {
    listen 127.0.0.1:${port};
    root ${dir};
  }
}
`;
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

async function waitForPort(port, limitMs) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/index.html`).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not answering after ${limitMs} ms`);
    await sleep(50);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
