import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { UserError } from '../user-error.ts';

export interface CallbackServer {
  url: string;
  close(): Promise<void>;
}

/**
 * ainews's public listener on PORT/HOST when Slack's HTTP mode does not already hold it: it serves the
 * WebSub callbacks (PUBLIC_URL/websub/…) and nothing else.
 */
export async function listenCallbacks(handler: (req: IncomingMessage, res: ServerResponse) => void, where: { host: string; port: number }, log: Logger): Promise<CallbackServer> {
  const server = http.createServer(handler);
  // A hub's push is small and quick; a client that dawdles is not kept.
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UserError(`cannot serve the WebSub callbacks on ${where.host}:${where.port} (HOST, PORT): ${error.code ?? error.message}`)),
    );
    server.listen(where.port, where.host, () => resolve());
  });
  server.on('error', (error) => log.error({ err: error }, 'the WebSub callback server failed'));
  const { address, port, family } = server.address() as AddressInfo;
  const url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  log.info({ url }, 'serving the WebSub callbacks');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
