import type { Server, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';

/** Shuts a fake platform down at once: answers it held back, its WebSockets, then its HTTP server. */
export async function closeFake(server: Server, wss: WebSocketServer, hung: ServerResponse[]): Promise<void> {
  for (const res of hung) res.destroy();
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
