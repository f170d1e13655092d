import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseLinkHeader } from '../feeds/link-header.ts';
import type { Logger } from '../log.ts';
import type { CallbackAnswer, WebSubSubscriber } from './subscriber.ts';

/** Where hubs call back: PUBLIC_URL/websub/<token>. */
export const CALLBACK_PATH = /^\/websub\/([\w-]{16,64})\/?$/;

/**
 * The HTTP side of the WebSub callbacks, for any node:http server (ainews's own on PORT, or Slack's HTTP
 * mode's): GET answers intent checks, POST takes content. A body larger than `maxBytes` is refused with
 * 413 without being read to its end, and nothing but these two methods on these paths is answered.
 */
export function websubCallback(subscriber: WebSubSubscriber, options: { maxBytes: number; log: Logger }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    const token = CALLBACK_PATH.exec(url.pathname)?.[1];
    const answer = (result: CallbackAnswer) => {
      if (res.headersSent) return;
      res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' }).end(result.body);
    };
    if (!token) return answer({ status: 404, body: 'not found' });
    if (req.method === 'GET') {
      subscriber
        .verify(token, url.searchParams)
        .then(answer)
        .catch((error: unknown) => {
          options.log.error({ err: error }, 'a WebSub intent check could not be answered');
          answer({ status: 500, body: 'could not be checked; try again' });
        });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return answer({ status: 405, body: 'GET or POST only' });
    }
    readCapped(req, options.maxBytes)
      .then(async (body) => {
        if (!body) {
          options.log.warn({ maxBytes: options.maxBytes }, 'WebSub push refused: larger than FETCH_MAX_BYTES');
          res.setHeader('connection', 'close');
          return answer({ status: 413, body: 'too large' });
        }
        const self = parseLinkHeader(req.headersDistinct.link, `http://callback.invalid${url.pathname}`).find((link) => link.rels.includes('self'))?.href ?? null;
        const signature = req.headers['x-hub-signature'];
        answer(await subscriber.receive(token, { signature: Array.isArray(signature) ? signature[0] : signature, contentType: req.headers['content-type'], self }, body));
      })
      .catch((error: unknown) => {
        options.log.error({ err: error }, 'a WebSub push could not be stored');
        answer({ status: 500, body: 'could not be stored; try again' });
      });
  };
}

/** The request body, or null once it passes `maxBytes` (what is left is not read). */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
