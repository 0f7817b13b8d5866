/**
 * The emulator's one loopback HTTP server: Invoke API, control plane, CloudWatch Logs API,
 * /_emulator/*, the Function URL and API Gateway fronts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_GATEWAY_PREFIX, handleApiGateway } from './api-gateway.js';
import { handleLogsApi, isLogsRequest } from './cloudwatch/logs-api.js';
import { handleControlPlane, listFunctions } from './control-plane.js';
import type { EmulatorCore } from './core.js';
import { FUNCTION_URL_PREFIX, handleFunctionUrl } from './function-url.js';
import { sendJson } from './http-util.js';
import { handleInvoke } from './invoke-api.js';
import type { Recorder } from './recorder.js';
import { sendServiceError } from './service-errors.js';

const FUNCTION_PATH = /^\/(2015-03-31|2017-10-31|2019-09-30)\/functions\/([^/]+)(?:\/(invocations|configuration|concurrency))?\/?$/;

export function createHandler(core: EmulatorCore, recorder: Recorder) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(core, recorder, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendServiceError(res, 'ServiceException', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  };
}

async function route(core: EmulatorCore, recorder: Recorder, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  if (url.startsWith(FUNCTION_URL_PREFIX)) return handleFunctionUrl(core, req, res, url);
  if (url.startsWith(API_GATEWAY_PREFIX)) return handleApiGateway(core, req, res, url);
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (isLogsRequest(req, path)) return handleLogsApi(core.logs, core, req, res, core.logsApiRate);
  const query = q < 0 ? undefined : new URLSearchParams(url.slice(q + 1));
  const qualifier = query?.get('Qualifier') ?? undefined;
  const method = req.method ?? 'GET';

  const m = FUNCTION_PATH.exec(path);
  if (m !== null) {
    const [, version, rawName, action] = m;
    const name = decodeURIComponent(rawName!);
    if (action === 'invocations' && method === 'POST' && version === '2015-03-31') {
      return handleInvoke(core, req, res, name, qualifier);
    }
    if (action === 'configuration' && version === '2015-03-31') {
      return handleControlPlane(core, req, res, 'configuration', name, qualifier);
    }
    if (action === 'concurrency' && version !== '2015-03-31') {
      return handleControlPlane(core, req, res, 'concurrency', name, undefined);
    }
    if (action === undefined && version === '2015-03-31' && method === 'GET') {
      return handleControlPlane(core, req, res, 'function', name, qualifier);
    }
  }
  if (/^\/2015-03-31\/functions\/?$/.test(path) && method === 'GET') return listFunctions(core, res);
  if (path === '/_emulator/invocations') {
    if (method === 'DELETE') {
      recorder.clear();
      res.writeHead(204);
      res.end();
      return;
    }
    const fn = query?.get('function');
    const list = recorder.invocations();
    return sendJson(res, 200, fn ? list.filter((i) => i.function === fn) : list);
  }
  if (path === '/_emulator/environments') return sendJson(res, 200, recorder.environments());
  req.resume();
  sendServiceError(res, 'UnknownOperationException', `Unknown operation ${method} ${path}`);
}
