import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type HttpListener } from '../http-listener.ts';
import type { Logger } from '../log.ts';

/**
 * ainews's public listener on PORT/HOST when Slack's HTTP mode does not already hold it: it serves the
 * WebSub callbacks (PUBLIC_URL/websub/…) and nothing else.
 */
export async function listenCallbacks(handler: (req: IncomingMessage, res: ServerResponse) => void, where: { host: string; port: number }, log: Logger): Promise<HttpListener> {
  // A hub's push is small and quick; a client that dawdles is not kept.
  const server = await listenHttp(handler, where, { what: 'WebSub callbacks', settings: 'HOST, PORT', requestTimeoutMs: 30_000 }, log);
  log.info({ url: server.url }, 'serving the WebSub callbacks');
  return server;
}
