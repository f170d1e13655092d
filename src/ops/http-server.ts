import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type HttpListener } from '../http-listener.ts';
import type { Logger } from '../log.ts';
import type { HealthReport } from './health.ts';

/** What the server answers with: the health report, and the metrics as Prometheus scrapes them. */
export interface OpsRoutes {
  health(): Promise<HealthReport>;
  metrics(): Promise<{ contentType: string; text: string }>;
}

export type OpsServer = HttpListener;

/**
 * A small HTTP server for whoever runs ainews: GET /livez (200 while the process answers), /healthz (200,
 * or 503 with the failing checks named) and /metrics. It has no other route and takes no input, so it
 * needs no framework; it stays off the Slack HTTP mode's port, whose requests are Slack's.
 */
export async function listenOps(routes: OpsRoutes, where: { host: string; port: number }, log: Logger): Promise<OpsServer> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    answer(req, res, routes).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'a health or metrics request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error; see the log\n');
      else res.destroy();
    });
  };
  const server = await listenHttp(handler, where, { what: 'health and metrics', settings: 'METRICS_HOST, METRICS_PORT' }, log);
  log.info({ url: server.url }, 'serving /healthz, /livez and /metrics');
  return server;
}

async function answer(req: IncomingMessage, res: ServerResponse, routes: OpsRoutes): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
  if (path !== '/livez' && path !== '/healthz' && path !== '/metrics') return send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz, /livez or /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  if (path === '/livez') return send(res, 200, JSON_TYPE, '{"status":"ok"}\n');
  if (path === '/healthz') {
    const report = await routes.health();
    return send(res, report.status === 'ok' ? 200 : 503, JSON_TYPE, `${JSON.stringify(report)}\n`);
  }
  const { contentType, text } = await routes.metrics();
  send(res, 200, contentType, text);
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  // Each answer is about now: a cache in between must not serve an old one.
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
