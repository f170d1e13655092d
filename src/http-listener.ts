import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log.ts';
import { UserError } from './user-error.ts';

export interface HttpListener {
  /** Its base URL, e.g. http://127.0.0.1:9464 (the port chosen when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts one of ainews's own small HTTP servers (health and metrics; WebSub callbacks). A port that cannot
 * be had fails the start with a UserError naming `what` and the settings that place it; later errors
 * are logged. Closing also drops kept-alive connections, which would otherwise hold it up.
 */
export async function listenHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  where: { host: string; port: number },
  about: { what: string; settings: string; requestTimeoutMs?: number },
  log: Logger,
): Promise<HttpListener> {
  const server = http.createServer(handler);
  if (about.requestTimeoutMs) server.requestTimeout = about.requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UserError(`cannot serve ${about.what} on ${where.host}:${where.port} (${about.settings}): ${error.code ?? error.message}`)),
    );
    server.listen(where.port, where.host, () => resolve());
  });
  server.on('error', (error) => log.error({ err: error }, `the ${about.what} server failed`));
  const { address, port, family } = server.address() as AddressInfo;
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
