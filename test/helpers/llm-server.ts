import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LlmBehaviour =
  | { kind: 'reply'; content: string; tokens?: number; delayMs?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'not-json' };

/** A local OpenAI-compatible server: POST /v1/chat/completions answers as told, and records each request. */
export class FakeLlmServer {
  readonly requests: { authorization: string | undefined; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
  behaviour: LlmBehaviour = { kind: 'reply', content: '{"summary": "ok"}' };
  private server: Server | null = null;

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
        this.requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) as FakeLlmServer['requests'][number]['body'] });
        const behaviour = this.behaviour;
        if (behaviour.kind === 'status') return void res.writeHead(behaviour.status, behaviour.headers).end('{"error": "nope"}');
        if (behaviour.kind === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
        const reply = JSON.stringify({
          choices: [{ message: { role: 'assistant', content: behaviour.content } }],
          usage: { total_tokens: behaviour.tokens ?? 100 },
        });
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(reply), behaviour.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
